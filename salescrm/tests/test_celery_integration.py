"""Celery: the project's configuration, an eager run, and a real worker process.

The worker test starts `celery worker` as a subprocess pointed at the test
database and at the broker this process uses (Redis when CELERY_BROKER_URL is
set, otherwise the file-system broker under var/broker). It listens on a queue
of its own, so a stale message left by an earlier run, or another worker on
the same broker, cannot interfere.
"""

import os
import uuid

import environ
import pytest
from django.conf import settings as django_settings
from django.db import connection
from kombu import Exchange, Queue

from salescrm.celery import app as celery_app
from salescrm.models import JobRun
from salescrm.tasks import heartbeat
from salescrm.testing.celery import (
    WORKER_DEADLINE,
    Worker,
    celery_conf,
    database_url,
    delete_queue,
    wait_for,
)


def test_celery_configuration_is_what_the_project_requires():
    conf = celery_app.conf
    assert conf.task_serializer == "json"
    assert conf.result_serializer == "json"
    assert list(conf.accept_content) == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert isinstance(conf.task_time_limit, int)
    assert conf.task_time_limit > 0
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit
    assert conf.beat_scheduler == "salescrm.beat:LockedDatabaseScheduler"
    assert conf.broker_url == django_settings.CELERY_BROKER_URL


def test_heartbeat_runs_inline_and_records_a_job_run_when_tasks_are_eager(db, eager):
    result = heartbeat.delay()

    assert result.successful()
    assert set(result.get()) == {"at"}
    run = JobRun.objects.get(name="heartbeat")
    assert run.finished_at is not None
    assert run.error == ""
    assert run.counts == result.get()


# A real worker ----------------------------------------------------------------


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A real worker on the test database and this process's broker, on its own queue."""
    queue = f"salescrm-test-{uuid.uuid4().hex[:12]}"
    url = database_url(connection.settings_dict)
    parsed = environ.Env.db_url_config(url)
    assert (parsed["HOST"], parsed["NAME"], parsed["USER"]) == (
        connection.settings_dict["HOST"],
        connection.settings_dict["NAME"],
        connection.settings_dict["USER"],
    ), f"{url} does not point at the test database"

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "salescrm.settings"),
        "DATABASE_URL": url,
        # filesystem:// makes the worker use the same var/broker folder as this process.
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "False",
        "PYTHONUNBUFFERED": "1",
    }
    worker = Worker(queue, tmp_path / "worker.log", env)
    with celery_app.connection_for_write() as conn:
        Queue(queue, Exchange(queue), routing_key=queue).bind(conn.default_channel).purge()
    try:
        worker.start()
        # The task has to travel through the broker, whatever the environment says.
        with celery_conf(task_always_eager=False):
            yield worker
    finally:
        worker.stop()
        delete_queue(queue)


@pytest.mark.integration
def test_a_real_worker_runs_heartbeat_from_the_broker_and_records_a_job_run(celery_worker):
    assert not JobRun.objects.exists()

    heartbeat.apply_async(queue=celery_worker.queue)

    def recorded():
        return JobRun.objects.filter(name="heartbeat", finished_at__isnull=False).exists()

    assert wait_for(recorded, alive=celery_worker.is_running), (
        f"no finished heartbeat JobRun (waited up to {WORKER_DEADLINE}s; "
        f"worker exit code {celery_worker.process.poll()}); worker output:\n"
        f"{celery_worker.output()}"
    )
    run = JobRun.objects.get(name="heartbeat")
    assert run.error == "", celery_worker.output()
    assert set(run.counts) == {"at"}

    celery_worker.stop()
    assert celery_worker.process.returncode == 0, celery_worker.output()
    assert "salescrm.tasks.heartbeat" in celery_worker.output()
