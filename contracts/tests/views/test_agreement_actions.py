"""Figure 2 through the views: submit, approve (manager, then director when major), reject,
reopen, send, sign, letter of intent, cancel, change requests; and double clicks."""

from decimal import Decimal

import pytest
from django.utils import timezone

from contracts.models import AgreementState, ChangeRequest, Signature
from contracts.tests.factories import make_agreement_in
from contracts.tests.views.helpers import (
    agreement_act,
    agreement_url,
    snapshot,
    tomorrow,
    yesterday,
)
from customers.models import Customer, PipelineClass
from salescrm.models import Notification
from salescrm.testing.http import html, messages_of, shown, text_of

TODAY = "2026-03-11"


def steps_signed(agreement) -> list[tuple]:
    return list(
        Signature.objects.filter(agreement=agreement)
        .order_by("pk")
        .values_list("revision", "step", "decision", "signer__username")
    )


def customer_class(agreement) -> str:
    return Customer.objects.get(pk=agreement.customer_id).pipeline_class


def told(user, kind) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


# --- submit and withdraw --------------------------------------------------------------------


def test_the_salesperson_submits_for_approval(client_for, salesperson, manager):
    agreement = make_agreement_in(AgreementState.DRAFT, salesperson)

    response = client_for(salesperson).post(agreement_act(agreement, "submit"))

    assert response.url == agreement_url("agreement", agreement)
    assert messages_of(response) == ["Sent for approval."]
    agreement.refresh_from_db()
    assert (agreement.state, agreement.revision) == (AgreementState.MANAGER_REVIEW, 1)
    assert agreement.major_reasons == []
    assert told(manager, "agreement_submitted") == 1


def test_a_double_submit_submits_once(client_for, salesperson, manager):
    agreement = make_agreement_in(AgreementState.DRAFT, salesperson)
    client = client_for(salesperson)

    client.post(agreement_act(agreement, "submit"), follow=True)
    before = snapshot(agreement)
    response = client.post(agreement_act(agreement, "submit"))

    assert messages_of(response) == [
        "That is not possible now: the agreement is “Waiting for the manager”."
    ]
    assert snapshot(agreement) == before
    assert told(manager, "agreement_submitted") == 1


def test_an_agreement_without_payment_terms_is_not_submitted(client_for, salesperson):
    agreement = make_agreement_in(AgreementState.DRAFT, salesperson, payment_terms="")
    before = snapshot(agreement)

    response = client_for(salesperson).post(agreement_act(agreement, "submit"))

    assert messages_of(response) == ["Write the payment terms before submitting."]
    assert snapshot(agreement) == before


@pytest.mark.parametrize(
    "major", [False, True], ids=["waiting for the manager", "for the director"]
)
def test_the_salesperson_withdraws_it(client_for, salesperson, director, major):
    state = AgreementState.DIRECTOR_REVIEW if major else AgreementState.MANAGER_REVIEW
    agreement = make_agreement_in(state, salesperson, major=major)

    response = client_for(salesperson).post(agreement_act(agreement, "withdraw"))

    assert messages_of(response) == ["Agreement taken back."]
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.DRAFT


def test_the_manager_cannot_withdraw_it(client_for, salesperson, manager):
    agreement = make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson)
    before = snapshot(agreement)

    assert client_for(manager).post(agreement_act(agreement, "withdraw")).status_code == 404
    assert snapshot(agreement) == before


# --- approval -------------------------------------------------------------------------------


def test_the_manager_approves_an_ordinary_agreement(client_for, salesperson, manager, director):
    agreement = make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson)
    client = client_for(manager)

    response = client.post(agreement_act(agreement, "approve"), {"comment": "Fine"})

    assert messages_of(response) == ["Approved and signed."]
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.APPROVED
    assert agreement.approved_at == timezone.now()
    assert steps_signed(agreement) == [(1, "manager", "approved", "manager")]
    assert told(salesperson, "agreement_approved") == 1
    assert told(director, "agreement_needs_director") == 0
    assert shown(manager) in text_of(
        client.get(agreement_url("agreement", agreement)), "signatures"
    )


def test_a_major_agreement_goes_from_the_manager_to_the_director(
    client_for, salesperson, manager, director
):
    agreement = make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson, major=True)

    by_manager = client_for(manager).post(agreement_act(agreement, "approve"))

    assert messages_of(by_manager) == ["Approved and signed."]
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.DIRECTOR_REVIEW
    assert agreement.approved_at is None
    assert told(director, "agreement_needs_director") == 1

    by_director = client_for(director).post(agreement_act(agreement, "approve"))

    assert messages_of(by_director) == ["Approved and signed."]
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.APPROVED
    assert steps_signed(agreement) == [
        (1, "manager", "approved", "manager"),
        (1, "director", "approved", "director"),
    ]
    signatures = text_of(
        client_for(salesperson).get(agreement_url("agreement", agreement)), "signatures"
    )
    assert shown(manager) in signatures
    assert shown(director) in signatures


