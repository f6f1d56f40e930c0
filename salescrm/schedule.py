"""The Celery beat schedule, declared once here and seeded into the database.

Beat reads the schedule from the database (django-celery-beat), where the
administrator can change times or pause jobs. `python manage.py setup_schedule`
creates the entries that are missing and leaves edited ones alone; `--reset`
puts every entry back to what is declared here.
"""

import json

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

DEADLINE_TASK = "salescrm.tasks.run_deadline_job"

# name -> task (with args) and either {"every_seconds": N} or {"crontab": {...}}
SCHEDULE = {
    "heartbeat": {"task": "salescrm.tasks.heartbeat", "every_seconds": 60},
    "file completion": {
        "task": DEADLINE_TASK,
        "args": ["file_completion"],
        "crontab": {"minute": "5"},
    },
    "first contact": {
        "task": DEADLINE_TASK,
        "args": ["first_contact"],
        "crontab": {"minute": "10"},
    },
    "reassignment": {
        "task": DEADLINE_TASK,
        "args": ["reassignment"],
        "crontab": {"minute": "15"},
    },
    "visit log": {"task": DEADLINE_TASK, "args": ["visit_log"], "crontab": {"minute": "20"}},
    "visit return": {
        "task": DEADLINE_TASK,
        "args": ["visit_return"],
        "crontab": {"minute": "*/10"},
    },
    "weekly digests": {
        "task": DEADLINE_TASK,
        "args": ["weekly_digests"],
        "crontab": {"minute": "0", "hour": "8", "day_of_week": "1"},
    },
    # Every day: the job itself skips days off and sends on make-up working Saturdays.
    "daily brief": {
        "task": DEADLINE_TASK,
        "args": ["daily_brief"],
        "crontab": {"minute": "30", "hour": "8"},
    },
}


def _schedule_kwargs(entry: dict, time_zone: str) -> dict:
    if "every_seconds" in entry:
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=entry["every_seconds"], period=IntervalSchedule.SECONDS
        )
        return {"interval": interval, "crontab": None}
    crontab, _ = CrontabSchedule.objects.get_or_create(timezone=time_zone, **entry["crontab"])
    return {"crontab": crontab, "interval": None}


@transaction.atomic
def setup_schedule(*, time_zone: str, reset: bool = False) -> dict:
    """Make the database schedule hold every declared job; return counts."""
    counts = {"created": 0, "reset": 0, "kept": 0}
    for name, entry in SCHEDULE.items():
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
