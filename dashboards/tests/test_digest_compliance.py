"""The weekly digests carry last week's rule compliance: bars in the HTML, lines in the text,
each reader their own scope (salesperson: own; manager: team; director: company)."""

import pytest
from django.core import mail as django_mail

from dashboards import digests
from reports.tests import builders as b
from salescrm.testing.time import at, end_of

pytestmark = pytest.mark.django_db

MONDAY = at(2026, 3, 9, 8)  # last week: 2-8 March


def _mail(user):
    (message,) = [m for m in django_mail.outbox if m.to == [user.email]]
    ((html, _mimetype),) = message.alternatives
    return message.body, html


def test_each_digest_shows_its_readers_rules_kept(salesperson, teammate, manager, director,
                                                  other_salesperson):  # fmt: skip
    due = end_of(2026, 3, 4)
    b.customer(salesperson, entered=at(2026, 3, 2, 9), due=due, completed=due)  # exactly: on time
    b.customer(salesperson, entered=at(2026, 3, 2, 9), due=due)  # never completed
    b.customer(teammate, entered=at(2026, 3, 2, 9), due=due, completed=at(2026, 3, 3, 9))
    b.customer(other_salesperson, entered=at(2026, 3, 2, 9), due=due)
    django_mail.outbox.clear()

    digests.weekly_digests(now=MONDAY)

    text, html = _mail(salesperson)
    assert "File completed in 2 working days: 50% (1/2)" in text
    assert 'width="50%"' in html
    text, _html = _mail(manager)
    assert "File completed in 2 working days: 67% (2/3)" in text
    text, _html = _mail(director)
    assert "File completed in 2 working days: 50% (2/4)" in text
