"""The pipeline class and the manager's weekly check (services.review)."""

import pytest

from customers import services
from customers.models import CheckState, ClassChange, PipelineClass
from customers.tests.factories import make_customer
from salescrm.errors import DomainError
from salescrm.models import Notification
from salescrm.testing.time import at

# --- classes -------------------------------------------------------------------------------------


def test_a_class_change_keeps_who_when_and_why(salesperson):
    customer = make_customer(salesperson)
    now = at(2026, 3, 5, 15, 0)

    services.customer_change_class(
        customer=customer,
        actor=salesperson,
        to_class=PipelineClass.KEY,
        reason="Budget confirmed",
        now=now,
    )

    change = ClassChange.objects.get()
    assert (change.from_class, change.to_class) == (PipelineClass.UNCLASSIFIED, PipelineClass.KEY)
    assert (change.changed_by, change.changed_at, change.reason) == (
        salesperson,
        now,
        "Budget confirmed",
    )
    customer.refresh_from_db()
    assert customer.pipeline_class == PipelineClass.KEY


def test_signed_comes_only_from_an_agreement(salesperson):
    customer = make_customer(salesperson)

    with pytest.raises(DomainError):
        services.customer_change_class(
            customer=customer, actor=salesperson, to_class=PipelineClass.SIGNED, reason="x"
        )
    services.customer_change_class(
        customer=customer,
        actor=salesperson,
        to_class=PipelineClass.SIGNED,
        reason="Agreement",
        system=True,
    )
    customer.refresh_from_db()
    assert customer.pipeline_class == PipelineClass.SIGNED


@pytest.mark.parametrize(
    ("to_class", "reason"), [("key", "  "), ("unclassified", "same"), ("bogus", "x")]
)
def test_a_class_change_needs_a_reason_and_a_real_move(salesperson, to_class, reason):
    customer = make_customer(salesperson)

    with pytest.raises(DomainError):
        services.customer_change_class(
            customer=customer, actor=salesperson, to_class=to_class, reason=reason
        )
    assert not ClassChange.objects.exists()


@pytest.mark.parametrize("persona", ["teammate", "other_manager", "director"])
def test_only_the_owner_or_their_manager_changes_the_class(request, salesperson, persona):
    customer = make_customer(salesperson)

    with pytest.raises(DomainError):
        services.customer_change_class(
            customer=customer, actor=request.getfixturevalue(persona), to_class="key", reason="x"
        )


# --- weekly check --------------------------------------------------------------------------------


def test_the_manager_marks_pending_files_checked(manager, salesperson):
    files = [make_customer(salesperson) for _ in range(3)]

    count = services.files_mark_checked(customers=files, actor=manager, comment="Good week")

    assert count == 3
    for customer in files:
        customer.refresh_from_db()
        assert customer.check_state == CheckState.CHECKED
        assert (customer.checked_by, customer.check_comment) == (manager, "Good week")


def test_marking_twice_counts_nothing_the_second_time(manager, salesperson):
    files = [make_customer(salesperson)]
    services.files_mark_checked(customers=files, actor=manager)

    assert services.files_mark_checked(customers=files, actor=manager) == 0


def test_a_returned_file_tells_the_owner_why_and_can_be_resubmitted(manager, salesperson):
    customer = make_customer(salesperson)

    services.file_return(customer=customer, actor=manager, reason="Add the contact's title")

    customer.refresh_from_db()
    assert customer.check_state == CheckState.RETURNED
    assert customer.check_comment == "Add the contact's title"
    note = Notification.objects.get(recipient=salesperson, kind="file_returned")
    assert note.body == "Add the contact's title"

    services.file_resubmit(customer=customer, actor=salesperson)

    customer.refresh_from_db()
    assert customer.check_state == CheckState.PENDING


@pytest.mark.parametrize("persona", ["other_manager", "teammate"])
def test_only_the_owners_manager_checks(request, salesperson, persona):
    customer = make_customer(salesperson)
    actor = request.getfixturevalue(persona)

    with pytest.raises(DomainError):
        services.file_return(customer=customer, actor=actor, reason="No")
    with pytest.raises(DomainError):
        services.files_mark_checked(customers=[customer], actor=actor)


def test_a_pending_file_cannot_be_resubmitted(salesperson):
    with pytest.raises(DomainError):
        services.file_resubmit(customer=make_customer(salesperson), actor=salesperson)


def test_a_return_needs_a_reason(manager, salesperson):
    with pytest.raises(DomainError):
        services.file_return(customer=make_customer(salesperson), actor=manager, reason=" ")
