"""Agreements through the services (Figure 2, rule 4): drafting, the major rule, the
send-gate, numbering and cancelling."""

from datetime import date

import pytest
from django.db import transaction

from contracts import rules, services
from contracts.models import Agreement, AgreementCounter, Delegation, PlanVersion, Step
from contracts.tests.factories import (
    accepted_agreement,
    agreement_terms,
    draft_agreement,
    line,
    lines_for,
    make_product,
    submitted_agreement,
)
from contracts.tests.services.helpers import (
    NOW,
    TODAY,
    A,
    D,
    P,
    delegate,
    history_states,
    recipients_of,
)
from customers.models import ClassChange, PipelineClass
from salescrm import notifications
from salescrm.errors import DomainError
from salescrm.models import Notification, Policy
from salescrm.testing.time import at

# --- agreements: drafting ---------------------------------------------------------------------


def test_a_draft_takes_its_list_prices_from_the_price_list_and_sums_its_lines(salesperson, manager):
    tv = make_product(list_price="1000.00")
    radio = make_product(list_price="250.00")
    agreement = accepted_agreement(salesperson, manager)

    services.agreement_update(
        agreement=agreement,
        actor=salesperson,
        data=agreement_terms(),
        lines=[
            line(tv, agreed_price="900.00", quantity=10, list_price=D("1.00")),
            line(radio, agreed_price="250.00", quantity=4),
        ],
    )

    agreement.refresh_from_db()
    assert [(li.position, li.list_price, li.agreed_price) for li in agreement.lines.all()] == [
        (1, D("1000.00"), D("900.00")),
        (2, D("250.00"), D("250.00")),
    ]
    assert (agreement.list_total, agreement.total) == (D("11000.00"), D("10000.00"))
    assert agreement.discount == D("1000.00")
    assert agreement.discount_percent == D("9.09")
    assert (agreement.free_changes, agreement.fee_per_change) == (2, D("800.00"))

    tv.list_price = D("2000.00")  # a later change of the price list
    tv.save()
    agreement.refresh_from_db()
    assert agreement.lines.get(position=1).list_price == D("1000.00")


@pytest.mark.parametrize(
    ("terms", "line_fields", "message"),
    [
        ({"title": " "}, {}, "title"),
        ({"period_start": date(2027, 6, 1)}, {}, "end on or after"),
        ({"fee_per_change": D("-1")}, {}, "negative"),
        (
            {},
            {"start": date(2027, 3, 1), "period_end": date(2027, 2, 1)},
            "Line 1: the period",
        ),
        ({}, {"quantity": 0}, "Line 1: quantity and price"),
        ({}, {"agreed_price": D("-0.01")}, "Line 1: quantity and price"),
    ],
)
def test_a_bad_draft_is_refused_and_changes_nothing(
    salesperson, manager, terms, line_fields, message
):
    product = make_product()
    agreement = accepted_agreement(salesperson, manager)

    with pytest.raises(DomainError, match=message):
        services.agreement_update(
            agreement=agreement,
            actor=salesperson,
            data=agreement_terms(**terms),
            lines=[line(product, **line_fields)],
        )

    agreement.refresh_from_db()
    assert agreement.title == "Spring campaign"
    assert not agreement.lines.exists()


def test_an_empty_period_is_taken_from_the_lines(salesperson, manager):
    product = make_product()
    agreement = accepted_agreement(salesperson, manager)

    services.agreement_update(
        agreement=agreement,
        actor=salesperson,
        data=agreement_terms(period_start=None, period_end=None),
        lines=[
            line(product, start=date(2027, 4, 1), days=10),
            line(product, start=date(2027, 3, 15), days=5),
        ],
    )

    agreement.refresh_from_db()
    assert (agreement.period_start, agreement.period_end) == (date(2027, 3, 15), date(2027, 4, 11))


def test_a_product_off_the_price_list_cannot_be_agreed(salesperson, manager):
    product = make_product(active=False)
    agreement = accepted_agreement(salesperson, manager)

    with pytest.raises(DomainError, match="no longer on the price list"):
        services.agreement_update(
            agreement=agreement, actor=salesperson, data=agreement_terms(), lines=[line(product)]
        )


