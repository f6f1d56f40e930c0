from django_celery_beat.models import PeriodicTask

from salescrm.schedule import declared_schedule, setup_schedule


def test_setup_creates_every_declared_job(db):
    counts = setup_schedule(time_zone="Asia/Shanghai")

    assert counts["created"] == len(declared_schedule())
    assert set(PeriodicTask.objects.values_list("name", flat=True)) >= set(declared_schedule())
    heartbeat = PeriodicTask.objects.get(name="heartbeat")
    assert heartbeat.task == "salescrm.tasks.heartbeat"
    assert heartbeat.interval.every == 60


def test_setup_twice_changes_nothing_more(db):
    setup_schedule(time_zone="Asia/Shanghai")

    counts = setup_schedule(time_zone="Asia/Shanghai")

    assert counts == {"created": 0, "reset": 0, "kept": len(declared_schedule())}
    assert PeriodicTask.objects.filter(name__in=declared_schedule()).count() == len(
        declared_schedule()
    )


def test_setup_keeps_what_the_administrator_edited(db):
    setup_schedule(time_zone="Asia/Shanghai")
    PeriodicTask.objects.filter(name="heartbeat").update(enabled=False)

    setup_schedule(time_zone="Asia/Shanghai")

    assert PeriodicTask.objects.get(name="heartbeat").enabled is False


def test_reset_puts_edited_jobs_back(db):
    setup_schedule(time_zone="Asia/Shanghai")
    PeriodicTask.objects.filter(name="heartbeat").update(enabled=False)

    counts = setup_schedule(time_zone="Asia/Shanghai", reset=True)

    assert counts["reset"] == len(declared_schedule())
    assert PeriodicTask.objects.get(name="heartbeat").enabled is True


def test_a_job_at_a_minute_of_every_hour_and_one_at_that_minute_of_one_hour_both_set_up(
    db, monkeypatch
):
    from salescrm import jobs

    hourly = jobs.Job(name="hourly_probe", run=lambda **kw: {}, crontab={"minute": "10"})
    nightly = jobs.Job(
        name="nightly_probe", run=lambda **kw: {}, crontab={"minute": "10", "hour": "2"}
    )
    monkeypatch.setitem(jobs.JOBS, "hourly_probe", hourly)
    monkeypatch.setitem(jobs.JOBS, "nightly_probe", nightly)

    setup_schedule(time_zone="Asia/Shanghai")
    setup_schedule(time_zone="Asia/Shanghai")

    every_hour = PeriodicTask.objects.get(name="hourly probe").crontab
    at_two = PeriodicTask.objects.get(name="nightly probe").crontab
    assert (every_hour.minute, every_hour.hour) == ("10", "*")
    assert (at_two.minute, at_two.hour) == ("10", "2")
