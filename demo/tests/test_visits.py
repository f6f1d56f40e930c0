"""The demo contacts and visits for `make run`: every slip state, made through the services.

People, customers and visits are seeded once for the module, at a fixed moment,
inside a transaction rolled back at the end; each test is a savepoint within it.
The seeding time is printed (run with -s to see it), never asserted.
"""

import io
import time
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.test import override_settings
from django.utils import timezone

from customers.models import ClassChange, ContactPerson, Customer
from demo.customers import seed_customers
from demo.people import seed_people
from demo.pool import seed_pool
from demo.visits import seed_visits
from salescrm import people, selectors
from salescrm.models import Notification, Team, User
from salescrm.roles import Role
from visits.models import ContactRecord, SlipState, VisitLog, VisitSlip
from visits.selectors import week_counts

# A Wednesday afternoon; the four weeks before it include the Dragon Boat Festival.
NOW = datetime(2025, 6, 18, 15, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))
MODELS = (
    ContactRecord, VisitSlip, VisitLog, ContactPerson, Customer, ClassChange, Notification,
    VisitSlip.history.model, VisitLog.history.model, ContactRecord.history.model,
)  # fmt: skip
PRE_VISIT = ("recent_status", "purpose", "objectives", "likely_issues")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        # The wall clock (history rows, notifications) reads the seeded moment too.
        with time_machine.travel(NOW):
            started = time.perf_counter()
            seed_people(password="demo")
            seed_customers(now=NOW)
            customers_done = time.perf_counter()
            counts = seed_visits(now=NOW)
            visits_done = time.perf_counter()
        print(
            f"\nseeding: people and customers {customers_done - started:.1f} s, "
            f"visits {visits_done - customers_done:.1f} s, total {visits_done - started:.1f} s"
        )
        for name, count in counts.items():
            print(f"  {name}: {count}")
        yield SimpleNamespace(counts=counts)
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return seeded


def salespeople():
    return User.objects.filter(role=Role.SALESPERSON).order_by("username")


def teams():
    return Team.objects.order_by("name")


def test_seeding_makes_slips_and_contacts_without_refusals(demo):
    assert "demo visit steps skipped" not in demo.counts
    assert demo.counts["visit slips created"] == VisitSlip.objects.count()
    assert demo.counts["contact records created"] == ContactRecord.objects.count()
    assert VisitSlip.objects.filter(state=SlipState.RETURNED).count() > 100


def test_every_slip_state_for_each_team_and_each_salesperson(demo):
    for team in teams():
        states = set(
            VisitSlip.objects.filter(salesperson__team=team).values_list("state", flat=True)
        )
        assert states == set(SlipState.values), team
    for person in salespeople():
        states = set(person.visit_slips.values_list("state", flat=True))
        assert states == set(SlipState.values), person


def test_each_team_has_a_rejected_draft_a_late_slip_and_a_late_notice(demo):
    for team in teams():
        slips = VisitSlip.objects.filter(salesperson__team=team)
        rejected = slips.filter(state=SlipState.DRAFT).exclude(rejection_reason="")
        assert rejected.exists(), team
        assert all(s.decided_by == people.manager_of_team(team.pk) for s in rejected)
        out = slips.filter(state=SlipState.DEPARTED)
        late = out.filter(overdue_at__lt=NOW)
        assert late.exists(), team
        assert late.filter(late_notice_at__isnull=True).exists(), team
        notice = out.filter(late_notice_at__isnull=False).get()
        assert notice.overdue_at > NOW
        assert notice.late_notice_text
        assert out.filter(late_notice_at__isnull=True, overdue_at__gt=NOW).exists(), team
    assert Notification.objects.filter(kind="slip_late").count() == teams().count()
    assert Notification.objects.filter(kind="slip_rejected").count() >= teams().count()


def test_inboxes_keep_unread_what_is_still_open(demo):
    for team in teams():
        asks = Notification.objects.filter(
            recipient=people.manager_of_team(team.pk), kind="slip_submitted"
        )
        waiting = VisitSlip.objects.filter(salesperson__team=team, state=SlipState.SUBMITTED)
        unread = asks.filter(read_at__isnull=True)
        assert unread.values("url").distinct().count() == waiting.count() > 0
        assert asks.filter(read_at__isnull=False).count() > 20
    for person in salespeople():
        unread = Notification.objects.filter(recipient=person, read_at__isnull=True)
        assert unread.filter(kind="slip_rejected").exists(), person
        assert unread.filter(kind="slip_approved").exists(), person


def test_approved_for_later_today_and_tomorrow(demo):
    today = timezone.localdate(NOW)
    tomorrow = selectors.work_calendar(today=today).add_working_days(today, 1)
    approved = VisitSlip.objects.filter(state=SlipState.APPROVED)
    later = [s for s in approved if timezone.localdate(s.planned_departure) == today]
    assert later
    assert all(s.planned_departure > NOW for s in later)
    assert {
        s.salesperson_id for s in approved if timezone.localdate(s.planned_departure) == tomorrow
    } == {p.pk for p in salespeople()}


def test_departures_and_returns_by_the_front_desk_approvals_by_the_manager(demo):
    desk = User.objects.get(username="frontdesk")
    gone = VisitSlip.objects.filter(departed_at__isnull=False)
    assert set(gone.values_list("departure_by", flat=True)) == {desk.pk}
    back = VisitSlip.objects.filter(returned_at__isnull=False)
    assert set(back.values_list("return_by", flat=True)) == {desk.pk}
    for slip in VisitSlip.objects.filter(decided_by__isnull=False).select_related(
        "salesperson__team", "decided_by"
    ):
        assert slip.decided_by == people.manager_of(slip.salesperson)


