"""The send-gate (rule 4, note): a document missing a signature may not leave the company.

Every route that could release a document is tried on documents missing a signature:
sending, recording the customer's signature, downloading the final PDF. The working PDF
and the print page stay available, marked UNAPPROVED — NOT VALID.
"""

import pytest

from contracts import services
from contracts.models import AgreementState, PlanState
from contracts.tests.factories import make_agreement_in, make_plan_in
from contracts.tests.views.helpers import (
    WATERMARK,
    WATERMARK_ZH,
    agreement_act,
    agreement_url,
    force_state,
    plan_act,
    plan_url,
    snapshot,
)
from customers.models import Customer, PipelineClass
from salescrm import people
from salescrm.testing.http import html, messages_of, text_of

MANAGER_STEP = "Sales manager's approval"
DIRECTOR_STEP = "Marketing director's approval"


def _draft(salesperson):
    return make_agreement_in(AgreementState.DRAFT, salesperson)


def _waiting_for_the_manager(salesperson):
    return make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson)


def _major_waiting_for_the_director(salesperson):
    return make_agreement_in(AgreementState.DIRECTOR_REVIEW, salesperson, major=True)


def _forced_approved_never_submitted(salesperson):
    return force_state(_draft(salesperson), AgreementState.APPROVED)


def _forced_approved_unsigned(salesperson):
    return force_state(_waiting_for_the_manager(salesperson), AgreementState.APPROVED)


def _major_forced_approved_without_the_director(salesperson):
    return force_state(_major_waiting_for_the_director(salesperson), AgreementState.APPROVED)


def _forced_approved_after_a_new_revision(salesperson):
    """Signed on revision 1, reopened and resubmitted: revision 2 has no signature."""
    agreement = make_agreement_in(AgreementState.APPROVED, salesperson)
    agreement = services.agreement_reopen(agreement=agreement, actor=salesperson)
    agreement = services.agreement_submit(agreement=agreement, actor=salesperson)
    return force_state(agreement, AgreementState.APPROVED)


def _forced_sent_unsigned(salesperson):
    return force_state(_waiting_for_the_manager(salesperson), AgreementState.SENT)


# (builder, the steps the refusal names as missing)
UNSIGNED_AGREEMENTS = {
    "draft": (_draft, [MANAGER_STEP]),
    "waiting for the manager": (_waiting_for_the_manager, [MANAGER_STEP]),
    "major, waiting for the director": (_major_waiting_for_the_director, [DIRECTOR_STEP]),
    "forced approved, never submitted": (_forced_approved_never_submitted, [MANAGER_STEP]),
    "forced approved, unsigned": (_forced_approved_unsigned, [MANAGER_STEP]),
    "major, forced approved without the director": (
        _major_forced_approved_without_the_director,
        [DIRECTOR_STEP],
    ),
    "forced approved, new revision unsigned": (
        _forced_approved_after_a_new_revision,
        [MANAGER_STEP],
    ),
    "forced sent, unsigned": (_forced_sent_unsigned, [MANAGER_STEP]),
}


@pytest.fixture(params=list(UNSIGNED_AGREEMENTS), ids=list(UNSIGNED_AGREEMENTS))
def unsigned(request, salesperson, director):
    """(an agreement missing a signature, the step names the refusal must give)."""
    build, missing = UNSIGNED_AGREEMENTS[request.param]
    return build(salesperson), missing


def _refusal(missing) -> str:
    return (
        f"This agreement is not valid (missing: {', '.join(missing)}): it may not be sent or "
        "released."
    )


def _customer_class(agreement):
    return Customer.objects.get(pk=agreement.customer_id).pipeline_class


@pytest.mark.parametrize("persona", ["salesperson", "manager"])
def test_sending_an_agreement_missing_a_signature_is_refused(
    request, client_for, unsigned, persona
):
    agreement, missing = unsigned
    before = snapshot(agreement)

    response = client_for(request.getfixturevalue(persona)).post(agreement_act(agreement, "send"))

    assert response.status_code == 302
    assert response.url == agreement_url("agreement", agreement)
    assert messages_of(response) == [_refusal(missing)]
    assert snapshot(agreement) == before
    assert agreement.sent_at is None


def test_recording_the_customers_signature_on_it_is_refused(client_for, salesperson, unsigned):
    agreement, missing = unsigned
    before, customer_class = snapshot(agreement), _customer_class(agreement)

    response = client_for(salesperson).post(
        agreement_act(agreement, "sign"), {"signed_on": "2026-03-11"}
    )

    assert response.status_code == 302
    assert messages_of(response) == [_refusal(missing)]
    assert snapshot(agreement) == before
    assert agreement.signed_on is None
    assert _customer_class(agreement) == customer_class != PipelineClass.SIGNED


