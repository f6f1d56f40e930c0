"""The editor's preview (agreement_preview) and the delegation a signature would use
(delegation_in_use)."""

from datetime import timedelta

import pytest

from contracts import rules, services
from contracts.tests.factories import make_product
from contracts.tests.services.helpers import TODAY, A, D, P, delegate


@pytest.fixture
def draft(agreement_in):
    return agreement_in(A.DRAFT)


def test_the_preview_figures_complete_lines_and_numbers_them_as_saving_would(draft):
    spot, box = make_product(list_price="1000.00"), make_product(list_price="200.00")

    preview = services.agreement_preview(
        agreement=draft,
        lines=[
            {"index": 0, "product": spot, "quantity": 2, "agreed_price": D("950.00")},
            {"index": 3, "product": None, "quantity": 1, "agreed_price": D("1.00")},
            {"index": 4, "product": box, "quantity": 5, "agreed_price": D("150.00")},
        ],
    )

    rows = preview["lines"]
    assert [(r["index"], r["position"], r["complete"]) for r in rows] == [
        (0, 1, True), (3, 2, False), (4, 3, True),
    ]  # fmt: skip
    assert (rows[0]["amount"], rows[0]["discount_percent"]) == (D("1900.00"), D("5.00"))
    assert (rows[2]["list_amount"], rows[2]["amount"]) == (D("1000.00"), D("750.00"))
    assert (preview["list_total"], preview["total"]) == (D("3000.00"), D("2650.00"))
    assert (preview["discount"], preview["discount_percent"]) == (D("350.00"), D("11.67"))
    assert preview["incomplete"] == 1
    # 150.00 is 25 % off, beyond the salesperson's 10 %: line 3 as it would be saved.
    assert [r["beyond_authority"] for r in rows] == [False, False, True]
    assert len(preview["major"]) == 1
    assert preview["major"][0].startswith("Line 3 (")


def test_the_preview_judges_as_the_submission_does(salesperson, manager, director, draft):
    """The same lines, previewed and then submitted: the same reasons."""
    line = draft.lines.get()
    preview = services.agreement_preview(
        agreement=draft,
        lines=[{"product": line.product, "quantity": 10, "agreed_price": D("1.00")}],
    )
    services.agreement_update(
        agreement=draft,
        actor=salesperson,
        data={},
        lines=[
            {
                "product": line.product,
                "period_start": line.period_start,
                "period_end": line.period_end,
                "quantity": 10,
                "agreed_price": D("1.00"),
            }
        ],
    )

    submitted = services.agreement_submit(agreement=draft, actor=salesperson)

    assert submitted.is_major
    assert preview["major"] == [rules.describe(r) for r in submitted.major_reasons]


def test_no_lines_no_figures(draft):
    preview = services.agreement_preview(agreement=draft, lines=[])

    assert (preview["total"], preview["major"], preview["lines"]) == (D("0.00"), [], [])


# --- which delegation a signature would use ---------------------------------------------------


def test_a_delegate_is_told_the_delegation_they_would_sign_under(agreement_in, manager, deputy):
    agreement = agreement_in(A.MANAGER_REVIEW)

    used = services.delegation_in_use(deputy, agreement, on=TODAY)

    assert (used.delegator, used.delegate) == (manager, deputy)


def test_who_signs_in_their_own_right_uses_no_delegation(agreement_in, manager, deputy):
    agreement = agreement_in(A.MANAGER_REVIEW)

    assert services.delegation_in_use(manager, agreement, on=TODAY) is None


@pytest.mark.parametrize("state", [A.DRAFT, A.APPROVED])
def test_nothing_to_sign_no_delegation(agreement_in, deputy, state):
    agreement = agreement_in(state)

    assert services.delegation_in_use(deputy, agreement, on=TODAY) is None


def test_the_plans_review_is_signed_under_the_delegation_too(plan_in, manager, deputy):
    plan = plan_in(P.IN_REVIEW)

    used = services.delegation_in_use(deputy, plan, on=TODAY)

    assert used.delegator == manager


def test_the_delegation_is_the_one_the_signature_records(agreement_in, director, director_deputy):
    agreement = agreement_in(A.DIRECTOR_REVIEW, major=True)
    shown = services.delegation_in_use(director_deputy, agreement, on=TODAY)

    services.agreement_decide(agreement=agreement, actor=director_deputy, approve=True)

    signature = agreement.signatures.get(step="director")
    assert (signature.delegation, signature.on_behalf_of) == (shown, director)


def test_a_delegation_not_yet_begun_is_not_used(agreement_in, manager, other_manager):
    agreement = agreement_in(A.MANAGER_REVIEW)
    delegate(manager, other_manager, valid_from=TODAY + timedelta(days=1))

    assert services.delegation_in_use(other_manager, agreement, on=TODAY) is None
    assert services.delegation_in_use(other_manager, agreement, on=TODAY + timedelta(days=1))