def test_only_the_salesperson_changes_and_only_a_draft(salesperson, manager, agreement_in):
    product = make_product()
    draft = agreement_in(A.DRAFT)
    with pytest.raises(DomainError, match="Only the salesperson"):
        services.agreement_update(
            agreement=draft, actor=manager, data=agreement_terms(), lines=[line(product)]
        )

    submitted = agreement_in(A.MANAGER_REVIEW)
    with pytest.raises(DomainError, match="Only a draft"):
        services.agreement_update(
            agreement=submitted,
            actor=salesperson,
            data=agreement_terms(title="Changed"),
            lines=[line(product)],
        )
    submitted.refresh_from_db()
    assert submitted.title == "Spring campaign agreement"


@pytest.mark.parametrize(
    ("terms", "with_lines", "message"),
    [
        ({}, False, "at least one line"),
        ({"payment_terms": "  "}, True, "payment terms"),
        ({"period_start": None}, True, "period"),
    ],
)
def test_an_incomplete_agreement_is_not_submitted(salesperson, manager, terms, with_lines, message):
    agreement = draft_agreement(salesperson, manager, lines_for() if with_lines else [])
    if terms:  # written straight to the row: the service never saves these empty
        Agreement.objects.filter(pk=agreement.pk).update(**terms)

    with pytest.raises(DomainError, match=message):
        services.agreement_submit(agreement=agreement, actor=salesperson)

    agreement.refresh_from_db()
    assert (agreement.state, agreement.revision, agreement.submitted_at) == (A.DRAFT, 0, None)
    assert not Notification.objects.filter(kind="agreement_submitted").exists()


def test_submitting_asks_the_manager_and_their_delegate(
    salesperson, manager, deputy, other_manager, director
):
    agreement = draft_agreement(salesperson, manager, lines_for())

    services.agreement_submit(agreement=agreement, actor=salesperson)

    agreement.refresh_from_db()
    assert (agreement.state, agreement.revision, agreement.submitted_at) == (
        A.MANAGER_REVIEW,
        1,
        NOW,
    )
    assert recipients_of("agreement_submitted") == {"manager", "deputy"}


# --- the major rule through the submission ----------------------------------------------------


def set_threshold(amount):
    Policy.objects.update_or_create(pk=1, defaults={"major_agreement_threshold": D(amount)})


def submit_with(salesperson, manager, *, list_price, agreed_price, quantity=1):
    product = make_product(list_price=list_price)
    lines = [line(product, agreed_price=agreed_price, quantity=quantity)]
    return submitted_agreement(salesperson, manager, lines)


@pytest.mark.parametrize(
    ("authority", "agreed_price", "is_major"),
    [
        ("10", "90.00", False),  # exactly at the authority
        ("10", "89.99", True),  # one cent below
        ("10", "95.00", False),  # above it
        ("0", "100.00", False),  # no authority: the list price only
        ("0", "99.99", True),
        ("12.5", "87.50", False),
        ("12.5", "87.49", True),
    ],
)
def test_a_line_below_the_salespersons_authority_makes_the_agreement_major(
    salesperson, manager, director, authority, agreed_price, is_major
):
    salesperson.discount_authority = D(authority)
    salesperson.save(update_fields=["discount_authority"])

    agreement = submit_with(salesperson, manager, list_price="100.00", agreed_price=agreed_price)

    assert agreement.is_major is is_major
    assert [r["kind"] for r in agreement.major_reasons] == (["line"] if is_major else [])
    agreement = services.agreement_decide(agreement=agreement, actor=manager, approve=True)
    assert agreement.state == (A.DIRECTOR_REVIEW if is_major else A.APPROVED)


@pytest.mark.parametrize(
    ("list_price", "is_major"),
    [("10000.00", False), ("10000.01", True), ("9999.99", False)],
)
def test_a_total_above_the_company_threshold_makes_the_agreement_major(
    salesperson, manager, director, list_price, is_major
):
    set_threshold("10000.00")

    agreement = submit_with(salesperson, manager, list_price=list_price, agreed_price=list_price)

    assert agreement.is_major is is_major
    if is_major:
        assert agreement.major_reasons == [
            {"kind": "total", "total": "10000.01", "threshold": "10000.00"}
        ]


def test_the_default_threshold_is_half_a_million(salesperson, manager, director):
    at_it = submit_with(salesperson, manager, list_price="250000.00", agreed_price="250000.00",
                        quantity=2)  # fmt: skip
    above = submit_with(salesperson, manager, list_price="500000.01", agreed_price="500000.01")

    assert (at_it.is_major, above.is_major) == (False, True)


