"""Report periods: a week, month, quarter, year or custom range, as dates and as moments.

A period is [start, end) in dates (end exclusive) and the matching aware moments in the
company's time zone, so date columns (signed_on) and time columns (entered_at) are cut
at the same local midnight.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from django.utils.translation import gettext_lazy as _

from salescrm.workdays import WorkCalendar, local_midnight, monday_of

KINDS = {
    "week": _("Week"),
    "month": _("Month"),
    "quarter": _("Quarter"),
    "year": _("Year"),
    "custom": _("Custom range"),
}
LONGEST_CUSTOM_DAYS = 3 * 366


class PeriodError(ValueError):
    """A period the request cannot describe (bad date, end before start, too long)."""


@dataclass(frozen=True)
class Period:
    kind: str
    start: date  # first day
    end: date  # the day after the last one

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def moments(self, *, tz: tzinfo) -> tuple[datetime, datetime]:
        return local_midnight(self.start, tz=tz), local_midnight(self.end, tz=tz)

    def working_days(self, calendar: WorkCalendar) -> int:
        return calendar.working_days_between(self.start - timedelta(days=1), self.last_day)

    def shifted(self, steps: int) -> Period:
        """The period `steps` before (negative) or after this one, of the same kind."""
        if self.kind == "custom":
            length = timedelta(days=self.days * steps)
            return Period("custom", self.start + length, self.end + length)
        if self.kind == "week":
            return period_for("week", self.start + timedelta(days=7 * steps))
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind] * steps
        return period_for(self.kind, add_months(self.start, months))

    def query(self) -> str:
        """The query string that gives this period back."""
        if self.kind == "custom":
            return f"period=custom&start={self.start:%Y-%m-%d}&end={self.last_day:%Y-%m-%d}"
        return f"period={self.kind}&date={self.start:%Y-%m-%d}"

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return f"{self.start.year}"
        return f"{self.start:%Y-%m-%d} to {self.last_day:%Y-%m-%d}"


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_for(kind: str, day: date) -> Period:
    """The week, month, quarter or year holding `day`."""
    if kind == "week":
        monday = monday_of(day)
        return Period("week", monday, monday + timedelta(days=7))
    if kind == "month":
        first = day.replace(day=1)
        return Period("month", first, add_months(first, 1))
    if kind == "quarter":
        first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return Period("quarter", first, add_months(first, 3))
    if kind == "year":
        return Period("year", date(day.year, 1, 1), date(day.year + 1, 1, 1))
    raise PeriodError(_("Unknown period."))


def _date(text: str | None, default: date | None = None) -> date:
    if not text:
        if default is None:
            raise PeriodError(_("Give both the first and the last day."))
        return default
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise PeriodError(_("Dates are written as YYYY-MM-DD.")) from error


def parse_period(params, *, today: date) -> Period:
    """The period a query string asks for (this month by default); PeriodError if bad."""
    kind = params.get("period") or "month"
    if kind not in KINDS:
        raise PeriodError(_("Unknown period."))
    if kind == "custom":
        start, last = _date(params.get("start")), _date(params.get("end"))
        if last < start:
            raise PeriodError(_("The last day comes before the first."))
        if (last - start).days > LONGEST_CUSTOM_DAYS:
            raise PeriodError(_("A custom range is at most three years."))
        return Period("custom", start, last + timedelta(days=1))
    return period_for(kind, _date(params.get("date"), today))
