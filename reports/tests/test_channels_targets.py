"""Channel return and revenue targets, worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from contracts.models import AgreementState, PlanVersion
from customers.models import SourceChannel
from reports.channels import channel_rows
from reports.models import ChannelCost, RevenueTarget
from reports.periods import period_for
from reports.tests import builders as b
from salescrm.testing.http import html, messages_of
from salescrm.testing.time import at, end_of

pytestmark = pytest.mark.django_db

MARCH = period_for("month", date(2026, 3, 1))


@pytest.fixture
def channels(salesperson, teammate):
    def file(person, source=SourceChannel.TRADE_SHOW, day=2, **fields):
        return b.customer(person, entered=at(2026, 3, day, 9), due=end_of(2026, 3, day + 2),
                          source=source, **fields)  # fmt: skip

    contacted = {"first_contact_due": end_of(2026, 3, 20), "first_contact": at(2026, 3, 10)}
    signed = file(salesperson, **contacted)
    b.visit(signed, salesperson, departed=at(2026, 3, 11, 9), expected_return=at(2026, 3, 11, 12),
            returned=at(2026, 3, 11, 11))  # fmt: skip
    b.agreement(signed, salesperson, total="10000.00", signed_on=date(2026, 4, 2),
                created=at(2026, 3, 20))  # fmt: skip
    visited = file(teammate, **contacted)
    b.visit(visited, teammate, departed=at(2026, 3, 12, 9), expected_return=at(2026, 3, 12, 12))
    b.plan(visited, teammate, sent=at(2026, 3, 13), outcome=PlanVersion.Outcome.DECLINED,
           decided=at(2026, 3, 14))  # fmt: skip
    file(salesperson, **contacted)
    file(salesperson)
    # Internet: one file whose agreement was cancelled.
    cancelled = file(salesperson, source=SourceChannel.INTERNET, **contacted)
    b.agreement(cancelled, salesperson, total="50000.00", state=AgreementState.CANCELLED,
                created=at(2026, 3, 20))  # fmt: skip
    # Entered in February: not in March's cohort, though signed in March.
    old = b.customer(salesperson, entered=at(2026, 2, 20), due=end_of(2026, 2, 24))
    b.agreement(old, salesperson, total="7000.00", signed_on=date(2026, 3, 5),
                created=at(2026, 2, 25))  # fmt: skip
    ChannelCost.objects.create(channel=SourceChannel.TRADE_SHOW, month=date(2026, 3, 1),
                               amount=Decimal("5000.00"))  # fmt: skip
    ChannelCost.objects.create(channel=SourceChannel.INTERNET, month=date(2026, 3, 1),
                               amount=Decimal("300.00"))  # fmt: skip
    ChannelCost.objects.create(channel=SourceChannel.TRADE_SHOW, month=date(2026, 4, 1),
                               amount=Decimal("999.00"))  # fmt: skip


def test_channel_return_of_march(channels):
    rows = {row.channel: row for row in channel_rows(MARCH)}
    show = rows[SourceChannel.TRADE_SHOW]
    # The agreement accepted: the signed one's plan (the builder's accepted plan).
    assert (show.files, show.contacted, show.visited, show.accepted, show.signed) == (4, 3, 2, 1, 1)
    assert show.rates == [75, 67, 50, 100]
    assert show.value == Decimal("10000.00")
    assert show.cost == Decimal("5000.00")
    assert show.cost_per_signed == Decimal("5000.00")
    assert show.value_per_yuan == Decimal("2.00")
    web = rows[SourceChannel.INTERNET]
    assert (web.files, web.contacted, web.accepted, web.signed, web.value) == (1, 1, 1, 0, 0)
    assert web.cost_per_signed is None
    assert web.value_per_yuan == Decimal("0.00")
    assert rows[SourceChannel.PARTNER_REFERRAL].files == 0


def test_channel_page_is_the_companys(channels, client_for, director, admin_user, manager,
                                      salesperson):  # fmt: skip
    url = f"{reverse('reports:channels')}?period=month&date=2026-03-01"
    response = client_for(director).get(url)
    assert response.status_code == 200
    assert 'data-testid="channel-trade_show"' in html(response)
    assert client_for(admin_user).get(url).status_code == 200
    assert client_for(manager).get(url).status_code == 404
    assert client_for(salesperson).get(url).status_code == 404


def test_manager_sets_team_targets_only(client_for, manager, salesperson, other_salesperson, team,
                                        other_team):  # fmt: skip
    client = client_for(manager)
    url = reverse("reports:targets")
    response = client.post(url, {"person": salesperson.pk, "month": "2026-03-01", "amount": "8000"})
    assert response.status_code == 302
    target = RevenueTarget.objects.get(person=salesperson)
    assert (target.month, target.amount, target.set_by) == (date(2026, 3, 1), 8000, manager)
    client.post(url, {"person": salesperson.pk, "month": "2026-03-01", "amount": "9000"})
    target.refresh_from_db()
    assert target.amount == 9000
    assert target.history.count() == 2
    client.post(url, {"team": team.pk, "month": "2026-03-01", "amount": "20000"})
    assert RevenueTarget.objects.get(team=team).amount == 20000
    assert client.post(url, {"person": other_salesperson.pk, "month": "2026-03-01",
                             "amount": "1"}).status_code == 404  # fmt: skip
    assert client.post(url, {"team": other_team.pk, "month": "2026-03-01",
                             "amount": "1"}).status_code == 404  # fmt: skip
    response = client.post(url, {"person": salesperson.pk, "month": "2026-03-01", "amount": "-5"})
    assert messages_of(response)[-1] == "A target is zero or more."
    assert RevenueTarget.objects.get(person=salesperson).amount == 9000
    page = html(client.get(f"{url}?month=2026-03-01"))
    assert "9000" in page


def test_targets_page_by_role(client_for, director, salesperson, other_salesperson):
    url = reverse("reports:targets")
    assert client_for(salesperson).get(url).status_code == 404
    client = client_for(director)
    assert client.get(url).status_code == 200
    client.post(url, {"person": other_salesperson.pk, "month": "2026-03-01", "amount": "100"})
    assert RevenueTarget.objects.get(person=other_salesperson).set_by == director
