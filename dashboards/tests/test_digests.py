"""Weekly digests and the manager's daily brief: right numbers, one per person and period."""

import smtplib
import threading
from datetime import date

import pytest
import time_machine
from django.core import mail as django_mail
from django.db import connection

from contracts import services as contract_services
from contracts.tests.factories import approved_agreement, line, make_product, submitted_agreement
from customers.models import Assignment, Customer, PipelineClass
from customers.tests.factories import make_customer
from dashboards import digests
from salescrm import jobs as job_registry
from salescrm import people
from salescrm.models import DigestSent, JobRun
from salescrm.roles import Role
from salescrm.testing.time import at
from salescrm.tests.factories import UserFactory
from visits.models import SlipState, VisitLog
from visits.tests.factories import make_slip

MONDAY = at(2026, 3, 9, 8)  # last week: 2-8 March, five working days


def mails_to(user):
    return [m for m in django_mail.outbox if m.to == [user.email]]


def html_of(message):
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return html


@pytest.fixture
def week(salesperson, teammate, manager, director, front_desk):
    """Last week: 3 new files and a visit done by the salesperson, 1 file by the teammate;
    this week: an approved visit tomorrow and a slip waiting for approval."""
    with time_machine.travel(at(2026, 3, 3, 10), tick=False):
        c1, c2, c3 = (make_customer(salesperson) for _ in range(3))
        other = make_customer(teammate)
    with time_machine.travel(at(2026, 3, 4, 9), tick=False):
        make_slip(salesperson, SlipState.RETURNED, customer=c1, front_desk=front_desk)
    with time_machine.travel(at(2026, 3, 9, 7), tick=False):
        make_slip(salesperson, SlipState.APPROVED, customer=c2, departure=at(2026, 3, 10, 10))
        make_slip(teammate, SlipState.SUBMITTED, customer=other, departure=at(2026, 3, 11, 10))
    Customer.objects.filter(pk=c3.pk).update(
        first_contact_missed_at=at(2026, 3, 6, 8), reassignment_due_at=at(2026, 3, 10, 18)
    )
    Assignment.objects.create(
        customer=other,
        assignee=teammate,
        previous_owner=salesperson,
        assigned_at=at(2026, 3, 5, 10),
        reason=Assignment.Reason.AUTOMATIC,
    )
    django_mail.outbox.clear()
    return {"customers": (c1, c2, c3, other)}


def test_each_person_gets_one_weekly_digest_with_their_numbers(
    week, salesperson, teammate, manager, director, front_desk
):
    counts = digests.weekly_digests(now=MONDAY)

    assert counts == {"salesperson digests": 2, "manager digests": 1, "director digests": 1}
    assert mails_to(front_desk) == []
    (sales,) = mails_to(salesperson)
    assert "New customer files: 3 of 50 (5 working days × 10 a day)" in sales.body
    assert "Visits done: 1 of 10" in sales.body
    assert "Incomplete files past due: 3" in sales.body
    assert "Visit logs past due: 1" in sales.body
    assert week["customers"][1].name in sales.body  # tomorrow's visit
    assert 'lang="en"' in html_of(sales)

    (boss,) = mails_to(manager)
    assert f"- {salesperson}: 3 / 1 / 3 / 1" in boss.body
    assert f"- {teammate}: 1 / 0 / 1 / 0" in boss.body
    assert "Files waiting for the weekly check: 4" in boss.body
    assert "Missed first contacts waiting for reassignment: 1" in boss.body
    assert "Reassigned automatically last week: 1" in boss.body
    assert "Visit slips waiting for approval: 1" in boss.body
    assert "Ownership claims to decide: 0" in boss.body
    assert "Late visit logs: 1" in boss.body

    (chief,) = mails_to(director)
    assert "New customers last week: 4" in chief.body
    assert "Unclassified: 4" in chief.body
    assert "Trade show / exhibition: 4" in chief.body
    assert "Agreements signed last week: 0, value ¥0.00" in chief.body
    assert "Major agreements waiting for your approval: 0" in chief.body


