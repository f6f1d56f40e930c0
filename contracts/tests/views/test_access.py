"""Who may open which contracts URL: every role, outsiders, anonymous visitors, bad ids."""

from datetime import date

import pytest
from django.urls import reverse

from contracts import services
from contracts.models import Agreement, AgreementState, Delegation, Plan, PlanState
from contracts.tests.factories import make_agreement_in, make_plan_in
from contracts.tests.views.helpers import agreement_act, agreement_url, plan_act, plan_url, snapshot
from customers.tests.factories import make_customer
from salescrm.testing.concurrency import with_version
from salescrm.testing.http import assert_sent_to_login, html, messages_of

PLAN_ACTIONS = ["submit", "withdraw", "approve", "reject", "reopen", "send", "accept", "decline",
                "cancel"]  # fmt: skip
AGREEMENT_ACTIONS = ["submit", "withdraw", "approve", "reject", "reopen", "send", "sign", "loi",
                     "cancel"]  # fmt: skip
LISTS = [reverse("contracts:list"), reverse("contracts:plans"), reverse("contracts:agreements")]


def plan_reads(plan) -> list[str]:
    return [
        plan_url("plan", plan),
        plan_url("plan_version", plan, number=1),
        plan_url("plan_print", plan),
        plan_url("plan_pdf", plan),
        plan_url("plan_final_pdf", plan),
    ]


def agreement_reads(agreement) -> list[str]:
    return [
        agreement_url("agreement", agreement),
        agreement_url("agreement_print", agreement),
        agreement_url("agreement_pdf", agreement),
        agreement_url("agreement_final_pdf", agreement),
    ]


def gets(plan, agreement) -> list[str]:
    """Every GET URL of one plan and one agreement."""
    return [
        *plan_reads(plan),
        plan_url("plan_edit", plan),
        *agreement_reads(agreement),
        agreement_url("agreement_edit", agreement),
        agreement_url("agreement_line", agreement),
    ]


def posts(plan, agreement) -> list[str]:
    """Every POST URL of one plan and one agreement."""
    return [
        *(plan_act(plan, action) for action in PLAN_ACTIONS),
        plan_url("plan_new_agreement", plan),
        plan_url("plan_edit", plan),
        *(agreement_act(agreement, action) for action in AGREEMENT_ACTIONS),
        agreement_url("change_add", agreement),
        agreement_url("agreement_edit", agreement),
        agreement_url("agreement_preview", agreement),
    ]


POST_DATA = {"comment": "Fine", "feedback": "Too dear", "reason": "x", "signed_on": "2026-03-11",
             "kind": "revision", "description": "New artwork", "title": "Changed"}  # fmt: skip


@pytest.fixture
def documents(salesperson, director):
    """A plan in review and an agreement waiting for the manager, of `salesperson`."""
    plan = make_plan_in(PlanState.IN_REVIEW, salesperson)
    agreement = make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson)
    return plan, agreement


@pytest.fixture
def valid_documents(salesperson, director):
    """A plan whose review passed and an approved agreement, of `salesperson`."""
    plan = make_plan_in(PlanState.APPROVED, salesperson)
    agreement = make_agreement_in(AgreementState.APPROVED, salesperson)
    return plan, agreement


# --- anonymous ------------------------------------------------------------------------------


def test_every_contracts_url_sends_anonymous_visitors_to_login(client, documents):
    plan, agreement = documents
    customer_pk = plan.customer_id
    for url in [
        *LISTS,
        *gets(plan, agreement),
        reverse("contracts:plan_create", kwargs={"customer_pk": customer_pk}),
        reverse("contracts:delegations"),
    ]:
        assert_sent_to_login(client.get(url))
    before = snapshot(plan), snapshot(agreement)
    for url in [
        *posts(plan, agreement),
        reverse("contracts:plan_create", kwargs={"customer_pk": customer_pk}),
        reverse("contracts:delegations"),
        reverse("contracts:delegation_revoke", kwargs={"pk": 1}),
    ]:
        assert_sent_to_login(client.post(url, POST_DATA))
    assert (snapshot(plan), snapshot(agreement)) == before


