from datetime import date, timedelta

import pytest
from django.http import Http404

from salescrm.roles import Role
from salescrm.testing.time import at
from salescrm.tests.factories import UserFactory
from visits import access, selectors, services
from visits.models import SlipState
from visits.tests.factories import make_slip

S = SlipState


def slip(owner, state, departure, *, hours=2, now=None, **kwargs):
    """A slip planned to leave at `departure`, planned the day before."""
    return make_slip(
        owner,
        state,
        now=now or departure - timedelta(days=1),
        departure=departure,
        back=departure + timedelta(hours=hours),
        **kwargs,
    )


# --- the manager's approval queue ---------------------------------------------------------------


def test_the_approval_queue_lists_the_teams_submitted_slips_oldest_first(
    salesperson, teammate, other_salesperson, manager, front_desk
):
    newer = slip(salesperson, S.SUBMITTED, at(2026, 3, 5, 9, 0), now=at(2026, 3, 3, 9, 0))
    older = slip(teammate, S.SUBMITTED, at(2026, 3, 6, 9, 0), now=at(2026, 3, 2, 9, 0))
    slip(salesperson, S.DRAFT, at(2026, 3, 5, 9, 0))
    slip(salesperson, S.APPROVED, at(2026, 3, 5, 9, 0))
    slip(salesperson, S.CANCELLED, at(2026, 3, 5, 9, 0))
    slip(salesperson, S.RETURNED, at(2026, 3, 5, 9, 0), front_desk=front_desk)
    slip(other_salesperson, S.SUBMITTED, at(2026, 3, 5, 9, 0), now=at(2026, 3, 1, 9, 0))

    assert list(selectors.approval_queue(manager)) == [older, newer]


def test_the_other_teams_manager_has_nothing_to_approve(salesperson, other_manager):
    slip(salesperson, S.SUBMITTED, at(2026, 3, 5, 9, 0))

    assert list(selectors.approval_queue(other_manager)) == []


def test_a_manager_without_a_team_does_not_see_the_slips_of_people_without_a_team(
    salesperson, front_desk
):
    slip(UserFactory(role=Role.SALESPERSON), S.SUBMITTED, at(2026, 3, 5, 9, 0))
    slip(salesperson, S.DEPARTED, at(2026, 3, 5, 9, 0), front_desk=front_desk)
    salesperson.team = None  # left the team while out (an admin edit)
    salesperson.save(update_fields=["team"])
    teamless_manager = UserFactory(role=Role.MANAGER)

    assert list(selectors.approval_queue(teamless_manager)) == []
    assert list(selectors.late_returns(teamless_manager, now=at(2026, 3, 6, 9, 0))) == []
    assert selectors.team_week(teamless_manager, now=at(2026, 3, 5, 9, 0)) == []


# --- late returns ----------------------------------------------------------------------------


def test_late_returns_lists_the_teams_slips_still_out_past_their_overdue_moment(
    salesperson, teammate, other_salesperson, manager, front_desk
):
    now = at(2026, 3, 4, 12, 0)
    late = slip(salesperson, S.DEPARTED, at(2026, 3, 4, 9, 0), front_desk=front_desk)  # 11:00
    later = slip(teammate, S.DEPARTED, at(2026, 3, 4, 8, 0), hours=1, front_desk=front_desk)
    slip(salesperson, S.DEPARTED, at(2026, 3, 4, 11, 0), front_desk=front_desk)  # due 13:00
    slip(salesperson, S.RETURNED, at(2026, 3, 4, 8, 0), front_desk=front_desk)
    slip(salesperson, S.APPROVED, at(2026, 3, 4, 9, 0))
    slip(other_salesperson, S.DEPARTED, at(2026, 3, 4, 8, 0), front_desk=front_desk)

    assert list(selectors.late_returns(manager, now=now)) == [later, late]


def test_a_slip_at_its_overdue_moment_is_not_late_yet(salesperson, manager, front_desk):
    out = slip(salesperson, S.DEPARTED, at(2026, 3, 4, 9, 0), front_desk=front_desk)

    assert list(selectors.late_returns(manager, now=out.overdue_at)) == []
    assert list(selectors.late_returns(manager, now=out.overdue_at + timedelta(seconds=1))) == [out]