@pytest.mark.parametrize("persona", ["salesperson", "manager", "director"])
def test_the_final_pdf_is_refused(request, client_for, unsigned, persona):
    agreement, missing = unsigned

    response = client_for(request.getfixturevalue(persona)).get(
        agreement_url("agreement_final_pdf", agreement)
    )

    assert response.status_code == 302
    assert response.url == agreement_url("agreement", agreement)
    assert response["Content-Type"] != "application/pdf"
    assert not response.content.startswith(b"%PDF")
    assert messages_of(response) == [_refusal(missing)]


def test_the_working_pdf_is_marked_unapproved(client_for, salesperson, unsigned):
    agreement, _ = unsigned

    response = client_for(salesperson).get(agreement_url("agreement_pdf", agreement))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    disposition = response["Content-Disposition"]
    assert f"{agreement.number}-UNAPPROVED.pdf" in disposition


def test_the_print_page_carries_the_watermark(client_for, manager, unsigned):
    agreement, _ = unsigned

    response = client_for(manager).get(agreement_url("agreement_print", agreement))

    assert response.status_code == 200
    # The document speaks its customer's language (Chinese unless said otherwise).
    assert text_of(response, "watermark") == WATERMARK_ZH


def test_the_detail_page_offers_no_way_out(client_for, salesperson, unsigned):
    agreement, _ = unsigned

    response = client_for(salesperson).get(agreement_url("agreement", agreement))

    page = html(response)
    assert text_of(response, "invalid") is not None
    assert agreement_act(agreement, "send") not in page
    assert agreement_act(agreement, "sign") not in page
    assert agreement_url("agreement_final_pdf", agreement) not in page


# --- the same agreement once every signature is there ----------------------------------------


@pytest.mark.parametrize("major", [False, True], ids=["ordinary", "major"])
def test_an_approved_agreement_goes_out(client_for, salesperson, director, major):
    agreement = make_agreement_in(AgreementState.APPROVED, salesperson, major=major)
    client = client_for(salesperson)

    detail = client.get(agreement_url("agreement", agreement))
    final = client.get(agreement_url("agreement_final_pdf", agreement))
    working = client.get(agreement_url("agreement_pdf", agreement))
    printed = client.get(agreement_url("agreement_print", agreement))
    sent = client.post(agreement_act(agreement, "send"))

    assert text_of(detail, "invalid") is None
    assert agreement_act(agreement, "send") in html(detail)
    assert agreement_url("agreement_final_pdf", agreement) in html(detail)
    assert final.status_code == 200
    assert final["Content-Type"] == "application/pdf"
    assert final.content.startswith(b"%PDF")
    assert f'filename="{agreement.number}.pdf"' in final["Content-Disposition"]
    assert "UNAPPROVED" not in working["Content-Disposition"]
    assert text_of(printed, "watermark") is None
    assert WATERMARK not in html(printed)
    assert messages_of(sent) == ["Recorded as sent to the customer."]
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SENT


def test_a_sent_agreement_is_still_released(client_for, salesperson):
    agreement = make_agreement_in(AgreementState.SENT, salesperson)

    response = client_for(salesperson).get(agreement_url("agreement_final_pdf", agreement))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_a_cancelled_agreement_is_not_released(client_for, salesperson):
    agreement = make_agreement_in(AgreementState.CANCELLED, salesperson)
    client = client_for(salesperson)

    final = client.get(agreement_url("agreement_final_pdf", agreement))
    working = client.get(agreement_url("agreement_pdf", agreement))

    assert final.status_code == 302
    assert "UNAPPROVED" in working["Content-Disposition"]


# --- plans ----------------------------------------------------------------------------------

PLAN_REFUSAL = "The plan has not passed the internal review: it may not be sent or released."


def _plan_draft(salesperson):
    return make_plan_in(PlanState.DRAFT, salesperson)


def _plan_in_review(salesperson):
    return make_plan_in(PlanState.IN_REVIEW, salesperson)


def _plan_rejected(salesperson):
    plan = _plan_in_review(salesperson)
    return services.plan_review(
        plan=plan, actor=people.manager_of(salesperson), approve=False, comment="Too vague"
    )


def _plan_forced_approved_never_submitted(salesperson):
    return force_state(_plan_draft(salesperson), PlanState.APPROVED)


def _plan_forced_approved_unsigned(salesperson):
    return force_state(_plan_in_review(salesperson), PlanState.APPROVED)


def _plan_forced_approved_new_version_unsigned(salesperson):
    """Passed on version 1, reopened and resubmitted: version 2 has no signature."""
    plan = make_plan_in(PlanState.APPROVED, salesperson)
    plan = services.plan_reopen(plan=plan, actor=salesperson)
    plan = services.plan_submit(plan=plan, actor=salesperson)
    return force_state(plan, PlanState.APPROVED)


