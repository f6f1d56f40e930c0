"""Safeguards around the two figures: two approvals by two people, the customer's class
never going back, documents following their customer, today's prices, double posts,
and who is told of what."""

import uuid
from datetime import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from contracts import services
from contracts.models import AgreementState, ChangeRequest, PlanState, PlanVersion
from contracts.services import closing
from contracts.tests.factories import (
    agreement_terms,
    approved_agreement,
    approved_plan,
    line,
    make_plan,
    make_product,
    submitted_agreement,
)
from contracts.tests.services.helpers import recipients_of
from customers import services as customer_services
from customers.models import PipelineClass
from customers.tests.factories import make_customer
from salescrm.errors import DomainError
from salescrm.models import Notification
from salescrm.testing.threads import run_together
from salescrm.testing.time import SHANGHAI

A = AgreementState
P = PlanState
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


def sent_agreement_for(customer, salesperson, manager, product):
    """An agreement for `customer`, approved and sent, ready for the customer's signature."""
    plan = approved_plan(salesperson, manager, customer=customer)
    services.plan_send(plan=plan, actor=salesperson)
    agreement = services.plan_accept(plan=plan, actor=salesperson)
    services.agreement_update(
        agreement=agreement, actor=salesperson, data=agreement_terms(), lines=[line(product)]
    )
    services.agreement_submit(agreement=agreement, actor=salesperson)
    services.agreement_decide(agreement=agreement, actor=manager, approve=True)
    return services.agreement_send(agreement=agreement, actor=salesperson)


# --- rule 4.3: the director's approval is a second, independent one ---------------------------


def test_one_person_cannot_give_both_approvals_of_a_major_agreement(salesperson, manager, director):
    salesperson.discount_authority = 10
    salesperson.save()
    services.delegation_create(
        delegator=director, delegate=manager, valid_from=timezone.localdate(),
        valid_until=timezone.localdate(), actor=director,
    )  # fmt: skip
    product = make_product(list_price="1000.00")
    agreement = submitted_agreement(salesperson, manager, [line(product, agreed_price="800.00")])
    services.agreement_decide(agreement=agreement, actor=manager, approve=True)

    with pytest.raises(DomainError, match="already signed another step"):
        services.agreement_decide(agreement=agreement, actor=manager, approve=True)

    agreement.refresh_from_db()
    assert agreement.state == A.DIRECTOR_REVIEW
    assert services.agreement_missing_signatures(agreement) == ["director"]
    services.agreement_decide(agreement=agreement, actor=director, approve=True)
    agreement.refresh_from_db()
    assert agreement.state == A.APPROVED