# --- roles without contracts ------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["front_desk", "admin_user"])
def test_the_front_desk_and_the_admin_get_404_everywhere(
    request, client_for, documents, manager, director, persona
):
    plan, agreement = documents
    client = client_for(request.getfixturevalue(persona))
    before = snapshot(plan), snapshot(agreement)

    for url in [
        *LISTS,
        *gets(plan, agreement),
        reverse("contracts:plan_create", kwargs={"customer_pk": plan.customer_id}),
        reverse("contracts:delegations"),
    ]:
        assert client.get(url).status_code == 404, url
    for url in posts(plan, agreement):
        assert client.post(url, POST_DATA).status_code == 404, url
    delegation = services.delegation_create(
        delegator=manager, delegate=director, valid_from=date(2026, 3, 11),
        valid_until=date(2026, 3, 12), actor=manager,
    )  # fmt: skip
    assert client.post(reverse("contracts:delegations"), POST_DATA).status_code == 404
    revoke = reverse("contracts:delegation_revoke", kwargs={"pk": delegation.pk})
    assert client.post(revoke).status_code == 404

    assert (snapshot(plan), snapshot(agreement)) == before
    assert (Plan.objects.count(), Agreement.objects.count()) == (2, 1)
    assert Delegation.objects.get().revoked_at is None


# --- outsiders to the team's documents --------------------------------------------------------


@pytest.mark.parametrize("outsider", ["teammate", "other_salesperson", "other_manager"])
def test_outsiders_get_404_on_every_url_of_the_teams_documents(
    request, client_for, documents, outsider
):
    plan, agreement = documents
    client = client_for(request.getfixturevalue(outsider))
    before = snapshot(plan), snapshot(agreement)

    refused = [url for url in gets(plan, agreement) if client.get(url).status_code != 404]
    refused += [
        url for url in posts(plan, agreement) if client.post(url, POST_DATA).status_code != 404
    ]

    assert refused == []
    assert (snapshot(plan), snapshot(agreement)) == before


@pytest.mark.parametrize("outsider", ["teammate", "other_salesperson", "other_manager"])
def test_outsiders_do_not_find_the_teams_documents_in_their_lists(
    request, client_for, documents, outsider
):
    _plan, agreement = documents
    client = client_for(request.getfixturevalue(outsider))

    assert list(client.get(reverse("contracts:plans")).context["page"].object_list) == []
    assert list(client.get(reverse("contracts:agreements")).context["page"].object_list) == []
    overview = client.get(reverse("contracts:list"))
    assert list(overview.context["plans_to_review"]) == []
    assert list(overview.context["agreements_to_approve"]) == []
    for page in (overview, client.get(reverse("contracts:agreements"))):
        assert agreement.number not in html(page)


def test_a_teammate_may_not_draft_a_plan_for_a_colleagues_customer(
    client_for, teammate, salesperson
):
    customer = make_customer(salesperson)
    url = reverse("contracts:plan_create", kwargs={"customer_pk": customer.pk})
    client = client_for(teammate)

    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "Mine now"}).status_code == 404
    assert not Plan.objects.exists()


@pytest.mark.parametrize("persona", ["manager", "director"])
def test_managers_and_the_director_do_not_draft_plans(request, client_for, customer, persona):
    url = reverse("contracts:plan_create", kwargs={"customer_pk": customer.pk})
    client = client_for(request.getfixturevalue(persona))

    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "Theirs"}).status_code == 404
    assert not Plan.objects.exists()


# --- readers --------------------------------------------------------------------------------


def _read_all(client, plan, agreement):
    """GET every read URL; the pages must render and the PDFs be PDFs."""
    for url in [*plan_reads(plan), *agreement_reads(agreement)]:
        response = client.get(url)
        assert response.status_code == 200, url
        if url.endswith("pdf") or url.endswith("pdf/"):
            assert response["Content-Type"] == "application/pdf", url


