"""The Celery beat schedule, declared by the apps with their jobs and seeded into the database.

Beat reads the schedule from the database (django-celery-beat), where the
administrator can change times or pause jobs. `python manage.py setup_schedule`
creates the entries that are missing and leaves edited ones alone; `--reset`
puts every entry back to what is declared (salescrm.jobs.register_job, in each app).
"""

import json

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from salescrm.jobs import JOBS

DEADLINE_TASK = "salescrm.tasks.run_deadline_job"
CRONTAB_FIELDS = ("minute", "hour", "day_of_week", "day_of_month", "month_of_year")

# Beat's own: proves a worker and beat are alive.
HEARTBEAT = {"heartbeat": {"task": "salescrm.tasks.heartbeat", "every_seconds": 60}}


def declared_schedule() -> dict:
    """name -> task (with args) and either {"every_seconds": N} or {"crontab": {...}}: the
    heartbeat, then every deadline job the apps registered, at the time each declared."""
    entries = dict(HEARTBEAT)
    for job in JOBS.values():
        entries[job.name.replace("_", " ")] = {
            "task": DEADLINE_TASK,
            "args": [job.name],
            "crontab": job.crontab,
        }
    return entries


def _schedule_kwargs(entry: dict, time_zone: str) -> dict:
    if "every_seconds" in entry:
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=entry["every_seconds"], period=IntervalSchedule.SECONDS
        )
        return {"interval": interval, "crontab": None}
    # Every field, unset ones as "*": {"minute": "10"} is every hour at :10, and must not
    # match (or be matched by) a crontab that also names an hour.
    fields = {field: "*" for field in CRONTAB_FIELDS} | entry["crontab"]
    crontab = CrontabSchedule.objects.filter(timezone=time_zone, **fields).order_by("pk").first()
    if crontab is None:
        crontab = CrontabSchedule.objects.create(timezone=time_zone, **fields)
    return {"crontab": crontab, "interval": None}


@transaction.atomic
def setup_schedule(*, time_zone: str, reset: bool = False) -> dict:
    """Make the database schedule hold every declared job; return counts."""
    counts = {"created": 0, "reset": 0, "kept": 0}
    for name, entry in declared_schedule().items():
        defaults = {
            "task": entry["task"],
            "args": json.dumps(entry.get("args", [])),
            **_schedule_kwargs(entry, time_zone),
        }
        task = PeriodicTask.objects.filter(name=name).first()
        if task is None:
            PeriodicTask.objects.create(name=name, **defaults)
            counts["created"] += 1
        elif reset:
            for field, value in defaults.items():
                setattr(task, field, value)
            task.enabled = True
            task.save()
            counts["reset"] += 1
        else:
            counts["kept"] += 1
    return counts