# --- the customer's class never goes back ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_signing_and_a_letter_of_intent_at_once_leave_the_customer_signed(
    monkeypatch, salesperson, manager
):
    import threading

    customer = make_customer(salesperson)
    product = make_product()
    first = sent_agreement_for(customer, salesperson, manager, product)
    second = sent_agreement_for(customer, salesperson, manager, product)
    barrier = threading.Barrier(2, timeout=10)
    real = closing._move_customer  # agreement_sign and agreement_record_loi call it there

    def together(*args, **kwargs):
        barrier.wait()  # both have their agreement locked and ask for the customer now
        return real(*args, **kwargs)

    monkeypatch.setattr(closing, "_move_customer", together)
    today = timezone.localdate()

    results = run_together(
        lambda: services.agreement_sign(agreement=first, actor=salesperson, signed_on=today),
        lambda: services.agreement_record_loi(agreement=second, actor=salesperson, signed_on=today),
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    customer.refresh_from_db()
    assert customer.pipeline_class == PipelineClass.SIGNED
    moves = list(customer.class_changes.order_by("pk").values_list("from_class", "to_class"))
    assert moves in (
        [(PipelineClass.UNCLASSIFIED, PipelineClass.SIGNED)],
        [
            (PipelineClass.UNCLASSIFIED, PipelineClass.LETTER_OF_INTENT),
            (PipelineClass.LETTER_OF_INTENT, PipelineClass.SIGNED),
        ],
    )


# --- documents follow their customer -----------------------------------------------------------


def test_open_documents_go_with_the_customer_to_its_new_owner(salesperson, teammate, manager):
    customer = make_customer(salesperson)
    product = make_product()
    draft = make_plan(salesperson, customer=customer)
    signed = sent_agreement_for(customer, salesperson, manager, product)
    signed = services.agreement_sign(
        agreement=signed, actor=salesperson, signed_on=timezone.localdate()
    )
    in_review = submitted_agreement(salesperson, manager, [line(product)])
    customer_services.customer_reassign(
        customer=in_review.customer, actor=manager, assignee=teammate
    )
    customer_services.customer_reassign(customer=customer, actor=manager, assignee=teammate)

    draft.refresh_from_db()
    signed.refresh_from_db()
    in_review.refresh_from_db()
    assert draft.salesperson == teammate
    assert in_review.salesperson == teammate  # the review goes on, for the new owner
    assert signed.salesperson == salesperson  # finished: stays with who made it
    assert draft.history.first().history_change_reason == "customer reassigned"
    services.agreement_decide(agreement=in_review, actor=manager, approve=True)
    with pytest.raises(DomainError, match="may not"):
        services.plan_submit(plan=draft, actor=salesperson)
    services.plan_submit(plan=draft, actor=teammate)


def test_open_documents_of_pool_customers_follow_a_bulk_assignment(salesperson, teammate, manager):
    customers = [make_customer(salesperson, name=f"Leaving Co {n}") for n in range(2)]
    draft = make_plan(salesperson, customer=customers[0])
    customer_services.customers_return_to_pool(owner=salesperson, actor=manager)

    done = customer_services.customers_assign(customers=customers, actor=manager, assignee=teammate)

    assert set(done) == {c.pk for c in customers}
    draft.refresh_from_db()
    assert draft.salesperson == teammate
    assert draft.history.first().history_change_reason == "customer reassigned"


# --- today's price list ------------------------------------------------------------------------


def test_submitting_judges_the_lines_on_todays_list_price(salesperson, manager, director):
    salesperson.discount_authority = 10
    salesperson.save()
    product = make_product(list_price="1000.00")
    agreement = approved_agreement(salesperson, manager, [line(product, agreed_price="950.00")])
    assert not agreement.is_major
    services.agreement_reopen(agreement=agreement, actor=salesperson)
    product.list_price = D("1200.00")  # the list went up while it was a draft
    product.save()

    agreement = services.agreement_submit(agreement=agreement, actor=salesperson)

    assert agreement.is_major  # 950 is now 20.83 % off 1,200
    assert agreement.lines.get().list_price == D("1200.00")
    agreement.refresh_from_db()
    assert (agreement.list_total, agreement.total) == (D("12000.00"), D("9500.00"))


def test_a_product_taken_off_the_list_stops_the_submission(salesperson, manager):
    product = make_product()
    agreement = approved_agreement(salesperson, manager, [line(product)])
    services.agreement_reopen(agreement=agreement, actor=salesperson)
    product.active = False
    product.save()

    with pytest.raises(DomainError, match="Line 1: that product is no longer on the price list"):
        services.agreement_submit(agreement=agreement, actor=salesperson)

    agreement.refresh_from_db()
    assert agreement.state == A.DRAFT


# --- double posts ------------------------------------------------------------------------------


def test_the_same_change_request_form_posted_twice_records_once(salesperson, manager):
    product = make_product()
    agreement = sent_agreement_for(make_customer(salesperson), salesperson, manager, product)
    services.agreement_sign(agreement=agreement, actor=salesperson, signed_on=timezone.localdate())
    token = uuid.uuid4()

    services.change_request_add(
        agreement=agreement, actor=salesperson, kind="artwork", description="New logo", token=token
    )
    with pytest.raises(DomainError, match="already recorded"):
        services.change_request_add(
            agreement=agreement, actor=salesperson, kind="artwork", description="New logo",
            token=token,
        )  # fmt: skip
    services.change_request_add(
        agreement=agreement, actor=salesperson, kind="artwork", description="New logo",
        token=uuid.uuid4(),
    )  # fmt: skip

    assert list(ChangeRequest.objects.values_list("number", flat=True)) == [1, 2]


# --- versions and who is told --------------------------------------------------------------------


def test_reopening_a_passed_plan_marks_its_version_reopened(salesperson, manager):
    plan = approved_plan(salesperson, manager)

    services.plan_reopen(plan=plan, actor=salesperson)

    assert plan.versions.get().outcome == PlanVersion.Outcome.REOPENED


def test_withdrawing_tells_those_who_were_asked_to_sign(salesperson, manager, director):
    plan = services.plan_submit(plan=make_plan(salesperson), actor=salesperson)
    services.plan_withdraw(plan=plan, actor=salesperson)
    agreement = submitted_agreement(salesperson, manager, [line(make_product())])
    services.agreement_withdraw(agreement=agreement, actor=salesperson)

    assert recipients_of("plan_withdrawn") == {"manager"}
    assert recipients_of("agreement_withdrawn") == {"manager"}


def test_a_cancel_and_a_decline_are_told_to_the_other_of_owner_and_manager(salesperson, manager):
    plan = services.plan_send(plan=approved_plan(salesperson, manager), actor=salesperson)
    services.plan_decline(plan=plan, actor=manager, feedback="Too expensive")
    services.plan_cancel(plan=plan, actor=manager, reason="Lost to a competitor")
    agreement = submitted_agreement(salesperson, manager, [line(make_product())])
    services.agreement_withdraw(agreement=agreement, actor=salesperson)
    services.agreement_cancel(agreement=agreement, actor=salesperson, reason="Customer left")

    assert recipients_of("plan_declined") == {"salesperson"}
    assert recipients_of("plan_cancelled") == {"salesperson"}
    assert recipients_of("agreement_cancelled") == {"manager"}
    assert Notification.objects.get(kind="agreement_cancelled").body == "Customer left"