def test_a_double_click_on_approve_signs_once(client_for, salesperson, manager):
    agreement = make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson)
    client = client_for(manager)

    client.post(agreement_act(agreement, "approve"), follow=True)
    before = snapshot(agreement)
    response = client.post(agreement_act(agreement, "approve"))

    assert messages_of(response) == ["That is not possible now: the agreement is “Approved”."]
    assert snapshot(agreement) == before
    assert len(steps_signed(agreement)) == 1
    assert told(salesperson, "agreement_approved") == 1


def test_a_double_click_on_a_major_one_does_not_sign_for_the_director(
    client_for, salesperson, manager, director
):
    agreement = make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson, major=True)
    client = client_for(manager)

    client.post(agreement_act(agreement, "approve"), follow=True)
    before = snapshot(agreement)
    response = client.post(agreement_act(agreement, "approve"))

    assert messages_of(response) == ["You may not make this change to the agreement."]
    assert snapshot(agreement) == before
    assert agreement.state == AgreementState.DIRECTOR_REVIEW
    assert steps_signed(agreement) == [(1, "manager", "approved", "manager")]


def test_the_manager_rejects_with_a_reason(client_for, salesperson, manager):
    agreement = make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson)

    response = client_for(manager).post(
        agreement_act(agreement, "reject"), {"comment": "Price too low"}
    )

    assert messages_of(response) == ["Agreement sent back to revise."]
    agreement.refresh_from_db()
    assert (agreement.state, agreement.return_reason) == (AgreementState.DRAFT, "Price too low")
    assert steps_signed(agreement) == [(1, "manager", "rejected", "manager")]
    page = client_for(salesperson).get(agreement_url("agreement", agreement))
    assert "Price too low" in text_of(page, "return-reason")
    assert told(salesperson, "agreement_rejected") == 1


def test_the_director_rejects_a_major_one_and_both_are_told(
    client_for, salesperson, manager, director
):
    agreement = make_agreement_in(AgreementState.DIRECTOR_REVIEW, salesperson, major=True)

    response = client_for(director).post(
        agreement_act(agreement, "reject"), {"comment": "Discount too deep"}
    )

    assert messages_of(response) == ["Agreement sent back to revise."]
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.DRAFT
    assert told(salesperson, "agreement_rejected") == 1
    assert told(manager, "agreement_rejected") == 1


@pytest.mark.parametrize("comment", [None, "", "  \n "])
def test_a_rejection_without_a_reason_is_refused(client_for, salesperson, manager, comment):
    agreement = make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson)
    before = snapshot(agreement)

    response = client_for(manager).post(
        agreement_act(agreement, "reject"), {} if comment is None else {"comment": comment}
    )

    assert messages_of(response) == ["Say why the agreement is rejected."]
    assert snapshot(agreement) == before


# --- reopen, send, sign ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["salesperson", "manager"])
def test_an_approved_agreement_is_reopened_and_needs_signing_again(
    request, client_for, salesperson, persona
):
    agreement = make_agreement_in(AgreementState.APPROVED, salesperson)

    response = client_for(request.getfixturevalue(persona)).post(agreement_act(agreement, "reopen"))

    assert messages_of(response) == ["Agreement reopened to revise."]
    agreement.refresh_from_db()
    assert (agreement.state, agreement.approved_at) == (AgreementState.DRAFT, None)
    refused = client_for(salesperson).post(agreement_act(agreement, "send"))
    assert "may not be sent or released" in messages_of(refused)[0]


@pytest.mark.parametrize("persona", ["salesperson", "manager"])
def test_the_agreement_is_recorded_as_sent_at_server_time(
    request, client_for, salesperson, persona
):
    agreement = make_agreement_in(AgreementState.APPROVED, salesperson)
    sender = request.getfixturevalue(persona)

    response = client_for(sender).post(agreement_act(agreement, "send"), {"sent_at": "2020-01-01"})

    assert messages_of(response) == ["Recorded as sent to the customer."]
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SENT
    assert (agreement.sent_at, agreement.sent_by) == (timezone.now(), sender)


def test_a_double_send_sends_once(client_for, salesperson):
    agreement = make_agreement_in(AgreementState.APPROVED, salesperson)
    client = client_for(salesperson)

    client.post(agreement_act(agreement, "send"), follow=True)
    before = snapshot(agreement)
    response = client.post(agreement_act(agreement, "send"))

    assert messages_of(response) == [
        "That is not possible now: the agreement is “Sent to the customer”."
    ]
    assert snapshot(agreement) == before