@pytest.mark.parametrize("persona", ["salesperson", "manager", "director"])
def test_the_owner_the_manager_and_the_director_open_every_read_url(
    request, client_for, valid_documents, persona
):
    plan, agreement = valid_documents

    _read_all(client_for(request.getfixturevalue(persona)), plan, agreement)


def test_the_director_opens_another_teams_documents(client_for, director, other_salesperson):
    plan = make_plan_in(PlanState.APPROVED, other_salesperson)
    agreement = make_agreement_in(AgreementState.APPROVED, other_salesperson)

    _read_all(client_for(director), plan, agreement)


@pytest.mark.parametrize("persona", ["manager", "director"])
def test_managers_and_the_director_may_not_open_the_edit_pages(
    request, client_for, salesperson, persona
):
    plan = make_plan_in(PlanState.DRAFT, salesperson)
    agreement = make_agreement_in(AgreementState.DRAFT, salesperson)
    client = client_for(request.getfixturevalue(persona))
    before = snapshot(plan), snapshot(agreement)

    assert client.get(plan_url("plan_edit", plan)).status_code == 404
    assert (
        client.post(
            plan_url("plan_edit", plan), with_version(plan, {"title": "Theirs"})
        ).status_code
        == 404
    )
    assert client.get(agreement_url("agreement_edit", agreement)).status_code == 404
    assert (
        client.post(
            agreement_url("agreement_edit", agreement), with_version(agreement, POST_DATA)
        ).status_code
        == 404
    )
    assert (snapshot(plan), snapshot(agreement)) == before


def test_the_director_reads_but_does_not_act_as_a_seller(client_for, director, salesperson):
    plan = make_plan_in(PlanState.APPROVED, salesperson)
    agreement = make_agreement_in(AgreementState.APPROVED, salesperson)
    signed = make_agreement_in(AgreementState.SIGNED, salesperson)
    client = client_for(director)
    before = snapshot(plan), snapshot(agreement), snapshot(signed)

    for action in ["submit", "withdraw", "reopen", "send", "accept", "decline", "cancel"]:
        assert client.post(plan_act(plan, action), POST_DATA).status_code == 404, action
    assert client.post(plan_url("plan_new_agreement", plan)).status_code == 404
    for action in ["submit", "withdraw", "reopen", "send", "sign", "loi", "cancel"]:
        assert client.post(agreement_act(agreement, action), POST_DATA).status_code == 404, action
    assert client.post(agreement_url("change_add", signed), POST_DATA).status_code == 404

    assert (snapshot(plan), snapshot(agreement), snapshot(signed)) == before
    page = html(client.get(agreement_url("agreement", agreement)))
    assert agreement_act(agreement, "send") not in page
    assert agreement_act(agreement, "cancel") not in page
    assert agreement_act(agreement, "loi") not in page
    assert agreement_url("agreement_edit", agreement) not in page
    assert agreement_url("change_add", signed) not in html(
        client.get(agreement_url("agreement", signed))
    )


def test_the_director_cannot_pass_a_plan_review_meant_for_the_manager(
    client_for, director, salesperson
):
    plan = make_plan_in(PlanState.IN_REVIEW, salesperson)
    before = snapshot(plan)

    response = client_for(director).post(plan_act(plan, "approve"))

    assert response.status_code == 302
    assert messages_of(response) == ["You may not make this change to the plan."]
    assert snapshot(plan) == before


def test_the_director_cannot_approve_for_the_manager(client_for, director, salesperson):
    agreement = make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson, major=True)
    before = snapshot(agreement)

    response = client_for(director).post(agreement_act(agreement, "approve"))

    assert response.status_code == 302
    assert messages_of(response) == ["You may not make this change to the agreement."]
    assert snapshot(agreement) == before


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_a_salesperson_has_no_approve_or_reject(client_for, salesperson, action):
    plan = make_plan_in(PlanState.IN_REVIEW, salesperson)
    agreement = make_agreement_in(AgreementState.MANAGER_REVIEW, salesperson)
    client = client_for(salesperson)
    before = snapshot(plan), snapshot(agreement)

    assert client.post(plan_act(plan, action), {"comment": "ok"}).status_code == 404
    assert client.post(agreement_act(agreement, action), {"comment": "ok"}).status_code == 404
    assert (snapshot(plan), snapshot(agreement)) == before


