"""The overview page: what waits for me (managers, the director), my documents by state;
and the pages in Chinese."""

import pytest
from django.conf import settings
from django.urls import reverse

from contracts.models import AgreementState, PlanState
from contracts.tests.factories import a_line, make_agreement_in, make_plan_in, make_product
from contracts.tests.views.helpers import agreement_url, plan_url
from salescrm.testing.http import html, shown, text_of

OVERVIEW = reverse("contracts:list")


def counts(response, key) -> dict:
    return {value: count for value, _label, count in response.context[key]}


def test_the_manager_sees_what_waits_for_them_in_their_team_only(
    client_for, manager, salesperson, teammate, other_salesperson, director
):
    mine = make_plan_in(PlanState.IN_REVIEW, salesperson, title="Our spring plan")
    teammates = make_plan_in(PlanState.IN_REVIEW, teammate, title="Teammate plan")
    make_plan_in(PlanState.DRAFT, salesperson, title="Still a draft")
    make_plan_in(PlanState.IN_REVIEW, other_salesperson, title="Southern plan")
    waiting = make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson)
    make_agreement_in(AgreementState.MANAGER_REVIEW, other_salesperson)
    make_agreement_in(AgreementState.DIRECTOR_REVIEW, teammate, major=True)
    make_agreement_in(AgreementState.DRAFT, salesperson)

    response = client_for(manager).get(OVERVIEW)

    assert response.status_code == 200
    assert set(response.context["plans_to_review"]) == {mine, teammates}
    assert list(response.context["agreements_to_approve"]) == [waiting]
    page = html(response)
    assert page.count('data-testid="plan-to-review"') == 2
    assert page.count('data-testid="agreement-to-approve"') == 1
    assert text_of(response, "review-count") == "2"
    assert text_of(response, "approval-count") == "1"
    assert "Our spring plan" in page
    assert "Teammate plan" in page
    assert "Still a draft" not in page
    assert "Southern plan" not in page
    assert agreement_url("agreement", waiting) in page


def test_the_director_sees_the_major_agreements_waiting_and_why(
    client_for, director, salesperson, other_salesperson
):
    by_discount = make_agreement_in(AgreementState.DIRECTOR_REVIEW, salesperson, major=True)
    by_total = make_agreement_in(
        AgreementState.DIRECTOR_REVIEW,
        other_salesperson,
        lines=[a_line(make_product(list_price="1000.00"), quantity=1000)],
    )
    make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson, major=True)
    make_agreement_in(AgreementState.APPROVED, salesperson, major=True)
    make_plan_in(PlanState.IN_REVIEW, salesperson)

    response = client_for(director).get(OVERVIEW)

    assert list(response.context["agreements_to_approve"]) == [by_discount, by_total]
    assert list(response.context["plans_to_review"]) == []
    page = html(response)
    assert page.count('data-testid="agreement-to-approve"') == 2
    assert page.count('data-testid="major-reasons"') == 2
    assert (
        shown(
            "800.00 against a list price of 1000.00 is 20.00% off, beyond the salesperson's "
            "authority of 10.00%."
        )
        in page
    )
    assert "The total 1000000.00 is above the company threshold of 500000.00." in page


def test_the_salesperson_sees_their_documents_counted_by_state(client_for, salesperson, teammate):
    for state in [PlanState.DRAFT, PlanState.DRAFT, PlanState.IN_REVIEW]:
        make_plan_in(state, salesperson)
    make_agreement_in(AgreementState.SIGNED, salesperson)
    make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson)
    make_plan_in(PlanState.DRAFT, teammate)
    make_agreement_in(AgreementState.DRAFT, teammate)

    response = client_for(salesperson).get(OVERVIEW)

    assert response.status_code == 200
    plans = counts(response, "plan_counts")
    # Each agreement comes from an accepted plan of its own.
    assert plans == {
        "draft": 2, "in_review": 1, "approved": 0, "submitted": 0, "accepted": 2, "cancelled": 0,
    }  # fmt: skip
    agreements = counts(response, "agreement_counts")
    assert agreements == {
        "draft": 0, "manager": 1, "director": 0, "approved": 0, "sent": 0, "signed": 1,
        "cancelled": 0,
    }  # fmt: skip
    assert "Draft 2" in text_of(response, "plan-counts")
    assert "Signed 1" in text_of(response, "agreement-counts")
    assert 'data-testid="review-count"' not in html(response)
    assert 'data-testid="approval-count"' not in html(response)


def test_the_managers_counts_cover_the_team(client_for, manager, salesperson, teammate):
    make_agreement_in(AgreementState.DRAFT, salesperson)
    make_agreement_in(AgreementState.DRAFT, teammate)

    response = client_for(manager).get(OVERVIEW)

    assert counts(response, "agreement_counts")["draft"] == 2


def test_a_state_link_filters_the_list(client_for, salesperson):
    draft = make_plan_in(PlanState.DRAFT, salesperson)
    make_plan_in(PlanState.IN_REVIEW, salesperson)

    overview = html(client_for(salesperson).get(OVERVIEW))
    response = client_for(salesperson).get(reverse("contracts:plans"), {"state": "draft"})

    assert f"{reverse('contracts:plans')}?state=draft" in overview
    assert list(response.context["page"].object_list) == [draft]


def test_an_unknown_state_filter_shows_everything(client_for, salesperson):
    make_plan_in(PlanState.DRAFT, salesperson)
    make_plan_in(PlanState.IN_REVIEW, salesperson)

    response = client_for(salesperson).get(reverse("contracts:plans"), {"state": "nonsense"})

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 2


# --- in Chinese -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["salesperson", "manager", "director"])
def test_the_pages_render_for_a_user_who_chose_chinese(
    request, client_for, salesperson, director, persona
):
    user = request.getfixturevalue(persona)
    user.language = "zh-hans"
    user.save(update_fields=["language"])
    plan = make_plan_in(PlanState.IN_REVIEW, salesperson)
    agreement = make_agreement_in(AgreementState.DIRECTOR_REVIEW, salesperson, major=True)
    client = client_for(user)

    for url in [
        OVERVIEW,
        reverse("contracts:plans"),
        reverse("contracts:agreements"),
        plan_url("plan", plan),
        agreement_url("agreement", agreement),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="zh-hans">' in html(response), url


def test_the_overview_follows_the_language_cookie(client_for, director, salesperson):
    make_agreement_in(AgreementState.DIRECTOR_REVIEW, salesperson, major=True)
    client = client_for(director)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = client.get(OVERVIEW)

    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html(response)
    assert 'data-testid="major-reasons"' in html(response)