def test_the_customers_signature_is_recorded(client_for, salesperson, manager):
    agreement = make_agreement_in(AgreementState.SENT, salesperson)

    response = client_for(salesperson).post(agreement_act(agreement, "sign"), {"signed_on": TODAY})

    assert messages_of(response) == ["Signed: the customer is now signed."]
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SIGNED
    assert str(agreement.signed_on) == TODAY
    assert customer_class(agreement) == PipelineClass.SIGNED
    assert told(manager, "agreement_signed") == 1
    page = client_for(manager).get(agreement_url("agreement", agreement))
    assert text_of(page, "signed-on") == "11 Mar 2026"


@pytest.mark.parametrize(
    ("signed_on", "error"),
    [
        (lambda: tomorrow().isoformat(), "The signing date cannot be in the future."),
        (
            lambda: yesterday().isoformat(),
            "The customer cannot sign before the agreement was sent.",
        ),
        (lambda: "", "Give the date the customer signed."),
        (lambda: "11/03/2026x", "Give the date the customer signed."),
    ],
    ids=["in the future", "before it was sent", "missing", "not a date"],
)
def test_a_bad_signing_date_is_refused(client_for, salesperson, signed_on, error):
    agreement = make_agreement_in(AgreementState.SENT, salesperson)
    before, was = snapshot(agreement), customer_class(agreement)

    response = client_for(salesperson).post(
        agreement_act(agreement, "sign"), {"signed_on": signed_on()}
    )

    assert response.url == agreement_url("agreement", agreement)
    assert messages_of(response) == [error]
    assert snapshot(agreement) == before
    assert customer_class(agreement) == was


def test_a_double_click_on_sign_signs_once(client_for, salesperson, manager):
    agreement = make_agreement_in(AgreementState.SENT, salesperson)
    client = client_for(salesperson)

    client.post(agreement_act(agreement, "sign"), {"signed_on": TODAY}, follow=True)
    before = snapshot(agreement)
    response = client.post(agreement_act(agreement, "sign"), {"signed_on": TODAY})

    assert messages_of(response) == ["That is not possible now: the agreement is “Signed”."]
    assert snapshot(agreement) == before
    assert told(manager, "agreement_signed") == 1


# --- letter of intent, cancel ---------------------------------------------------------------


def test_a_letter_of_intent_moves_the_customer(client_for, salesperson):
    agreement = make_agreement_in(AgreementState.APPROVED, salesperson)
    client = client_for(salesperson)

    response = client.post(agreement_act(agreement, "loi"), {"loi-signed_on": TODAY})

    assert messages_of(response) == ["Letter of intent recorded."]
    agreement.refresh_from_db()
    assert str(agreement.loi_signed_on) == TODAY
    assert agreement.state == AgreementState.APPROVED
    assert customer_class(agreement) == PipelineClass.LETTER_OF_INTENT

    client.get(response.url)  # the message is read
    before = snapshot(agreement)
    again = client.post(agreement_act(agreement, "loi"), {"loi-signed_on": TODAY})
    assert messages_of(again) == ["A letter of intent is already recorded."]
    assert snapshot(agreement) == before


def test_a_letter_of_intent_dated_tomorrow_is_refused(client_for, salesperson):
    agreement = make_agreement_in(AgreementState.DRAFT, salesperson)
    before, was = snapshot(agreement), customer_class(agreement)

    response = client_for(salesperson).post(
        agreement_act(agreement, "loi"), {"loi-signed_on": tomorrow().isoformat()}
    )

    assert messages_of(response) == ["The signing date cannot be in the future."]
    assert snapshot(agreement) == before
    assert customer_class(agreement) == was


def test_no_letter_of_intent_after_signing(client_for, salesperson):
    agreement = make_agreement_in(AgreementState.SIGNED, salesperson)
    before = snapshot(agreement)

    response = client_for(salesperson).post(
        agreement_act(agreement, "loi"), {"loi-signed_on": TODAY}
    )

    assert messages_of(response) == [
        "A letter of intent is recorded before the agreement is signed."
    ]
    assert snapshot(agreement) == before


@pytest.mark.parametrize(
    "state", [AgreementState.DRAFT, AgreementState.APPROVED, AgreementState.SENT]
)
def test_the_agreement_is_cancelled_with_a_reason(client_for, salesperson, state):
    agreement = make_agreement_in(state, salesperson)

    response = client_for(salesperson).post(
        agreement_act(agreement, "cancel"), {"reason": "Customer went bankrupt"}
    )

    assert messages_of(response) == ["Agreement cancelled."]
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.CANCELLED
    assert agreement.cancel_reason == "Customer went bankrupt"


