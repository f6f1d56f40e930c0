"""Moments for tests: aware datetimes in Shanghai (the company's time zone) and boundaries."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")
ONE_MICROSECOND = timedelta(microseconds=1)


def at(*args) -> datetime:
    """An aware Asia/Shanghai datetime: at(2026, 3, 2, 9, 0) is Monday 2 March 2026, 09:00."""
    return datetime(*args, tzinfo=SHANGHAI)


def end_of(year, month, day) -> datetime:
    """The last microsecond of the day in Shanghai (a deadline's boundary)."""
    return at(year, month, day, 23, 59, 59, 999999)


def local(year, month, day, hour=0, minute=0) -> datetime:
    """An aware moment in the current time zone (Shanghai unless a test activates another).

    Unlike `at`, it follows timezone.get_current_timezone().
    """
    return datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())
