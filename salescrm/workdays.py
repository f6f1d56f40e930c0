"""Working-day calendar: pure date arithmetic, no clock and no Django.

Every date, time zone and calendar is passed in by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from types import MappingProxyType

import holidays

END_OF_DAY = time(23, 59, 59, 999999)
MAX_GAP_DAYS = 3660  # longest run of days off tolerated before giving up

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class WorkCalendar:
    """Mon-Fri week adjusted by official holidays, make-up days and company overrides.

    Days outside the data given are treated as a plain Mon-Fri week.
    """

    days_off: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    overrides: Mapping[date, bool] = field(default_factory=lambda: MappingProxyType({}), hash=False)

    def __post_init__(self) -> None:
        # Copy inputs so later changes to the caller's objects cannot leak in.
        object.__setattr__(self, "days_off", frozenset(self.days_off))
        object.__setattr__(self, "extra_workdays", frozenset(self.extra_workdays))
        object.__setattr__(self, "overrides", MappingProxyType(dict(self.overrides)))

    def is_working_day(self, day: date) -> bool:
        """Override, else make-up workday, else holiday, else Mon-Fri."""
        if day in self.overrides:
            return self.overrides[day]
        if day in self.extra_workdays:
            return True
        if day in self.days_off:
            return False
        return day.weekday() < 5

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after `day` (before it if n < 0), `day` not counted.

        n == 0 gives `day` if it is a working day, else the next working day.
        """
        if n == 0:
            return day if self.is_working_day(day) else self.add_working_days(day, 1)
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        remaining, gap = abs(n), 0
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
                gap = 0
            else:
                gap += 1
                if gap > MAX_GAP_DAYS:
                    msg = f"no working day within {MAX_GAP_DAYS} days of {day}"
                    raise ValueError(msg)
        return day

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        return self.add_working_days(day, 1)

    def working_days_between(self, start: date, end: date) -> int:
        """Count working days d with start < d <= end; negative if end < start."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += _ONE_DAY
            if self.is_working_day(day):
                count += 1
        return count

    def due_at(self, start: date, n: int, *, tz: tzinfo, end_of_day: time = END_OF_DAY) -> datetime:
        """Deadline for "within n working days of `start`" (`start` not counted).

        That is `end_of_day` on the n-th working day after `start`, in `tz`.
        """
        return datetime.combine(self.add_working_days(start, n), end_of_day, tzinfo=tz)

    def end_of_working_day(self, moment: datetime, *, end_of_day: time = END_OF_DAY) -> datetime:
        """End of `moment`'s local day if it is a working day, else of the next one.

        Uses `moment`'s own time zone; `moment` must be aware.
        """
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("moment must be an aware datetime")
        day = self.add_working_days(moment.date(), 0)
        return datetime.combine(day, end_of_day, tzinfo=moment.tzinfo)


def monday_of(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def local_midnight(day: date, *, tz: tzinfo) -> datetime:
    """The aware moment `day` begins in `tz`."""
    return datetime.combine(day, time.min, tzinfo=tz)


def day_range(day: date, *, tz: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) of `day` in `tz`: the moments that belong to that day."""
    return local_midnight(day, tz=tz), local_midnight(day + timedelta(days=1), tz=tz)


def week_range(day: date, *, tz: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) of the Monday-to-Sunday week of `day` in `tz`."""
    monday = monday_of(day)
    return local_midnight(monday, tz=tz), local_midnight(monday + timedelta(days=7), tz=tz)


def china_calendar(
    years: Iterable[int], overrides: Mapping[date, bool] | None = None
) -> WorkCalendar:
    """Mainland China calendar for `years` (`holidays` package) + company overrides."""
    wanted = frozenset(years)
    official = holidays.China(years=sorted(wanted))
    return WorkCalendar(
        days_off=frozenset(d for d in official if d.year in wanted),
        # weekend_workdays may also hold make-up days of other years: keep only ours.
        extra_workdays=frozenset(d for d in official.weekend_workdays if d.year in wanted),
        overrides=overrides or {},
    )