def test_a_major_agreement_goes_to_the_directors_who_see_why_on_the_agreement(
    salesperson, manager, director, director_deputy
):
    agreement = submit_with(salesperson, manager, list_price="100.00", agreed_price="80.00")

    services.agreement_decide(agreement=agreement, actor=manager, approve=True)

    agreement.refresh_from_db()
    assert (agreement.state, agreement.approved_at) == (A.DIRECTOR_REVIEW, None)
    assert recipients_of("agreement_needs_director") == {"director", "director_deputy"}
    told = Notification.objects.filter(kind="agreement_needs_director").first()
    # The reasons are shown on the agreement, in the reader's language, not frozen in the note.
    assert notifications.message(told) == (
        f"Agreement {agreement.number} with {agreement.customer.name} is major and needs "
        "your approval."
    )
    assert told.url == services.agreement_url(agreement)
    assert "20.00% off" in rules.describe(agreement.major_reasons[0])
    assert recipients_of("agreement_manager_approved") == {"salesperson"}
    assert not Notification.objects.filter(kind="agreement_approved").exists()


def test_a_major_agreement_with_no_director_cannot_be_submitted(salesperson, manager):
    agreement = draft_agreement(salesperson, manager, lines_for(major=True))

    with pytest.raises(DomainError, match="no marketing director"):
        services.agreement_submit(agreement=agreement, actor=salesperson)

    agreement.refresh_from_db()
    assert (agreement.state, agreement.revision) == (A.DRAFT, 0)


def test_a_non_major_agreement_is_approved_by_the_manager_alone(salesperson, manager, director):
    agreement = submit_with(salesperson, manager, list_price="100.00", agreed_price="100.00")

    services.agreement_decide(agreement=agreement, actor=manager, approve=True, comment="OK")

    agreement.refresh_from_db()
    assert (agreement.state, agreement.approved_at) == (A.APPROVED, NOW)
    assert [s.step for s in agreement.signatures.all()] == [Step.MANAGER]
    told = Notification.objects.get(kind="agreement_approved")
    assert (told.recipient, told.actor, told.body) == (salesperson, manager, "OK")
    assert not Notification.objects.filter(kind="agreement_needs_director").exists()


def test_the_director_approves_a_major_agreement_and_both_are_told(salesperson, manager, director):
    agreement = submit_with(salesperson, manager, list_price="100.00", agreed_price="80.00")
    services.agreement_decide(agreement=agreement, actor=manager, approve=True)

    services.agreement_decide(agreement=agreement, actor=director, approve=True)

    agreement.refresh_from_db()
    assert (agreement.state, agreement.approved_at) == (A.APPROVED, NOW)
    assert [(s.step, s.signer) for s in agreement.signatures.all()] == [
        (Step.MANAGER, manager),
        (Step.DIRECTOR, director),
    ]
    assert recipients_of("agreement_approved") == {"salesperson", "manager"}
    assert history_states(agreement) == [
        A.DRAFT,  # drafted from the plan
        A.DRAFT,  # the lines saved
        A.MANAGER_REVIEW,
        A.DIRECTOR_REVIEW,
        A.APPROVED,
    ]


def test_the_salesperson_can_never_skip_the_director(salesperson, manager, director):
    agreement = submit_with(salesperson, manager, list_price="100.00", agreed_price="80.00")
    with pytest.raises(DomainError):
        services.agreement_decide(agreement=agreement, actor=salesperson, approve=True)
    services.agreement_decide(agreement=agreement, actor=manager, approve=True)

    # Not by approving, sending or signing it themselves,
    for attempt in (
        lambda: services.agreement_decide(agreement=agreement, actor=salesperson, approve=True),
        lambda: services.agreement_send(agreement=agreement, actor=salesperson),
        lambda: services.agreement_sign(agreement=agreement, actor=salesperson, signed_on=TODAY),
    ):
        with pytest.raises(DomainError):
            attempt()
    # nor by the manager approving again,
    with pytest.raises(DomainError):
        services.agreement_decide(agreement=agreement, actor=manager, approve=True)
    # nor under a delegation from the director (never recorded for a salesperson by the
    # services; written straight to the table here),
    with pytest.raises(DomainError, match="active manager or director"):
        delegate(director, salesperson)
    Delegation.objects.create(
        delegator=director,
        delegate=salesperson,
        valid_from=TODAY,
        valid_until=TODAY,
        created_by=director,
        created_at=NOW,
    )
    with pytest.raises(DomainError, match="may not"):
        services.agreement_decide(agreement=agreement, actor=salesperson, approve=True)
    assert services.agreement_moves(agreement, salesperson) == {A.DRAFT}

    agreement.refresh_from_db()
    assert agreement.state == A.DIRECTOR_REVIEW
    assert [s.step for s in agreement.signatures.all()] == [Step.MANAGER]