def test_returned_slips_with_logs_written_due_and_overdue(demo):
    today = timezone.localdate(NOW)
    calendar = selectors.work_calendar(today=today)
    logs = VisitLog.objects.select_related("slip")
    assert logs.count() == VisitSlip.objects.filter(state=SlipState.RETURNED).count()
    for person in salespeople():
        mine = logs.filter(author=person)
        assert mine.filter(written_at__isnull=False).exists(), person
        assert mine.filter(written_at__isnull=True, due_at__gt=NOW).exists(), person
        overdue = mine.filter(written_at__isnull=True, due_at__lt=NOW)
        assert overdue.exists(), person
        for log in overdue:
            returned = timezone.localdate(log.slip.returned_at)
            assert calendar.working_days_between(returned, today) >= 5
    late = [log for log in logs.filter(written_at__isnull=False) if log.written_at > log.due_at]
    assert late  # some written after the deadline


def test_logs_written_add_the_person_met_to_the_contacts(demo):
    written = VisitLog.objects.filter(written_at__isnull=False).exclude(person_met="")
    assert written.count() > 50
    for log in written:
        assert log.customer.contact_people.filter(name=log.person_met).exists(), log
        assert log.notes
        assert log.next_step
    added = ContactPerson.objects.filter(
        name__in=written.values("person_met"), customer__visit_logs__in=written
    )
    assert added.count() > 30
    applied = ClassChange.objects.filter(reason__startswith="Suggested by the visit log")
    assert applied.count() >= 3
    for change in applied:
        assert change.changed_at <= NOW
        later = ClassChange.objects.filter(
            customer=change.customer, changed_at__gt=change.changed_at
        )
        assert not later.exclude(reason__startswith="Suggested by the visit log").exists()


def test_every_written_log_names_whom_was_met_or_says_why_not(demo):
    written = VisitLog.objects.filter(written_at__isnull=False)
    nobody = written.filter(met_nobody=True)
    assert nobody.exists()  # the manager has some "met nobody / not known" to see
    assert not nobody.filter(met_nobody_reason="").exists()
    named = written.filter(met_nobody=False)
    assert named.count() > 50
    assert not named.filter(Q(person_met="") | Q(person_title="") | Q(needs="")).exists()
    assert not named.filter(decision_power="unknown").exists()
    assert named.filter(contact_person__isnull=False).exists()  # picked from the file


def test_revisits_carry_the_pre_visit_report(demo):
    revisits = VisitSlip.objects.filter(is_revisit=True)
    for team in teams():
        assert revisits.filter(salesperson__team=team, state=SlipState.RETURNED).exists(), team
        assert revisits.filter(salesperson__team=team, state=SlipState.SUBMITTED).exists(), team
    for slip in revisits.exclude(state=SlipState.DRAFT):
        assert all(getattr(slip, name).strip() for name in PRE_VISIT), slip


def test_most_owned_customers_are_contacted_some_due_soon_a_few_missed(demo):
    owned = Customer.objects.filter(owner__isnull=False)
    contacted = owned.filter(first_contact_at__isnull=False)
    assert contacted.count() > owned.count() * 0.75
    for customer in contacted:
        assert customer.assigned_at < customer.first_contact_at <= customer.first_contact_due_at
    waiting = owned.filter(first_contact_at__isnull=True, first_contact_due_at__gt=NOW)
    assert waiting.count() >= 5
    missed = owned.filter(first_contact_at__isnull=True, first_contact_due_at__lt=NOW)
    assert 2 <= missed.count() <= 8
    assert not VisitSlip.objects.filter(customer__in=missed).exists()


def test_this_weeks_visits_differ_between_salespeople(demo):
    people = list(salespeople())
    counts = week_counts(people, day=timezone.localdate(NOW))
    done = {p.username: counts.get(p.pk, {}).get("done", 0) for p in people}
    print(f"\nthis week's visits done by Wednesday afternoon: {done}")
    assert len(set(done.values())) >= 3
    assert max(done.values()) >= 7  # near the weekly target of 10 by Wednesday
    assert min(done.values()) <= 4


def test_nothing_happens_after_now_or_out_of_order(demo):
    for record in ContactRecord.objects.select_related("customer"):
        assert record.customer.assigned_at < record.contacted_at <= NOW
        assert record.meeting_at is None or record.meeting_at > record.contacted_at
    for slip in VisitSlip.objects.select_related("customer"):
        moments = [
            slip.customer.assigned_at,
            slip.created_at,
            slip.submitted_at,
            slip.decided_at,
            slip.departed_at,
            slip.late_notice_at,
            slip.returned_at,
        ]
        moments = [m for m in moments if m is not None]
        assert moments == sorted(moments), slip
        assert moments[-1] <= NOW
        assert slip.cancelled_at is None or slip.created_at < slip.cancelled_at <= NOW
        if slip.state == SlipState.CANCELLED:
            assert slip.departed_at is None
            assert slip.cancel_reason
    for log in VisitLog.objects.filter(written_at__isnull=False).select_related("slip"):
        assert log.slip.returned_at < log.written_at <= NOW


def test_history_names_who_made_each_change(demo):
    for model in (VisitSlip, VisitLog, ContactRecord):
        assert not model.history.filter(history_user__isnull=True).exists(), model


def test_seeding_again_changes_nothing(demo):
    seed_pool(now=NOW)  # a later step of seed_demo that makes customers of its own
    before = [model.objects.count() for model in MODELS]

    assert seed_visits(now=NOW) == {"visit slips created": 0}
    assert seed_visits(now=NOW + timedelta(days=3)) == {"visit slips created": 0}
    out = io.StringIO()
    call_command("seed_demo", verbosity=0, stdout=out)

    assert [model.objects.count() for model in MODELS] == before
    assert out.getvalue() == ""