def test_the_director_digest_has_major_agreements_and_signed_value(salesperson, manager, director):
    """Last week (2-8 March) a major agreement was signed; one signed in February counts for
    the year only; one waits for the director, with why it is major."""
    salesperson.discount_authority = 10
    salesperson.save()
    product = make_product(list_price="1000.00")
    with time_machine.travel(at(2026, 2, 10, 10), tick=False):
        february = approved_agreement(salesperson, manager, [line(product, quantity=5)])
        contract_services.agreement_send(agreement=february, actor=salesperson)
        contract_services.agreement_sign(
            agreement=february, actor=salesperson, signed_on=date(2026, 2, 10)
        )
    with time_machine.travel(at(2026, 3, 5, 10), tick=False):
        major = approved_agreement(
            salesperson, manager, [line(product, agreed_price="850.00", quantity=4)],
            director=director,
        )  # fmt: skip
        contract_services.agreement_send(agreement=major, actor=salesperson)
        contract_services.agreement_sign(
            agreement=major, actor=salesperson, signed_on=date(2026, 3, 5)
        )
        waiting = submitted_agreement(
            salesperson, manager, [line(product, agreed_price="700.00", quantity=2)]
        )
        contract_services.agreement_decide(agreement=waiting, actor=manager, approve=True)
    django_mail.outbox.clear()

    digests.weekly_digests(now=MONDAY)

    (chief,) = mails_to(director)
    assert "Agreements signed last week: 1, value ¥3,400.00" in chief.body
    assert "Signed this year: 2, value ¥8,400.00" in chief.body
    assert "Major agreements signed last week: 1" in chief.body
    assert "Major agreements waiting for your approval: 1" in chief.body
    assert f"{waiting.number} {waiting.customer.name}" in chief.body
    assert "30.00% off, beyond the salesperson's authority of 10.00%" in chief.body
    assert waiting.number in html_of(chief)
    (boss,) = mails_to(manager)
    assert "Agreements waiting for your approval: 0" in boss.body


def test_a_chinese_reader_gets_the_digest_in_chinese(week, salesperson, teammate):
    teammate.language = "zh-hans"
    teammate.save(update_fields=["language"])

    digests.weekly_digests(now=MONDAY)

    (english,) = mails_to(salesperson)
    (chinese,) = mails_to(teammate)
    assert 'lang="zh-hans"' in html_of(chinese)
    assert chinese.subject != english.subject


def test_running_twice_sends_nothing_more(week, manager):
    digests.weekly_digests(now=MONDAY)
    sent = len(django_mail.outbox)

    again = digests.weekly_digests(now=at(2026, 3, 11, 9))  # later the same week

    assert sum(again.values()) == 0
    assert len(django_mail.outbox) == sent
    assert DigestSent.objects.filter(kind="weekly").count() == sent
    assert DigestSent.objects.filter(recipient=manager).get().period_start == MONDAY.date()


