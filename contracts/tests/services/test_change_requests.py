"""Change requests against a signed agreement (rule 4.1)."""

import pytest

from contracts import services
from contracts.models import ChangeRequest
from contracts.tests.factories import approved_agreement, lines_for
from contracts.tests.services.helpers import NOW, TODAY, A, D, recipients_of
from salescrm import notifications
from salescrm.errors import DomainError
from salescrm.models import Notification

# --- change requests (rule 4.1) ---------------------------------------------------------------


def add_change(agreement, actor, *, kind=ChangeRequest.Kind.ARTWORK, description="New artwork"):
    return services.change_request_add(
        agreement=agreement, actor=actor, kind=kind, description=description
    )


def test_changes_are_free_while_the_allowance_lasts_then_each_shows_the_fee(
    agreement_in, salesperson, manager
):
    agreement = agreement_in(A.SIGNED)  # 2 free changes, then 800.00 each
    assert services.allowance(agreement) == {
        "used": 0,
        "free": 2,
        "left": 2,
        "next_fee": D("0.00"),
        "charged": 0,
    }

    changes = [add_change(agreement, salesperson) for _ in range(2)]
    assert [(c.number, c.free, c.fee) for c in changes] == [
        (1, True, D("0.00")),
        (2, True, D("0.00")),
    ]
    assert not Notification.objects.filter(kind="change_charged").exists()
    assert services.allowance(agreement) == {
        "used": 2,
        "free": 2,
        "left": 0,
        "next_fee": D("800.00"),
        "charged": 0,
    }

    third = add_change(agreement, manager, kind=ChangeRequest.Kind.REVISION, description=" Copy ")
    fourth = add_change(agreement, salesperson)

    assert [(c.number, c.free, c.fee) for c in (third, fourth)] == [
        (3, False, D("800.00")),
        (4, False, D("800.00")),
    ]
    assert (third.kind, third.description, third.recorded_by, third.requested_at) == (
        ChangeRequest.Kind.REVISION,
        "Copy",
        manager,
        NOW,
    )
    assert services.allowance(agreement) == {
        "used": 4,
        "free": 2,
        "left": 0,
        "next_fee": D("800.00"),
        "charged": 2,
    }
    # Each is told to the other of the two (nobody is told of their own action).
    to_salesperson = Notification.objects.filter(kind="change_charged", recipient=salesperson)
    to_manager = Notification.objects.filter(kind="change_charged", recipient=manager)
    assert [n.params["change"] for n in to_salesperson] == [3]
    assert [n.params["change"] for n in to_manager] == [4]
    assert "fee ¥800.00." in notifications.message(to_salesperson.get())


def test_with_no_free_changes_the_first_one_is_charged(salesperson, manager, director):
    agreement = approved_agreement(
        salesperson, manager, lines_for(), free_changes=0, fee_per_change=D("150.50")
    )
    services.agreement_send(agreement=agreement, actor=salesperson)
    services.agreement_sign(agreement=agreement, actor=salesperson, signed_on=TODAY)

    change = add_change(agreement, salesperson)

    assert (change.number, change.free, change.fee) == (1, False, D("150.50"))
    assert recipients_of("change_charged") == {"manager"}
    assert services.allowance(agreement)["charged"] == 1


@pytest.mark.parametrize("state", [A.DRAFT, A.MANAGER_REVIEW, A.APPROVED, A.SENT, A.CANCELLED])
def test_changes_are_recorded_only_against_a_signed_agreement(agreement_in, salesperson, state):
    agreement = agreement_in(state)

    with pytest.raises(DomainError, match="signed agreement"):
        add_change(agreement, salesperson)

    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize(
    ("persona", "kind", "description", "message"),
    [
        ("teammate", "artwork", "New artwork", "may not make this change"),
        ("director", "artwork", "New artwork", "may not make this change"),
        ("salesperson", "other", "New artwork", "what kind"),
        ("salesperson", "artwork", "   ", "Describe"),
    ],
)
def test_a_bad_change_request_is_refused(
    request, agreement_in, persona, kind, description, message
):
    agreement = agreement_in(A.SIGNED)

    with pytest.raises(DomainError, match=message):
        add_change(agreement, request.getfixturevalue(persona), kind=kind, description=description)

    assert not ChangeRequest.objects.exists()
