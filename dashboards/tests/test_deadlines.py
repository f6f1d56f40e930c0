"""Running the deadline jobs: run records, dry runs, the command, the Celery task, the schedule,
and the benchmark command."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_celery_beat.models import PeriodicTask

from customers.models import Customer
from customers.tests.factories import make_customer
from dashboards.management.commands.bench_deadlines import no_notification_emails
from salescrm import jobs as job_registry
from salescrm import notifications
from salescrm.models import JobRun, Notification, Team, User
from salescrm.schedule import DEADLINE_TASK, setup_schedule
from salescrm.tasks import run_deadline_job
from salescrm.testing.time import at

COLLECTED = at(2026, 3, 5, 10, 0)  # Thu: the file is due at the end of Mon 9 Mar
AFTER_DUE = at(2026, 3, 10, 9, 0)


@pytest.fixture
def overdue_file(salesperson, manager):
    return make_customer(salesperson, now=COLLECTED)


# --- run_job ---------------------------------------------------------------------------------


def test_running_a_job_records_a_job_run_with_its_counts(overdue_file):
    counts = job_registry.run_job("file_completion", now=AFTER_DUE)

    assert counts == {"files marked overdue": 1}
    run = JobRun.objects.get()
    assert run.name == "file_completion"
    assert run.counts == counts
    assert run.finished_at is not None
    assert run.finished_at >= run.started_at
    assert run.error == ""
    overdue_file.refresh_from_db()
    assert overdue_file.completion_overdue_at == AFTER_DUE


def test_a_job_with_nothing_due_still_records_its_run(db):
    counts = job_registry.run_job("visit_return", now=AFTER_DUE)

    assert counts == {"late returns flagged": 0}
    assert JobRun.objects.get(name="visit_return").counts == counts


def test_a_failing_job_records_its_error(db, monkeypatch):
    def broken(*, now):
        raise RuntimeError("the database went away")

    monkeypatch.setitem(
        job_registry.JOBS,
        "file_completion",
        job_registry.Job("file_completion", broken, crontab={"minute": "5"}),
    )

    with pytest.raises(RuntimeError):
        job_registry.run_job("file_completion", now=AFTER_DUE)

    run = JobRun.objects.get()
    assert "the database went away" in run.error
    assert run.finished_at is not None


def test_a_dry_run_counts_but_changes_and_records_nothing(overdue_file):
    history_before = overdue_file.history.count()

    counts = job_registry.run_job("file_completion", now=AFTER_DUE, dry_run=True)

    assert counts == {"files marked overdue": 1}
    overdue_file.refresh_from_db()
    assert overdue_file.completion_overdue_at is None
    assert overdue_file.history.count() == history_before
    assert not Notification.objects.filter(kind="file_overdue").exists()
    assert not JobRun.objects.exists()
    # The real run afterwards still finds the file.
    assert job_registry.run_job("file_completion", now=AFTER_DUE) == {"files marked overdue": 1}


# --- the run_deadlines command ---------------------------------------------------------------


def run_deadlines(*args):
    out = StringIO()
    call_command("run_deadlines", *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_command_runs_every_job_and_prints_one_line_each_with_its_counts(overdue_file):
    lines = run_deadlines("--now", "2026-03-10T09:00")

    assert lines[0] == "Deadline jobs at 2026-03-10 09:00 CST"
    jobs = [line.split()[0] for line in lines[1:]]
    assert jobs == list(job_registry.JOBS)
    by_job = {line.split()[0]: line for line in lines[1:]}
    assert by_job["file_completion"].endswith("files marked overdue: 1")
    assert by_job["first_contact"].endswith("first-contact reminders: 0, first contacts missed: 0")
    assert by_job["reassignment"].endswith("customers reassigned: 0, left for the manager: 0")
    assert by_job["visit_log"].endswith("visit logs marked overdue: 0")
    assert by_job["visit_return"].endswith("late returns flagged: 0")
    assert by_job["notification_email_sweep"].endswith("e-mails queued again: 0")
    assert JobRun.objects.count() == len(job_registry.JOBS)
    overdue_file.refresh_from_db()
    assert overdue_file.completion_overdue_at == AFTER_DUE


def test_the_command_reads_now_with_a_zone(overdue_file):
    run_deadlines("--now", "2026-03-10T01:00:00+00:00")

    overdue_file.refresh_from_db()
    assert overdue_file.completion_overdue_at == AFTER_DUE


def test_a_dry_run_of_the_command_prints_the_counts_and_changes_nothing(overdue_file):
    lines = run_deadlines("--now", "2026-03-10T09:00", "--dry-run")

    assert "dry run" in lines[0]
    by_job = {line.split()[0]: line for line in lines[1:]}
    assert by_job["file_completion"].endswith("files marked overdue: 1")
    overdue_file.refresh_from_db()
    assert overdue_file.completion_overdue_at is None
    assert not JobRun.objects.exists()
    assert not Notification.objects.filter(kind="file_overdue").exists()


@pytest.mark.parametrize("bad", ["yesterday", "2026-02-30T09:00", "2026-03-10T25:00", ""])
def test_a_bad_now_is_refused_and_nothing_runs(overdue_file, bad):
    with pytest.raises(CommandError, match="--now"):
        run_deadlines("--now", bad)

    assert not JobRun.objects.exists()
    overdue_file.refresh_from_db()
    assert overdue_file.completion_overdue_at is None


# --- the Celery task -------------------------------------------------------------------------


def test_the_task_runs_a_job_at_the_current_moment_and_records_it(
    overdue_file, eager, time_machine
):
    time_machine.move_to(AFTER_DUE, tick=False)

    result = run_deadline_job.delay("file_completion")

    assert result.successful()
    assert result.get() == {"files marked overdue": 1}
    run = JobRun.objects.get()
    assert run.name == "file_completion"
    assert run.counts == {"files marked overdue": 1}
    assert run.started_at == AFTER_DUE
    overdue_file.refresh_from_db()
    assert overdue_file.completion_overdue_at == AFTER_DUE


# --- the beat schedule -----------------------------------------------------------------------

MINUTES = {
    "file_completion": "5",
    "first_contact": "10",
    "reassignment": "15",
    "visit_log": "20",
    "visit_return": "*/10",
}


def test_the_schedule_runs_every_deadline_job_through_the_one_task(db):
    setup_schedule(time_zone="Asia/Shanghai")

    tasks = PeriodicTask.objects.filter(task=DEADLINE_TASK).select_related("crontab")
    by_job = {json.loads(task.args)[0]: task for task in tasks}
    assert DEADLINE_TASK == "salescrm.tasks.run_deadline_job"
    assert set(by_job) == set(job_registry.JOBS)
    for name, task in by_job.items():
        assert json.loads(task.args) == [name]
        assert task.interval is None
        assert str(task.crontab.timezone) == "Asia/Shanghai"
        assert task.enabled


@pytest.mark.parametrize(("job", "minute"), MINUTES.items())
def test_the_deadline_jobs_run_hourly_and_late_returns_every_ten_minutes(db, job, minute):
    setup_schedule(time_zone="Asia/Shanghai")

    task = PeriodicTask.objects.get(task=DEADLINE_TASK, args=json.dumps([job]))
    assert task.crontab.minute == minute
    assert task.crontab.hour == "*"
    assert task.crontab.day_of_week == "*"
    assert task.crontab.day_of_month == "*"
    assert task.crontab.month_of_year == "*"


def test_late_returns_are_checked_every_ten_minutes(db):
    setup_schedule(time_zone="Asia/Shanghai")

    visit_return = PeriodicTask.objects.get(name="visit return")
    assert json.loads(visit_return.args) == ["visit_return"]
    assert visit_return.crontab.minute == "*/10"


# --- the benchmark command -------------------------------------------------------------------

BENCH_LINE = re.compile(
    r"^\s+(?P<job>\w+)(?P<again> \(second run\))?: (?P<rows>\d+) rows changed in "
    r"(?P<seconds>[\d.]+) s, (?P<queries>\d+) queries \((?P<counts>.*)\)$"
)
BENCH_JOBS = {"file_completion", "first_contact"}


def bench(*args):
    """Run the benchmark; ({job: first run line}, {job: second run line}, the whole output)."""
    out = StringIO()
    call_command("bench_deadlines", *args, stdout=out)
    text = out.getvalue()
    lines = [m for m in map(BENCH_LINE.match, text.splitlines()) if m]
    first = {m["job"]: m for m in lines if not m["again"]}
    again = {m["job"]: m for m in lines if m["again"]}
    assert set(first) == set(again) == BENCH_JOBS, text
    return first, again, text


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def test_the_benchmark_marks_the_due_rows_and_leaves_nothing_behind(db, debug):
    found, again, _text = bench("--customers", "300", "--due", "50")

    assert int(found["file_completion"]["rows"]) == 50
    assert found["file_completion"]["counts"] == "files marked overdue: 50"
    assert int(found["first_contact"]["rows"]) == 50
    assert found["first_contact"]["counts"] == (
        "first-contact reminders: 0, first contacts missed: 50"
    )
    assert {job: int(line["rows"]) for job, line in again.items()} == dict.fromkeys(BENCH_JOBS, 0)
    assert not Customer.objects.exists()
    assert not Customer.history.exists()
    assert not User.objects.exists()
    assert not Team.objects.exists()
    assert not Notification.objects.exists()


def test_the_benchmark_query_count_does_not_grow_with_the_rows_due(db, debug):
    small, _, _ = bench("--customers", "300", "--due", "50")
    large, _, _ = bench("--customers", "300", "--due", "120")

    assert int(large["file_completion"]["rows"]) == 120
    assert int(large["first_contact"]["rows"]) == 120
    for job in ("file_completion", "first_contact"):
        assert small[job]["queries"] == large[job]["queries"], job


def test_the_benchmark_keeps_its_data_when_asked(db, debug):
    bench("--customers", "300", "--due", "50", "--keep")

    assert Customer.objects.count() == 300
    assert Customer.objects.filter(completion_overdue_at__isnull=False).count() == 50
    assert Customer.objects.filter(first_contact_missed_at__isnull=False).count() == 50

    _first, _again, text = bench("--customers", "300", "--due", "50")

    assert "Removed 300 customers left by an earlier --keep run." in text
    assert not Customer.objects.exists()


def test_the_benchmark_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        bench("--customers", "300", "--due", "50")

    assert not Customer.objects.exists()
    assert not User.objects.exists()


def test_the_benchmark_never_runs_next_to_real_customers(debug, overdue_file):
    with pytest.raises(CommandError, match="real customers"):
        bench("--customers", "300", "--due", "50")

    assert list(Customer.objects.all()) == [overdue_file]
    overdue_file.refresh_from_db()
    assert overdue_file.completion_overdue_at is None


def test_the_benchmark_refuses_more_due_rows_than_customers(db, debug):
    with pytest.raises(CommandError, match="--due"):
        bench("--customers", "100", "--due", "60")


def test_the_benchmark_enqueues_no_e_mail_for_its_scratch_notifications(
    salesperson, overdue_file, django_capture_on_commit_callbacks
):
    entry = (salesperson, "file_overdue", {"customer": "x"}, "", overdue_file)
    with no_notification_emails():
        notifications.notify_many([entry])
    scratch = Notification.objects.latest("pk")
    assert scratch.email_wanted is False
    assert scratch.email_due_at is None

    notifications.notify_many([entry])
    assert Notification.objects.latest("pk").email_wanted is True
