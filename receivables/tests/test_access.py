"""One access function for an agreement's money, and the billing details, for every role."""

import pytest
from django.http import Http404

from receivables import access
from receivables.tests.factories import signed_agreement

SEES = ["salesperson", "manager", "director", "finance"]
DOES_NOT_SEE = ["teammate", "other_manager", "other_salesperson", "front_desk", "admin_user"]


@pytest.fixture
def agreement(salesperson, manager):
    return signed_agreement(salesperson)


@pytest.mark.parametrize("persona", SEES)
def test_these_roles_see_the_money_of_the_agreement(request, agreement, persona):
    person = request.getfixturevalue(persona)
    assert access.agreement_for_user(person, agreement.pk) == agreement
    assert list(access.agreements_for(person)) == [agreement]


@pytest.mark.parametrize("persona", DOES_NOT_SEE)
def test_everyone_else_gets_404(request, agreement, persona):
    person = request.getfixturevalue(persona)
    with pytest.raises(Http404):
        access.agreement_for_user(person, agreement.pk)
    assert not access.agreements_for(person).exists()


def test_an_unsigned_agreement_has_no_money_page(salesperson, finance):
    from contracts.models import AgreementState
    from contracts.tests.factories import make_agreement_in

    sent = make_agreement_in(AgreementState.SENT, salesperson)
    with pytest.raises(Http404):
        access.agreement_for_user(finance, sent.pk)


def test_finance_reads_any_customers_billing_details_but_changes_none(agreement, finance):
    customer = agreement.customer
    assert access.customer_for_billing(finance, customer.pk) == customer
    with pytest.raises(Http404):
        access.customer_for_billing(finance, customer.pk, write=True)


@pytest.mark.parametrize(
    ("persona", "write"),
    [("salesperson", True), ("manager", True), ("director", False), ("teammate", None)],
)
def test_billing_details_are_changed_by_the_owner_and_manager(request, agreement, persona, write):
    person = request.getfixturevalue(persona)
    customer = agreement.customer
    if write is None:
        with pytest.raises(Http404):
            access.customer_for_billing(person, customer.pk)
        return
    assert access.customer_for_billing(person, customer.pk) == customer
    assert access.may_change_billing(person, customer) is write
