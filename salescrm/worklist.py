"""Today's work, one list per person: what is overdue, due today, due this week.

Each app registers the sources of work it owns from its AppConfig.ready() (files to
complete, first contacts due, slips to approve, ...); a source is a function
`(user, now, calendar) -> Iterable[WorkItem]` that reads with a constant number of queries
and returns at most SOURCE_LIMIT items. The home page (dashboards) asks `worklist(user)`.

A due moment counts in working days for the rules that are in working days (a file, a
visit log) and in calendar days for the one-week first contact; the clock on each row
says which.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from salescrm import selectors
from salescrm.models import User
from salescrm.workdays import WorkCalendar, day_range, week_range

# Items one source contributes to a worklist (the rest are on its own page).
SOURCE_LIMIT = 25

WORKING_DAYS, CALENDAR_DAYS = "working", "calendar"


@dataclass
class WorkItem:
    """One thing to do: what, about which record, by when, and the button that does it."""

    source: str  # the registered source, e.g. "customers.files_to_complete"
    what: Promise | str  # "Complete the file"
    title: str  # the record: a customer's name, "AD2026-0012 · Acme"
    url: str  # the page where it is done
    action: Promise | str  # the button: "Complete", "Approve"
    due_at: datetime | None = None  # None: waiting for you now (an approval)
    waiting_since: datetime | None = None
    clock: str = WORKING_DAYS
    # A one-click action done in place (POST), e.g. approving a slip: (url, label).
    inline: tuple[str, Promise | str] | None = None
    detail: str = ""  # e.g. why it was sent back
    phone: str = ""  # a number to call from the row (a first contact to make)
    key: str = ""  # for the checkbox of a bulk action (e.g. a slip's id)
    when: str = field(default="", init=False)  # the clock, filled in by worklist()


Source = Callable[[User, datetime, WorkCalendar], Iterable[WorkItem]]
_sources: dict[str, tuple[int, Source]] = {}


def register(name: str, source: Source, *, order: int) -> None:
    """Add a source of work items (from an AppConfig.ready())."""
    _sources[name] = (order, source)


@dataclass
class Group:
    """Items of one kind in one part of the list: shown folded when there are many."""

    what: Promise | str
    items: list[WorkItem]

    @property
    def first(self) -> WorkItem:
        return self.items[0]


# From this many items of one kind in one part of the list on, they fold into one row.
FOLD_FROM = 3


@dataclass
class Worklist:
    overdue: list[WorkItem]
    today: list[WorkItem]
    week: list[WorkItem]
    later: list[WorkItem]

    def __len__(self) -> int:
        return len(self.overdue) + len(self.today) + len(self.week) + len(self.later)

    @staticmethod
    def grouped(items: list[WorkItem]) -> list[Group]:
        """`items` by kind (what is to be done), each kind where its soonest item falls."""
        groups: dict[str, Group] = {}
        for item in items:
            groups.setdefault(str(item.what), Group(what=item.what, items=[])).items.append(item)
        return list(groups.values())


def worklist(user: User, *, now: datetime | None = None) -> Worklist:
    """Everything the sources give `user`, sorted into overdue, today, this week and later,
    soonest first; approvals waiting for `user` count as due today."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    calendar = selectors.work_calendar(today=today)
    tz = timezone.get_current_timezone()
    end_of_today = day_range(today, tz=tz)[1]
    end_of_week = week_range(today, tz=tz)[1]
    items = []
    for _name, (_order, source) in sorted(_sources.items(), key=lambda entry: entry[1][0]):
        items.extend(source(user, now, calendar))
    result = Worklist(overdue=[], today=[], week=[], later=[])
    for item in sorted(items, key=lambda i: (i.due_at or now, i.waiting_since or now)):
        item.when = clock(item, now=now, calendar=calendar)
        if item.due_at is None:
            result.today.append(item)
        elif item.due_at <= now:
            result.overdue.append(item)
        elif item.due_at < end_of_today:
            result.today.append(item)
        elif item.due_at < end_of_week:
            result.week.append(item)
        else:
            result.later.append(item)
    return result


def clock(item: WorkItem, *, now: datetime, calendar: WorkCalendar) -> str:
    """"2 working days left", "overdue by 1 day", "waiting for 3 days"."""
    if item.due_at is None:
        if item.waiting_since is None:
            return ""
        days = (timezone.localdate(now) - timezone.localdate(item.waiting_since)).days
        if days <= 0:
            return str(_("waiting since today"))
        return ngettext("waiting for %(n)d day", "waiting for %(n)d days", days) % {"n": days}
    today, due = timezone.localdate(now), timezone.localdate(item.due_at)
    if item.clock == WORKING_DAYS:
        if item.due_at <= now:
            days = calendar.working_days_between(due, today)
            if days == 0:
                return str(_("overdue since today"))
            return ngettext(
                "overdue by %(n)d working day", "overdue by %(n)d working days", days
            ) % {"n": days}
        days = calendar.working_days_between(today, due)
        if days == 0:
            return str(_("due today"))
        return ngettext("%(n)d working day left", "%(n)d working days left", days) % {"n": days}
    if item.due_at <= now:
        days = (today - due).days
        if days == 0:
            return str(_("overdue since today"))
        return ngettext("overdue by %(n)d day", "overdue by %(n)d days", days) % {"n": days}
    days = (due - today).days
    if days == 0:
        return str(_("due today"))
    return ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}