def test_a_late_notice_takes_a_slip_off_the_late_list_until_the_new_time(
    salesperson, manager, front_desk
):
    out = slip(salesperson, S.DEPARTED, at(2026, 3, 4, 9, 0), front_desk=front_desk)
    services.slip_late_notice(
        slip=out, actor=salesperson, new_return=at(2026, 3, 4, 15, 0), now=at(2026, 3, 4, 10, 50)
    )

    assert list(selectors.late_returns(manager, now=at(2026, 3, 4, 14, 0))) == []
    assert list(selectors.late_returns(manager, now=at(2026, 3, 4, 15, 30))) == [out]


# --- the front desk's day ----------------------------------------------------------------------


TODAY = at(2026, 3, 4, 10, 0)  # Wednesday


@pytest.fixture
def the_week_at_the_desk(salesperson, teammate, manager, front_desk):
    """Slips around Wed 4 Mar 2026, keyed by what the desk should see."""
    fd = {"front_desk": front_desk}
    shown = {
        "approved today": slip(salesperson, S.APPROVED, at(2026, 3, 4, 14, 0)),
        "out today": slip(salesperson, S.DEPARTED, at(2026, 3, 4, 9, 0), **fd),
        "back today": slip(teammate, S.RETURNED, at(2026, 3, 4, 8, 0), hours=1, **fd),
        "out since yesterday": slip(teammate, S.DEPARTED, at(2026, 3, 3, 15, 0), **fd),
        "back today from yesterday": slip(
            salesperson, S.RETURNED, at(2026, 3, 3, 16, 0), returned_at=at(2026, 3, 4, 8, 30), **fd
        ),
    }
    cancelled = slip(salesperson, S.APPROVED, at(2026, 3, 4, 15, 0))
    services.slip_cancel(slip=cancelled, actor=salesperson, now=at(2026, 3, 4, 8, 0))
    hidden = {
        "approved tomorrow": slip(salesperson, S.APPROVED, at(2026, 3, 5, 9, 0)),
        "cancelled today": cancelled,
        "submitted today": slip(salesperson, S.SUBMITTED, at(2026, 3, 4, 16, 0)),
        "draft today": slip(salesperson, S.DRAFT, at(2026, 3, 4, 16, 0)),
        "back yesterday": slip(teammate, S.RETURNED, at(2026, 3, 3, 9, 0), **fd),
    }
    return shown, hidden


def test_the_desk_sees_todays_slips_and_anyone_still_out(the_week_at_the_desk):
    shown, hidden = the_week_at_the_desk

    seen = set(selectors.desk_slips(now=TODAY))

    assert seen == set(shown.values())
    assert not seen & set(hidden.values())


def test_the_desk_lists_the_approved_then_the_departed_then_the_returned(the_week_at_the_desk):
    states = [s.state for s in selectors.desk_slips(now=TODAY)]

    assert states == sorted(states)
    assert states[0] == S.APPROVED


def test_today_starts_at_local_midnight(salesperson, front_desk):
    # 00:30 in Shanghai is still the previous day in UTC.
    early = slip(salesperson, S.APPROVED, at(2026, 3, 4, 0, 30))
    late_yesterday = slip(salesperson, S.APPROVED, at(2026, 3, 3, 23, 30))

    seen = list(selectors.desk_slips(now=TODAY))

    assert early in seen
    assert late_yesterday not in seen


# --- week counts -------------------------------------------------------------------------------