UNSIGNED_PLANS = {
    "draft": _plan_draft,
    "in review": _plan_in_review,
    "rejected": _plan_rejected,
    "forced approved, never submitted": _plan_forced_approved_never_submitted,
    "forced approved, unsigned": _plan_forced_approved_unsigned,
    "forced approved, new version unsigned": _plan_forced_approved_new_version_unsigned,
}


@pytest.fixture(params=list(UNSIGNED_PLANS), ids=list(UNSIGNED_PLANS))
def unsigned_plan(request, salesperson):
    return UNSIGNED_PLANS[request.param](salesperson)


@pytest.mark.parametrize("persona", ["salesperson", "manager"])
def test_sending_a_plan_without_its_review_is_refused(request, client_for, unsigned_plan, persona):
    before = snapshot(unsigned_plan)

    response = client_for(request.getfixturevalue(persona)).post(plan_act(unsigned_plan, "send"))

    assert response.status_code == 302
    assert response.url == plan_url("plan", unsigned_plan)
    assert messages_of(response) == [PLAN_REFUSAL]
    assert snapshot(unsigned_plan) == before
    assert unsigned_plan.submitted_to_customer_at is None


@pytest.mark.parametrize("persona", ["salesperson", "manager", "director"])
def test_the_final_plan_pdf_is_refused(request, client_for, unsigned_plan, persona):
    response = client_for(request.getfixturevalue(persona)).get(
        plan_url("plan_final_pdf", unsigned_plan)
    )

    assert response.status_code == 302
    assert response.url == plan_url("plan", unsigned_plan)
    assert not response.content.startswith(b"%PDF")
    assert messages_of(response) == [PLAN_REFUSAL]


def test_the_working_plan_pdf_is_marked_unapproved(client_for, salesperson, unsigned_plan):
    response = client_for(salesperson).get(plan_url("plan_pdf", unsigned_plan))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert (
        f"plan-{unsigned_plan.pk}-v{unsigned_plan.version}-UNAPPROVED.pdf"
        in response["Content-Disposition"]
    )


def test_the_plan_print_page_carries_the_watermark(client_for, manager, unsigned_plan):
    response = client_for(manager).get(plan_url("plan_print", unsigned_plan))

    assert response.status_code == 200
    assert text_of(response, "watermark") == WATERMARK_ZH  # the customer's language


def test_the_plan_page_offers_no_way_out(client_for, salesperson, unsigned_plan):
    response = client_for(salesperson).get(plan_url("plan", unsigned_plan))

    assert text_of(response, "invalid") is not None
    assert plan_act(unsigned_plan, "send") not in html(response)
    assert plan_url("plan_final_pdf", unsigned_plan) not in html(response)


@pytest.mark.parametrize("state", [PlanState.APPROVED, PlanState.SUBMITTED, PlanState.ACCEPTED])
def test_a_plan_whose_review_passed_is_released(client_for, salesperson, state):
    plan = make_plan_in(state, salesperson)
    client = client_for(salesperson)

    final = client.get(plan_url("plan_final_pdf", plan))
    working = client.get(plan_url("plan_pdf", plan))
    printed = client.get(plan_url("plan_print", plan))

    assert final.status_code == 200
    assert final["Content-Type"] == "application/pdf"
    assert f'filename="plan-{plan.pk}-v1.pdf"' in final["Content-Disposition"]
    assert "UNAPPROVED" not in working["Content-Disposition"]
    assert text_of(printed, "watermark") is None


def test_a_plan_whose_review_passed_is_sent(client_for, salesperson):
    plan = make_plan_in(PlanState.APPROVED, salesperson)

    response = client_for(salesperson).post(plan_act(plan, "send"))

    assert messages_of(response) == ["Plan submitted to the customer."]
    plan.refresh_from_db()
    assert plan.state == PlanState.SUBMITTED
    assert plan.submitted_to_customer_at is not None


# --- in Chinese -----------------------------------------------------------------------------


def test_the_watermark_speaks_the_documents_language_not_the_readers(client_for, salesperson):
    salesperson.language = "zh-hans"
    salesperson.save(update_fields=["language"])
    plan = make_plan_in(PlanState.IN_REVIEW, salesperson)
    agreement = make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson)
    Customer.objects.filter(pk__in=[plan.customer_id, agreement.customer_id]).update(language="en")
    client = client_for(salesperson)

    for url in (plan_url("plan_print", plan), agreement_url("agreement_print", agreement)):
        response = client.get(url)
        assert response.status_code == 200
        assert text_of(response, "watermark") == WATERMARK
