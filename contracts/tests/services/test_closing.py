"""The customer signs the agreement or a letter of intent: the customer's class moves."""

from datetime import timedelta

import pytest
from django.utils import translation

from contracts import services
from contracts.tests.factories import agreement_terms, lines_for, make_plan
from contracts.tests.services.helpers import NOW, TODAY, A, recipients_of
from customers.models import ClassChange, PipelineClass
from customers.services import customer_change_class
from salescrm import notifications
from salescrm.errors import DomainError
from salescrm.models import Notification

# --- signing and the customer's class ---------------------------------------------------------


def test_signing_moves_the_customer_to_signed_with_who_and_why(agreement_in, salesperson, manager):
    agreement = agreement_in(A.SENT)
    customer = agreement.customer
    assert customer.pipeline_class == PipelineClass.UNCLASSIFIED

    services.agreement_sign(agreement=agreement, actor=manager, signed_on=TODAY)

    agreement.refresh_from_db()
    assert (agreement.state, agreement.signed_on, agreement.signed_recorded_at) == (
        A.SIGNED,
        TODAY,
        NOW,
    )
    customer.refresh_from_db()
    assert customer.pipeline_class == PipelineClass.SIGNED
    change = customer.class_changes.get()
    assert (change.from_class, change.to_class, change.changed_by, change.changed_at) == (
        PipelineClass.UNCLASSIFIED,
        PipelineClass.SIGNED,
        manager,
        NOW,
    )
    assert change.reason == f"Agreement {agreement.number} signed on 2 Mar 2026"
    with translation.override("zh-hans"):
        assert "2026年3月2日" in change.reason_text
    # Nobody is told of their own action: the manager recorded it, the salesperson is told.
    assert recipients_of("agreement_signed") == {"salesperson"}
    told = Notification.objects.filter(kind="agreement_signed").first()
    assert told.params["total"] == {"amount": "10000.00"}
    with translation.override("zh-hans"):
        assert "¥10,000.00" in notifications.message(told)


def test_signing_a_major_agreement_also_tells_the_director(agreement_in, salesperson):
    agreement = agreement_in(A.SENT, major=True)

    services.agreement_sign(agreement=agreement, actor=salesperson, signed_on=TODAY)

    assert recipients_of("agreement_signed") == {"manager", "director"}


def test_a_customer_already_signed_stays_signed_without_a_new_class_change(
    agreement_in, salesperson, manager
):
    first = agreement_in(A.SIGNED)
    customer = first.customer
    plan = make_plan(salesperson, customer=customer)
    services.plan_submit(plan=plan, actor=salesperson)
    services.plan_review(plan=plan, actor=manager, approve=True)
    services.plan_send(plan=plan, actor=salesperson)
    second = services.plan_accept(plan=plan, actor=salesperson)
    services.agreement_update(
        agreement=second, actor=salesperson, data=agreement_terms(), lines=lines_for()
    )
    services.agreement_submit(agreement=second, actor=salesperson)
    services.agreement_decide(agreement=second, actor=manager, approve=True)
    services.agreement_send(agreement=second, actor=salesperson)

    services.agreement_sign(agreement=second, actor=salesperson, signed_on=TODAY)

    customer.refresh_from_db()
    assert customer.pipeline_class == PipelineClass.SIGNED
    assert customer.class_changes.count() == 1


@pytest.mark.parametrize(
    ("signed_on", "message"),
    [
        (TODAY + timedelta(days=1), "future"),
        (TODAY - timedelta(days=1), "before the agreement was sent"),
    ],
)
def test_the_signing_date_is_between_sending_and_today(
    agreement_in, salesperson, signed_on, message
):
    agreement = agreement_in(A.SENT)

    with pytest.raises(DomainError, match=message):
        services.agreement_sign(agreement=agreement, actor=salesperson, signed_on=signed_on)

    agreement.refresh_from_db()
    assert (agreement.state, agreement.signed_on) == (A.SENT, None)
    assert not ClassChange.objects.exists()


def test_a_letter_of_intent_moves_the_customer_to_loi_then_signing_to_signed(
    agreement_in, salesperson
):
    agreement = agreement_in(A.APPROVED)
    customer = agreement.customer
    customer_change_class(
        customer=customer, actor=salesperson, to_class=PipelineClass.KEY, reason="Big budget"
    )

    services.agreement_record_loi(agreement=agreement, actor=salesperson, signed_on=TODAY)

    agreement.refresh_from_db()
    assert agreement.loi_signed_on == TODAY
    customer.refresh_from_db()
    assert customer.pipeline_class == PipelineClass.LETTER_OF_INTENT
    change = customer.class_changes.first()
    assert (change.from_class, change.to_class, change.changed_by) == (
        PipelineClass.KEY,
        PipelineClass.LETTER_OF_INTENT,
        salesperson,
    )
    assert change.reason == f"Letter of intent for {agreement.number} signed on 2 Mar 2026"
    assert change.reason_code == "letter_of_intent"

    services.agreement_send(agreement=agreement, actor=salesperson)
    services.agreement_sign(agreement=agreement, actor=salesperson, signed_on=TODAY)
    customer.refresh_from_db()
    assert customer.pipeline_class == PipelineClass.SIGNED
    assert list(customer.class_changes.values_list("to_class", flat=True)) == [
        PipelineClass.SIGNED,
        PipelineClass.LETTER_OF_INTENT,
        PipelineClass.KEY,
    ]


def test_a_letter_of_intent_never_moves_a_signed_customer_back(agreement_in, salesperson):
    agreement = agreement_in(A.DRAFT)
    customer = agreement.customer
    customer_change_class(
        customer=customer,
        actor=salesperson,
        to_class=PipelineClass.SIGNED,
        reason="Signed an earlier agreement",
        system=True,
    )

    services.agreement_record_loi(agreement=agreement, actor=salesperson, signed_on=TODAY)

    agreement.refresh_from_db()
    assert agreement.loi_signed_on == TODAY
    customer.refresh_from_db()
    assert customer.pipeline_class == PipelineClass.SIGNED
    assert customer.class_changes.count() == 1


@pytest.mark.parametrize(
    ("state", "persona", "signed_on", "message"),
    [
        (A.DRAFT, "salesperson", TODAY + timedelta(days=1), "future"),
        (A.SIGNED, "salesperson", TODAY, "before the agreement is signed"),
        (A.CANCELLED, "salesperson", TODAY, "before the agreement is signed"),
        (A.DRAFT, "teammate", TODAY, "may not make this change"),
        (A.DRAFT, "director", TODAY, "may not make this change"),
    ],
)
def test_a_letter_of_intent_is_refused(request, agreement_in, state, persona, signed_on, message):
    agreement = agreement_in(state)
    changes = ClassChange.objects.count()

    with pytest.raises(DomainError, match=message):
        services.agreement_record_loi(
            agreement=agreement, actor=request.getfixturevalue(persona), signed_on=signed_on
        )

    agreement.refresh_from_db()
    assert agreement.loi_signed_on is None
    assert ClassChange.objects.count() == changes


def test_a_letter_of_intent_is_recorded_once(agreement_in, manager):
    agreement = agreement_in(A.DRAFT)
    services.agreement_record_loi(agreement=agreement, actor=manager, signed_on=TODAY)

    with pytest.raises(DomainError, match="already recorded"):
        services.agreement_record_loi(
            agreement=agreement, actor=manager, signed_on=TODAY - timedelta(days=1)
        )

    agreement.refresh_from_db()
    assert agreement.loi_signed_on == TODAY