def test_the_major_rule_is_decided_again_at_each_submission(salesperson, manager, director):
    product = make_product(list_price="100.00")
    agreement = submitted_agreement(salesperson, manager, [line(product, agreed_price="80.00")])
    assert agreement.is_major
    services.agreement_withdraw(agreement=agreement, actor=salesperson)
    services.agreement_update(
        agreement=agreement,
        actor=salesperson,
        data=agreement_terms(),
        lines=[line(product, agreed_price="95.00")],
    )

    agreement = services.agreement_submit(agreement=agreement, actor=salesperson)

    assert (agreement.revision, agreement.major_reasons) == (2, [])


# --- the agreement's send-gate ----------------------------------------------------------------


def test_missing_signatures_of_a_non_major_agreement(agreement_in, manager):
    agreement = agreement_in(A.DRAFT)
    assert services.agreement_missing_signatures(agreement) == [Step.MANAGER]
    assert not services.agreement_is_valid(agreement)

    agreement = services.agreement_submit(agreement=agreement, actor=agreement.salesperson)
    assert services.agreement_missing_signatures(agreement) == [Step.MANAGER]
    assert not services.agreement_is_valid(agreement)

    agreement = services.agreement_decide(agreement=agreement, actor=manager, approve=True)
    assert services.agreement_missing_signatures(agreement) == []
    assert services.agreement_is_valid(agreement)


def test_missing_signatures_of_a_major_agreement(agreement_in, manager, director):
    agreement = agreement_in(A.MANAGER_REVIEW, major=True)
    assert services.agreement_missing_signatures(agreement) == [Step.MANAGER, Step.DIRECTOR]

    agreement = services.agreement_decide(agreement=agreement, actor=manager, approve=True)
    assert services.agreement_missing_signatures(agreement) == [Step.DIRECTOR]
    assert not services.agreement_is_valid(agreement)

    agreement = services.agreement_decide(agreement=agreement, actor=director, approve=True)
    assert services.agreement_missing_signatures(agreement) == []
    assert services.agreement_is_valid(agreement)


@pytest.mark.parametrize("state", [A.SENT, A.SIGNED])
def test_a_sent_or_signed_agreement_with_its_signatures_is_valid(agreement_in, state):
    agreement = agreement_in(state)

    assert services.agreement_is_valid(agreement)
    services.require_valid_agreement(agreement)


@pytest.mark.parametrize(
    ("state", "major", "missing"),
    [
        (A.DRAFT, False, "Sales manager's approval"),
        (A.MANAGER_REVIEW, False, "Sales manager's approval"),
        (A.MANAGER_REVIEW, True, "Sales manager's approval, Marketing director's approval"),
        (A.DIRECTOR_REVIEW, True, "missing: Marketing director's approval\\)"),
    ],
)
def test_an_agreement_forced_to_approved_without_its_signatures_is_not_sent(
    agreement_in, salesperson, state, major, missing
):
    agreement = agreement_in(state, major=major)
    Agreement.objects.filter(pk=agreement.pk).update(state=A.APPROVED)  # a bypass
    agreement.refresh_from_db()

    assert not services.agreement_is_valid(agreement)
    with pytest.raises(DomainError, match=missing):
        services.require_valid_agreement(agreement)
    with pytest.raises(DomainError, match="not valid"):
        services.agreement_send(agreement=agreement, actor=salesperson)

    agreement.refresh_from_db()
    assert (agreement.state, agreement.sent_at, agreement.sent_by) == (A.APPROVED, None, None)


def test_an_agreement_forced_to_sent_without_its_signatures_is_not_signed(
    agreement_in, salesperson
):
    agreement = agreement_in(A.DIRECTOR_REVIEW)
    Agreement.objects.filter(pk=agreement.pk).update(state=A.SENT, sent_at=NOW)
    agreement.refresh_from_db()

    with pytest.raises(DomainError, match="not valid"):
        services.agreement_sign(agreement=agreement, actor=salesperson, signed_on=TODAY)

    agreement.refresh_from_db()
    assert (agreement.state, agreement.signed_on) == (A.SENT, None)
    assert agreement.customer.pipeline_class != PipelineClass.SIGNED
    assert not ClassChange.objects.filter(to_class=PipelineClass.SIGNED).exists()


