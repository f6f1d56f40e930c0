"""Two editors of one visit slip or visit log (two tabs, two devices): the older form is refused.

The mechanism is salescrm.concurrency; these tests hold it to the customer visit slip
(客户走访单) and its log (日志), through the services and the edit pages.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import make_customer
from salescrm.concurrency import StaleEdit
from salescrm.testing.concurrency import version_of
from salescrm.testing.http import html
from salescrm.testing.time import local
from visits import services
from visits.models import SlipState, VisitLog, VisitSlip
from visits.tests.factories import make_slip_for

LOG = {
    "person_met": "王芳", "person_title": "品牌总监", "person_phone": "13912345678",
    "decision_power": "yes", "needs": "More weekend shoppers", "notes": "Liked the screens",
    "outcome": "Asked for a quote", "next_step": "Send the quote", "next_step_on": "2026-03-13",
    "suggested_class": "potential",
}  # fmt: skip


def who(user) -> str:
    return user.get_full_name() or user.get_username()


@pytest.fixture
def customer(salesperson):
    return make_customer(salesperson, name="Visited Trading")


@pytest.fixture
def visited(customer):
    return make_slip_for(
        customer, SlipState.RETURNED, departure=local(2026, 3, 11, 7), back=local(2026, 3, 11, 9)
    )


# --- visit slips ---------------------------------------------------------------------------------


def test_a_stale_slip_save_is_refused_and_changes_nothing(customer, salesperson):
    slip = make_slip_for(customer, plan="The old plan")
    opened = slip.edit_version
    services.slip_update(
        slip=slip, actor=salesperson, data={"plan": "Tab one's plan"}, expected_version=opened
    )

    with pytest.raises(StaleEdit) as refused:
        services.slip_update(
            slip=slip,
            actor=salesperson,
            data={"plan": "The old plan", "purpose": "Tab two's purpose"},
            expected_version=opened,
        )

    saved = VisitSlip.objects.get(pk=slip.pk)
    assert (saved.plan, saved.purpose, saved.edit_version) == ("Tab one's plan", "", opened + 1)
    assert refused.value.changes == {"plan": "Tab one's plan"}


def test_the_current_slip_version_saves_and_goes_up(customer, salesperson):
    slip = make_slip_for(customer, plan="The old plan")
    opened = slip.edit_version

    services.slip_update(
        slip=slip, actor=salesperson, data={"plan": "A new plan"}, expected_version=opened
    )

    saved = VisitSlip.objects.get(pk=slip.pk)
    assert (saved.plan, saved.edit_version) == ("A new plan", opened + 1)


def test_an_older_slip_form_keeps_its_text_and_shows_the_other_tabs(
    client_for, customer, salesperson
):
    slip = make_slip_for(customer, plan="The old plan")
    url = reverse("visits:edit", kwargs={"pk": slip.pk})
    client = client_for(salesperson)
    leaves = timezone.localtime() + timedelta(days=1)
    times = {
        "planned_departure": leaves.strftime("%Y-%m-%dT%H:%M"),
        "expected_return": (leaves + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    }
    opened = version_of(slip)
    first = client.post(url, {**times, "plan": "Tab one's plan", "edit_version": opened})
    assert first.status_code == 302

    stale = client.post(url, {**times, "plan": "Tab two's plan", "edit_version": opened})

    assert stale.status_code == 409
    page = html(stale).replace("&#x27;", "'")
    assert "Tab two's plan" in page
    assert f"Saved meanwhile by {who(salesperson)}: Tab one's plan" in page
    assert f'name="edit_version" value="{opened + 1}"' in page
    assert VisitSlip.objects.get(pk=slip.pk).plan == "Tab one's plan"


# --- visit logs ----------------------------------------------------------------------------------


def test_a_stale_log_save_is_refused_and_changes_nothing(visited, salesperson):
    opened = visited.log.edit_version
    services.visit_log_write(
        log=visited.log, actor=salesperson, data={**LOG, "next_step_on": None},
        expected_version=opened,
    )  # fmt: skip

    with pytest.raises(StaleEdit) as refused:
        services.visit_log_write(
            log=visited.log, actor=salesperson, expected_version=opened,
            data={**LOG, "next_step_on": None, "needs": "Cheaper weekday slots"},
        )  # fmt: skip

    saved = VisitLog.objects.get(pk=visited.log.pk)
    assert (saved.needs, saved.edit_version) == ("More weekend shoppers", opened + 1)
    assert "notes" in refused.value.changes


def test_the_current_log_version_saves_and_goes_up(visited, salesperson):
    opened = visited.log.edit_version

    services.visit_log_write(
        log=visited.log, actor=salesperson, data={**LOG, "next_step_on": None},
        expected_version=opened,
    )  # fmt: skip

    saved = VisitLog.objects.get(pk=visited.log.pk)
    assert (saved.notes, saved.edit_version) == ("Liked the screens", opened + 1)


def test_an_older_log_form_keeps_its_text_and_shows_the_other_tabs(
    client_for, visited, salesperson
):
    url = reverse("visits:log", kwargs={"pk": visited.log.pk})
    client = client_for(salesperson)
    opened = version_of(visited.log)
    assert client.post(url, {**LOG, "edit_version": opened}).status_code == 302

    stale = client.post(url, {**LOG, "notes": "Wants a second meeting", "edit_version": opened})

    assert stale.status_code == 409
    page = html(stale)
    assert "Wants a second meeting" in page
    assert f"Saved meanwhile by {who(salesperson)}: Liked the screens" in page
    assert f'name="edit_version" value="{opened + 1}"' in page
    assert VisitLog.objects.get(pk=visited.log.pk).notes == "Liked the screens"
