"""Reads for the cross-cutting pieces: the working-day calendar, job runs, the company policy.

Who is who (teams, managers, salespeople) is salescrm.people."""

from functools import lru_cache

from django.db.models import QuerySet
from django.utils import timezone

from salescrm.models import CalendarDay, CompanyProfile, JobRun, Policy
from salescrm.workdays import WorkCalendar, china_calendar

# Years the official data is loaded for around the current one; overrides cover the rest.
_YEARS_AROUND = 2


@lru_cache(maxsize=8)
def _official_calendar(first_year: int, last_year: int) -> WorkCalendar:
    return china_calendar(range(first_year, last_year + 1))


def work_calendar(*, today=None) -> WorkCalendar:
    """The company's working-day calendar: official Chinese data plus admin overrides."""
    year = (today or timezone.localdate()).year
    official = _official_calendar(year - _YEARS_AROUND, year + _YEARS_AROUND)
    overrides = dict(CalendarDay.objects.values_list("date", "is_working_day"))
    return WorkCalendar(
        days_off=official.days_off,
        extra_workdays=official.extra_workdays,
        overrides=overrides,
    )


def last_job_runs(*, limit: int = 10) -> QuerySet[JobRun]:
    return JobRun.objects.order_by("-started_at")[:limit]


def calendar_years_missing_schedule(*, today) -> list[int]:
    """This year and next, where neither the official data nor an override has a make-up day.

    Every recent Chinese holiday schedule has make-up working days, so a year
    without any is one whose schedule is not loaded yet.
    """
    years = [today.year, today.year + 1]
    official = _official_calendar(today.year - _YEARS_AROUND, today.year + _YEARS_AROUND)
    known = {day.year for day in official.extra_workdays}
    known |= {
        day.year for day in CalendarDay.objects.filter(date__year__in=years).dates("date", "year")
    }
    return [year for year in years if year not in known]


def policy() -> Policy:
    """The company policy row (created with the defaults on first use)."""
    return Policy.objects.get_or_create(pk=1)[0]


def company_profile() -> CompanyProfile:
    """Our company as printed on documents (the one row, created empty on first use)."""
    return CompanyProfile.objects.get_or_create(pk=1)[0]