@pytest.mark.parametrize("state", [AgreementState.MANAGER_REVIEW, AgreementState.SIGNED])
def test_an_agreement_in_approval_or_signed_is_not_cancelled(client_for, salesperson, state):
    agreement = make_agreement_in(state, salesperson)
    before = snapshot(agreement)

    response = client_for(salesperson).post(agreement_act(agreement, "cancel"))

    label = agreement.get_state_display()
    assert messages_of(response) == [f"That is not possible now: the agreement is “{label}”."]
    assert snapshot(agreement) == before


# --- change requests ------------------------------------------------------------------------


def change(agreement) -> str:
    return agreement_url("change_add", agreement)


def test_changes_are_free_until_the_allowance_is_used_then_charged(
    client_for, salesperson, manager
):
    agreement = make_agreement_in(AgreementState.SIGNED, salesperson, free_changes=2)
    client = client_for(salesperson)

    said = []
    for number in range(1, 4):
        response = client.post(
            change(agreement), {"kind": "artwork", "description": f"Art {number}"}
        )
        assert response.url == agreement_url("agreement", agreement)
        said.append(messages_of(response))
        client.get(response.url)  # the message is read

    assert said == [
        ["Change recorded: within the free allowance."],
        ["Change recorded: within the free allowance."],
        ["Change recorded: beyond the free allowance, fee ¥800.00."],
    ]
    changes = ChangeRequest.objects.filter(agreement=agreement).order_by("number")
    assert [(c.number, c.free, str(c.fee)) for c in changes] == [
        (1, True, "0.00"),
        (2, True, "0.00"),
        (3, False, "800.00"),
    ]
    assert told(manager, "change_charged") == 1
    page = client.get(agreement_url("agreement", agreement))
    assert "800.00" in text_of(page, "allowance")
    assert "fee ¥800.00" in text_of(page, "changes")


def test_with_no_free_changes_the_first_is_charged(client_for, salesperson):
    agreement = make_agreement_in(
        AgreementState.SIGNED, salesperson, free_changes=0, fee_per_change=Decimal("1500.00")
    )

    response = client_for(salesperson).post(
        change(agreement), {"kind": "revision", "description": "New copy"}
    )

    assert messages_of(response) == ["Change recorded: beyond the free allowance, fee ¥1,500.00."]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"kind": "revision"},
        {"kind": "redo", "description": "x"},
        {"kind": "artwork", "description": "  "},
    ],
    ids=["nothing", "no description", "unknown kind", "blank description"],
)
def test_a_change_request_needs_a_kind_and_a_description(client_for, salesperson, data):
    agreement = make_agreement_in(AgreementState.SIGNED, salesperson)

    response = client_for(salesperson).post(change(agreement), data)

    assert messages_of(response) == ["Choose the kind of change and describe it."]
    assert not ChangeRequest.objects.exists()


def test_changes_are_recorded_only_against_a_signed_agreement(client_for, salesperson):
    agreement = make_agreement_in(AgreementState.SENT, salesperson)

    response = client_for(salesperson).post(
        change(agreement), {"kind": "revision", "description": "New copy"}
    )

    assert messages_of(response) == ["Changes are recorded against a signed agreement."]
    assert not ChangeRequest.objects.exists()


# --- what the page offers -------------------------------------------------------------------


def test_the_page_offers_each_person_their_own_moves(client_for, salesperson, manager):
    agreement = make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson)

    owner_page = html(client_for(salesperson).get(agreement_url("agreement", agreement)))
    manager_page = html(client_for(manager).get(agreement_url("agreement", agreement)))

    assert agreement_act(agreement, "withdraw") in owner_page
    assert agreement_act(agreement, "approve") not in owner_page
    assert agreement_act(agreement, "approve") in manager_page
    assert agreement_act(agreement, "reject") in manager_page
    assert agreement_act(agreement, "withdraw") not in manager_page


def test_the_page_says_why_an_agreement_is_major(client_for, salesperson, director):
    agreement = make_agreement_in(AgreementState.DIRECTOR_REVIEW, salesperson, major=True)

    response = client_for(director).get(agreement_url("agreement", agreement))

    reasons = text_of(response, "major")
    assert "800.00 against a list price of 1000.00 is 20.00% off" in reasons
    assert agreement_act(agreement, "approve") in html(response)


def test_the_signature_shows_the_server_time(client_for, salesperson, manager):
    agreement = make_agreement_in(AgreementState.APPROVED, salesperson)

    page = client_for(salesperson).get(agreement_url("agreement", agreement))

    assert "2026-03-11 10:00:00" in text_of(page, "signatures")