def test_a_failed_send_gives_the_claim_back_so_the_next_run_sends(
    salesperson, manager, monkeypatch
):
    real = digests.mail.send_mail

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail server away")

    monkeypatch.setattr(digests.mail, "send_mail", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        digests.weekly_digests(now=MONDAY)
    assert not DigestSent.objects.exists()

    monkeypatch.setattr(digests.mail, "send_mail", real)
    digests.weekly_digests(now=MONDAY)

    assert len(mails_to(salesperson)) == len(mails_to(manager)) == 1
    assert DigestSent.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_digest_per_person(salesperson, teammate, monkeypatch):
    """Both find nobody served yet, then race to claim: the unique constraint decides."""
    manager = people.manager_of(salesperson)
    barrier = threading.Barrier(2, timeout=10)
    real = digests._recipients

    def recipients_then_wait(*args):
        found = real(*args)
        barrier.wait()
        return found

    monkeypatch.setattr(digests, "_recipients", recipients_then_wait)
    results = [None, None]

    def run(index):
        try:
            results[index] = digests.weekly_digests(now=MONDAY)
        except Exception as error:  # collected for the assertion
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert all(isinstance(r, dict) for r in results), results
    assert sum(sum(r.values()) for r in results) == 3
    for person in (salesperson, teammate, manager):
        assert len(mails_to(person)) == 1
    assert DigestSent.objects.count() == 3


@pytest.fixture
def briefing(salesperson, manager, front_desk):
    """Monday's log written by the salesperson, a key customer and an escalated one."""
    with time_machine.travel(at(2026, 3, 6, 10), tick=False):
        key, hard = make_customer(salesperson), make_customer(salesperson)
        log = make_slip(salesperson, SlipState.RETURNED, customer=key, front_desk=front_desk).log
    VisitLog.objects.filter(pk=log.pk).update(
        written_at=at(2026, 3, 9, 15), outcome="Trial slot agreed"
    )
    Customer.objects.filter(pk=key.pk).update(pipeline_class=PipelineClass.KEY)
    Customer.objects.filter(pk=hard.pk).update(escalated_at=at(2026, 3, 9, 11))
    django_mail.outbox.clear()
    return {"key": key, "hard": hard}


def test_the_manager_brief_lists_key_and_difficult_customers_and_yesterdays_logs(
    briefing, manager, salesperson, director
):
    counts = digests.daily_brief(now=at(2026, 3, 10, 8, 30))

    assert counts == {"briefs sent": 1}
    (brief,) = django_mail.outbox
    assert brief.to == [manager.email]
    assert "Escalations waiting for your guidance: 1" in brief.body
    assert f"- {briefing['hard']} ({salesperson}) – needs guidance" in brief.body
    assert f"- {briefing['key']} ({salesperson})" in brief.body
    assert f"- {briefing['key']} ({salesperson}): Trial slot agreed" in brief.body
    assert 'lang="en"' in html_of(brief)
    assert digests.daily_brief(now=at(2026, 3, 10, 9)) == {"briefs sent": 0}
    assert len(django_mail.outbox) == 1


def test_a_chinese_manager_gets_the_brief_in_chinese(manager, other_manager):
    other_manager.language = "zh-hans"
    other_manager.save(update_fields=["language"])

    digests.daily_brief(now=at(2026, 3, 10, 8, 30))

    (english,) = mails_to(manager)
    (chinese,) = mails_to(other_manager)
    assert 'lang="zh-hans"' in html_of(chinese)
    assert chinese.subject != english.subject


def test_the_brief_skips_a_saturday_off_and_is_sent_on_a_make_up_saturday(manager):
    assert digests.daily_brief(now=at(2026, 3, 7, 8, 30)) == {
        "briefs sent": 0,
        "skipped": "not a working day",
    }
    assert django_mail.outbox == []

    assert digests.daily_brief(now=at(2026, 2, 14, 8, 30)) == {"briefs sent": 1}
    assert DigestSent.objects.get().period_start == at(2026, 2, 14).date()


def test_people_without_an_address_or_inactive_get_nothing(manager):
    UserFactory(role=Role.SALESPERSON, email="")
    UserFactory(role=Role.DIRECTOR, is_active=False)

    counts = digests.weekly_digests(now=MONDAY)

    assert counts == {"salesperson digests": 0, "manager digests": 1, "director digests": 0}


def test_run_job_records_the_run_and_a_dry_run_sends_nothing(salesperson, manager):
    assert job_registry.run_job("weekly_digests", now=MONDAY, dry_run=True)["manager digests"] == 1
    assert django_mail.outbox == []
    assert not DigestSent.objects.exists()

    counts = job_registry.run_job("weekly_digests", now=MONDAY)

    run = JobRun.objects.get(name="weekly_digests")
    assert (
        run.counts
        == counts
        == {
            "salesperson digests": 1,
            "manager digests": 1,
            "director digests": 0,
        }
    )
    assert run.error == ""
    assert len(django_mail.outbox) == 2
    job_registry.run_job("daily_brief", now=at(2026, 3, 10, 8, 30))
    assert JobRun.objects.get(name="daily_brief").counts == {"briefs sent": 1}


def test_the_salesperson_digest_lists_files_about_to_return_to_the_pool(salesperson):
    from customers.models import RecycleRule

    RecycleRule.objects.update_or_create(
        pipeline_class=PipelineClass.UNCLASSIFIED,
        defaults={"working_days": 5, "warning_working_days": 3},
    )
    # Collected Tue 3 Mar: back in the pool after Tue 10 Mar, within 3 working days of Monday.
    soon = make_customer(salesperson, name="宁波海天广告有限公司", now=at(2026, 3, 3, 10))
    make_customer(salesperson, name="Fresh lead", now=at(2026, 3, 6, 10))

    digests.weekly_digests(now=MONDAY)

    (message,) = mails_to(salesperson)
    assert soon.name in message.body
    assert soon.name in html_of(message)
    assert "Fresh lead" not in message.body