@pytest.mark.parametrize("persona", ["salesperson", "manager", "director"])
def test_the_lists_open_for_every_reader(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))

    for url in LISTS:
        assert client.get(url).status_code == 200, url


def test_the_delegations_page_is_for_managers_and_the_director_only(
    client_for, salesperson, manager, director
):
    url = reverse("contracts:delegations")

    assert client_for(salesperson).get(url).status_code == 404
    assert client_for(salesperson).post(url, {}).status_code == 404
    assert client_for(manager).get(url).status_code == 200
    assert client_for(director).get(url).status_code == 200


# --- bad ids, methods, slugs ----------------------------------------------------------------


class _Missing:
    pk = 999_999


@pytest.mark.parametrize("persona", ["salesperson", "manager", "director"])
def test_ids_that_do_not_exist_are_404(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    missing = _Missing()

    for url in gets(missing, missing):
        assert client.get(url).status_code == 404, url
    for url in posts(missing, missing):
        assert client.post(url, POST_DATA).status_code == 404, url
    assert (
        client.get(reverse("contracts:plan_create", kwargs={"customer_pk": 999_999})).status_code
        == 404
    )
    assert (
        client.post(reverse("contracts:delegation_revoke", kwargs={"pk": 999_999})).status_code
        == 404
    )


def test_a_version_that_does_not_exist_is_404(client_for, salesperson):
    plan = make_plan_in(PlanState.IN_REVIEW, salesperson)
    client = client_for(salesperson)

    assert client.get(plan_url("plan_version", plan, number=1)).status_code == 200
    assert client.get(plan_url("plan_version", plan, number=2)).status_code == 404
    assert client.get(plan_url("plan_version", plan, number=0)).status_code == 404


def test_ids_that_are_not_numbers_are_404(client_for, director):
    client = client_for(director)

    for url in [
        "/contracts/plans/abc/",
        "/contracts/agreements/1x/",
        "/contracts/plans/1/versions/v1/",
    ]:
        assert client.get(url).status_code == 404, url


def test_post_only_urls_refuse_get(client_for, salesperson, manager, documents):
    plan, agreement = documents
    before = snapshot(plan), snapshot(agreement)
    delegation_revoke = reverse("contracts:delegation_revoke", kwargs={"pk": 1})

    for client in (client_for(salesperson), client_for(manager)):
        for url in [
            *(plan_act(plan, action) for action in PLAN_ACTIONS),
            plan_url("plan_new_agreement", plan),
            *(agreement_act(agreement, action) for action in AGREEMENT_ACTIONS),
            agreement_url("change_add", agreement),
            delegation_revoke,
        ]:
            assert client.get(url).status_code == 405, url
    assert (snapshot(plan), snapshot(agreement)) == before


def test_read_only_urls_refuse_post(client_for, manager, documents):
    plan, agreement = documents
    client = client_for(manager)

    for url in [*LISTS, *plan_reads(plan), *agreement_reads(agreement)]:
        assert client.post(url).status_code == 405, url


@pytest.mark.parametrize("slug", ["bogus", "delete", "approve-all", "sign_now"])
def test_an_unknown_action_is_404(client_for, manager, salesperson, documents, slug):
    plan, agreement = documents
    before = snapshot(plan), snapshot(agreement)

    for client in (client_for(salesperson), client_for(manager)):
        assert client.post(plan_act(plan, slug), POST_DATA).status_code == 404
        assert client.post(agreement_act(agreement, slug), POST_DATA).status_code == 404
    assert (snapshot(plan), snapshot(agreement)) == before
    assert Agreement.objects.count() == 1