def test_the_week_counts_planned_and_done_visits_from_monday_to_sunday(
    salesperson, teammate, front_desk
):
    before = at(2026, 2, 27, 9, 0)
    fd = {"front_desk": front_desk, "now": before}
    slip(salesperson, S.APPROVED, at(2026, 3, 2, 0, 30), now=before)  # Monday, first thing
    slip(salesperson, S.DEPARTED, at(2026, 3, 3, 9, 0), **fd)
    slip(salesperson, S.RETURNED, at(2026, 3, 4, 9, 0), **fd)
    slip(salesperson, S.APPROVED, at(2026, 3, 8, 21, 0), now=before)  # Sunday evening
    slip(salesperson, S.SUBMITTED, at(2026, 3, 5, 9, 0), now=before)
    slip(salesperson, S.DRAFT, at(2026, 3, 5, 9, 0), now=before)
    slip(salesperson, S.CANCELLED, at(2026, 3, 6, 9, 0), now=before)
    slip(salesperson, S.RETURNED, at(2026, 3, 1, 20, 0), **fd)  # the Sunday before
    slip(salesperson, S.APPROVED, at(2026, 3, 9, 0, 0), now=before)  # the Monday after
    slip(teammate, S.RETURNED, at(2026, 3, 6, 9, 0), **fd)

    counts = selectors.week_counts([salesperson, teammate], day=date(2026, 3, 4))

    assert (counts[salesperson.pk]["planned"], counts[salesperson.pk]["done"]) == (4, 1)
    assert (counts[teammate.pk]["planned"], counts[teammate.pk]["done"]) == (1, 1)


@pytest.mark.parametrize("day", [date(2026, 3, 2), date(2026, 3, 8)])
def test_any_day_of_the_week_gives_the_same_week(salesperson, day):
    slip(salesperson, S.APPROVED, at(2026, 3, 4, 9, 0), now=at(2026, 2, 27, 9, 0))

    assert selectors.week_counts([salesperson], day=day)[salesperson.pk]["planned"] == 1


# --- who sees which slip (visits.access) -------------------------------------------------------


@pytest.fixture
def slips(salesperson, other_salesperson, front_desk):
    return {
        "mine today": slip(salesperson, S.APPROVED, at(2026, 3, 4, 14, 0)),
        "mine tomorrow": slip(salesperson, S.APPROVED, at(2026, 3, 5, 14, 0)),
        "other team today": slip(other_salesperson, S.APPROVED, at(2026, 3, 4, 15, 0)),
    }


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("salesperson", {"mine today", "mine tomorrow"}),
        ("teammate", set()),
        ("manager", {"mine today", "mine tomorrow"}),
        ("other_manager", {"other team today"}),
        ("director", {"mine today", "mine tomorrow", "other team today"}),
        ("front_desk", {"mine today", "other team today"}),
        ("admin_user", set()),
    ],
)
def test_each_role_sees_only_its_slips(request, time_machine, slips, persona, visible):
    time_machine.move_to(TODAY, tick=False)
    user = request.getfixturevalue(persona)

    listed = set(selectors.slip_list(user))

    assert listed == {slips[name] for name in visible}
    for name, hidden in slips.items():
        if name not in visible:
            with pytest.raises(Http404):
                access.slip_for_user(user, hidden.pk)


def test_a_deactivated_user_sees_no_slip(salesperson, slips):
    salesperson.is_active = False
    salesperson.save(update_fields=["is_active"])

    assert not selectors.slip_list(salesperson).exists()


@pytest.mark.parametrize("pk", ["abc", None, 0])
def test_a_bad_slip_id_is_a_404(salesperson, pk):
    with pytest.raises(Http404):
        access.slip_for_user(salesperson, pk)


def test_the_team_week_counts_each_salesperson_of_the_team(
    salesperson, teammate, other_salesperson, manager, front_desk
):
    before = at(2026, 3, 1, 9, 0)
    slip(salesperson, S.APPROVED, at(2026, 3, 4, 14, 0), now=before)
    slip(salesperson, S.RETURNED, at(2026, 3, 2, 9, 0), now=before, front_desk=front_desk)
    slip(other_salesperson, S.APPROVED, at(2026, 3, 4, 9, 0), now=before)

    rows = selectors.team_week(manager, now=TODAY)

    assert [(r["person"], r["today"], r["planned"], r["done"]) for r in rows] == [
        (salesperson, 1, 2, 1),
        (teammate, 0, 0, 0),
    ]