def test_a_rejection_by_the_director_is_no_signature_for_the_gate(
    agreement_in, salesperson, director
):
    agreement = agreement_in(A.DIRECTOR_REVIEW)
    services.agreement_decide(agreement=agreement, actor=director, approve=False, comment="No.")
    Agreement.objects.filter(pk=agreement.pk).update(state=A.APPROVED)
    agreement.refresh_from_db()

    assert services.agreement_missing_signatures(agreement) == [Step.DIRECTOR]
    with pytest.raises(DomainError, match="not valid"):
        services.agreement_send(agreement=agreement, actor=salesperson)


def test_a_reopened_agreement_needs_every_signature_again(agreement_in, salesperson, manager):
    agreement = agreement_in(A.APPROVED)
    assert agreement.revision == 1

    services.agreement_reopen(agreement=agreement, actor=salesperson)
    agreement.refresh_from_db()
    assert not services.agreement_is_valid(agreement)
    with pytest.raises(DomainError, match="not valid"):
        services.agreement_send(agreement=agreement, actor=salesperson)

    agreement = services.agreement_submit(agreement=agreement, actor=salesperson)
    assert agreement.revision == 2
    assert services.agreement_missing_signatures(agreement) == [Step.MANAGER]
    Agreement.objects.filter(pk=agreement.pk).update(state=A.APPROVED)  # skip the approval
    agreement.refresh_from_db()
    with pytest.raises(DomainError, match="not valid"):
        services.agreement_send(agreement=agreement, actor=salesperson)

    Agreement.objects.filter(pk=agreement.pk).update(state=A.MANAGER_REVIEW)
    services.agreement_decide(agreement=agreement, actor=manager, approve=True)
    agreement = services.agreement_send(agreement=agreement, actor=salesperson)
    assert agreement.state == A.SENT
    assert [s.revision for s in agreement.signatures.all()] == [1, 2]


def test_sending_records_who_and_the_server_time(agreement_in, manager):
    agreement = agreement_in(A.APPROVED)

    services.agreement_send(agreement=agreement, actor=manager)

    agreement.refresh_from_db()
    assert (agreement.state, agreement.sent_at, agreement.sent_by) == (A.SENT, NOW, manager)


# --- numbering --------------------------------------------------------------------------------


def test_agreements_are_numbered_in_sequence_within_the_year(salesperson, manager):
    numbers = [accepted_agreement(salesperson, manager).number for _ in range(3)]

    assert numbers == ["AD2026-0001", "AD2026-0002", "AD2026-0003"]
    assert AgreementCounter.objects.get(year=2026).last == 3


def test_the_numbering_restarts_each_year_by_local_date(plan_in, salesperson):
    plans = [plan_in(P.SUBMITTED) for _ in range(4)]
    moments = [
        at(2026, 12, 31, 23, 59),
        at(2027, 1, 1, 0, 30),  # still 2026 in UTC
        at(2027, 6, 1, 9, 0),
        at(2026, 12, 31, 12, 0),  # a late 2026 one still continues 2026's sequence
    ]

    numbers = [
        services.plan_accept(plan=plan, actor=salesperson, now=moment).number
        for plan, moment in zip(plans, moments, strict=True)
    ]

    assert numbers == ["AD2026-0001", "AD2027-0001", "AD2027-0002", "AD2026-0002"]


def test_next_number_counts_on_from_the_counter(db):
    AgreementCounter.objects.create(year=2030, last=41)

    with transaction.atomic():
        assert services.next_number(2030) == "AD2030-0042"
        assert services.next_number(2031) == "AD2031-0001"


# --- cancelling -------------------------------------------------------------------------------


def test_cancelling_records_when_and_why(agreement_in, plan_in, manager):
    agreement = agreement_in(A.SENT)
    plan = plan_in(P.SUBMITTED)

    services.agreement_cancel(agreement=agreement, actor=manager, reason=" Budget cut. ")
    services.plan_cancel(plan=plan, actor=manager, reason=" Budget cut. ")

    agreement.refresh_from_db()
    assert (agreement.state, agreement.cancelled_at, agreement.cancel_reason) == (
        A.CANCELLED,
        NOW,
        "Budget cut.",
    )
    assert not services.agreement_is_valid(agreement)
    plan.refresh_from_db()
    assert (plan.state, plan.return_reason) == (P.CANCELLED, "Budget cut.")
    assert plan.versions.get().outcome == PlanVersion.Outcome.CANCELLED
