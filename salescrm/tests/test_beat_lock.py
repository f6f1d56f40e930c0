"""Two beats never send a job twice: the schedule runs in the one holding the beat lock.

The schedulers here are the configured one (CELERY_BEAT_SCHEDULER), two instances in
this process, each with its own database session, as two beat processes would be; what
they would send to the broker is recorded instead.
"""

import json
import os
import uuid
from datetime import timedelta

import pytest
from celery.utils.imports import symbol_by_name
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from salescrm.celery import app as celery_app
from salescrm.schedule import DEADLINE_TASK
from salescrm.testing.celery import Beat, database_url, delete_queue, wait_for

TICKS = 6


@pytest.fixture
def sent(monkeypatch):
    """(scheduler, entry name) of each task a scheduler sends, in order."""
    scheduler_class = symbol_by_name(celery_app.conf.beat_scheduler)
    record = []

    def apply_entry(self, entry, producer=None):
        record.append((self, entry.name))

    monkeypatch.setattr(scheduler_class, "apply_entry", apply_entry)
    # The producer (a broker connection) is never used by the recorded apply_entry.
    monkeypatch.setattr(scheduler_class, "producer", None, raising=False)
    return record


@pytest.fixture
def schedulers(transactional_db):
    """make() -> a new scheduler of the configured class; all are closed at the end."""
    scheduler_class = symbol_by_name(celery_app.conf.beat_scheduler)
    made = []

    def make():
        scheduler = scheduler_class(app=celery_app, max_interval=1)
        made.append(scheduler)
        return scheduler

    yield make
    for scheduler in made:
        scheduler.close()


def job(name, every=3600):
    interval, _ = IntervalSchedule.objects.get_or_create(
        every=every, period=IntervalSchedule.SECONDS
    )
    # Last run two intervals ago: due at the first tick.
    return PeriodicTask.objects.create(
        name=name,
        task=DEADLINE_TASK,
        args=json.dumps([name]),
        interval=interval,
        last_run_at=timezone.now() - timedelta(seconds=2 * every),
    )


def sends_of(sent, name):
    return [scheduler for scheduler, entry in sent if entry == name]


def test_two_beats_ticking_together_send_each_due_job_once(schedulers, sent):
    job("file_completion")
    job("first_contact")
    first, second = schedulers(), schedulers()

    for _ in range(TICKS):
        first.tick()
        second.tick()

    assert sends_of(sent, "file_completion") == [first]
    assert sends_of(sent, "first_contact") == [first]


def test_the_second_beat_waits_as_a_standby_and_takes_over_when_the_first_stops(schedulers, sent):
    job("file_completion")
    first, second = schedulers(), schedulers()
    for _ in range(TICKS):
        first.tick()
        assert second.tick() > 0  # waiting, not sending
    assert not second.holds_lock()

    first.close()  # saves what it ran, ends its session: the lock is free
    job("first_contact")
    for _ in range(TICKS):
        second.tick()

    assert second.holds_lock()
    # What the first beat ran is not run again; what is due now runs once, on the second.
    assert sends_of(sent, "file_completion") == [first]
    assert sends_of(sent, "first_contact") == [second]


# Two real beat processes -------------------------------------------------------------------

BEAT_EVERY = 2  # seconds between the test job's runs
SENDING = "Sending due task heartbeat (beat lock test)"


@pytest.fixture
def beats(transactional_db, tmp_path):
    """make() -> a new `celery beat` on the test database; all are stopped at the end."""
    queue = f"salescrm-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "salescrm.settings"),
        "DATABASE_URL": database_url(connection.settings_dict),
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "False",
        "PYTHONUNBUFFERED": "1",
    }
    started = []

    def make():
        n = len(started)
        beat = Beat(tmp_path / f"beat{n}.log", env, tmp_path / f"celerybeat-schedule-{n}")
        beat.start()
        started.append(beat)
        return beat

    make.queue = queue
    make.output = lambda: "\n".join(
        f"--- beat {n} (exit {b.process.poll()}):\n{b.output()}" for n, b in enumerate(started)
    )
    try:
        yield make
    finally:
        for beat in started:
            beat.stop()
        delete_queue(queue)


def sends(beat) -> int:
    return beat.output().count(SENDING)


@pytest.mark.integration
def test_a_second_beat_process_sends_nothing_until_the_first_one_stops(beats):
    interval, _ = IntervalSchedule.objects.get_or_create(
        every=BEAT_EVERY, period=IntervalSchedule.SECONDS
    )
    PeriodicTask.objects.create(
        name="heartbeat (beat lock test)",
        task="salescrm.tasks.heartbeat",
        interval=interval,
        queue=beats.queue,  # nobody consumes it: only the sending is counted
    )
    first = beats()
    assert wait_for(lambda: sends(first) >= 1, alive=first.is_running), beats.output()

    second = beats()
    assert wait_for(
        lambda: "another beat runs the schedule" in second.output(), alive=second.is_running
    ), beats.output()
    before = sends(first)
    assert wait_for(lambda: sends(first) >= before + 4, alive=first.is_running), beats.output()
    # Four more runs of the job, each sent by the first beat only.
    assert sends(second) == 0, beats.output()

    first.stop()
    sent_by_first = sends(first)
    assert wait_for(lambda: sends(second) >= 2, alive=second.is_running), beats.output()
    assert "Beat lock: taken" in second.output()
    print(
        f"first beat sent {sent_by_first}, the second 0 while the first ran, "
        f"then {sends(second)} after it stopped"
    )
