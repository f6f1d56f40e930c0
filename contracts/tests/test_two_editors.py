"""Two editors of one plan or agreement (two tabs, or two people): the older form is refused.

The mechanism is salescrm.concurrency; these tests hold it to the plan (广告推广方案) and the
agreement (广告销售服务协议) drafts, through the services and the edit pages.
"""

import pytest
from django.urls import reverse

from contracts import services
from contracts.models import Agreement, AgreementLine, AgreementState, Plan, PlanState
from contracts.tests.factories import (
    agreement_terms,
    line,
    make_agreement_in,
    make_plan_in,
    make_product,
    plan_data,
)
from salescrm.concurrency import StaleEdit
from salescrm.testing.concurrency import version_of
from salescrm.testing.http import html


def who(user) -> str:
    return user.get_full_name() or user.get_username()


@pytest.fixture
def product(db):
    return make_product(list_price="1000.00")


@pytest.fixture
def draft(salesperson, product):
    return make_agreement_in(AgreementState.DRAFT, salesperson, lines=[line(product)])


# --- plans ---------------------------------------------------------------------------------------


def test_a_stale_plan_save_is_refused_and_changes_nothing(salesperson):
    plan = make_plan_in(PlanState.DRAFT, salesperson)
    opened = plan.edit_version
    services.plan_update(
        plan=plan, actor=salesperson, data=plan_data(audience="Students"), expected_version=opened
    )

    with pytest.raises(StaleEdit) as refused:
        services.plan_update(
            plan=plan,
            actor=salesperson,
            data=plan_data(schedule="April only"),
            expected_version=opened,
        )

    saved = Plan.objects.get(pk=plan.pk)
    assert (saved.audience, saved.schedule) == ("Students", "March to May")
    assert saved.edit_version == opened + 1
    assert refused.value.changes == {"audience": "Students"}


def test_the_current_plan_version_saves_and_goes_up(salesperson):
    plan = make_plan_in(PlanState.DRAFT, salesperson)
    opened = plan.edit_version

    services.plan_update(
        plan=plan, actor=salesperson, data=plan_data(audience="Students"), expected_version=opened
    )

    saved = Plan.objects.get(pk=plan.pk)
    # The edit version goes up; the plan's revision number (its versions for review) does not.
    assert (saved.audience, saved.edit_version, saved.version) == ("Students", opened + 1, 0)


def plan_form(**fields) -> dict:
    data = {key: "" if value is None else str(value) for key, value in plan_data().items()}
    data.update(fields)
    return data


def test_an_older_plan_form_keeps_its_text_and_shows_the_other_tabs(client_for, salesperson):
    plan = make_plan_in(PlanState.DRAFT, salesperson)
    url = reverse("contracts:plan_edit", kwargs={"pk": plan.pk})
    client = client_for(salesperson)
    opened = version_of(plan)
    assert (
        client.post(url, {**plan_form(audience="Students"), "edit_version": opened}).status_code
        == 302
    )

    stale = client.post(url, {**plan_form(schedule="April only"), "edit_version": opened})

    assert stale.status_code == 409
    page = html(stale)
    assert "April only" in page
    assert f"Saved meanwhile by {who(salesperson)}: Students" in page
    assert f'name="edit_version" value="{opened + 1}"' in page
    assert Plan.objects.get(pk=plan.pk).schedule == "March to May"


# --- agreements ----------------------------------------------------------------------------------


def test_a_stale_agreement_save_is_refused_and_changes_nothing(salesperson, draft, product):
    opened = draft.edit_version
    services.agreement_update(
        agreement=draft,
        actor=salesperson,
        data=agreement_terms(notes="Prime time only"),
        lines=[line(product, quantity=5)],
        expected_version=opened,
    )

    with pytest.raises(StaleEdit) as refused:
        services.agreement_update(
            agreement=draft,
            actor=salesperson,
            data=agreement_terms(payment_terms="All on signing"),
            lines=[line(product, quantity=20)],
            expected_version=opened,
        )

    saved = Agreement.objects.get(pk=draft.pk)
    assert (saved.notes, saved.payment_terms) == (
        "Prime time only",
        agreement_terms()["payment_terms"],
    )
    assert saved.edit_version == opened + 1
    assert list(
        AgreementLine.objects.filter(agreement=draft).values_list("quantity", flat=True)
    ) == [5]
    assert refused.value.changes == {"notes": "Prime time only"}


def test_the_current_agreement_version_saves_and_goes_up(salesperson, draft, product):
    opened = draft.edit_version

    services.agreement_update(
        agreement=draft,
        actor=salesperson,
        data=agreement_terms(notes="Prime time only"),
        lines=[line(product)],
        expected_version=opened,
    )

    saved = Agreement.objects.get(pk=draft.pk)
    assert (saved.notes, saved.edit_version) == ("Prime time only", opened + 1)


def agreement_form(product, **terms) -> dict:
    data = {k: "" if v is None else str(v) for k, v in agreement_terms(**terms).items()}
    data.update({
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "1", "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "50", "lines-0-product": str(product.pk),
        "lines-0-description": "", "lines-0-period_start": "2027-03-01",
        "lines-0-period_end": "2027-03-31", "lines-0-quantity": "10",
        "lines-0-agreed_price": str(product.list_price),
    })  # fmt: skip
    return data


def test_an_older_agreement_editor_keeps_its_text_and_shows_the_other_tabs(
    client_for, salesperson, draft, product
):
    url = reverse("contracts:agreement_edit", kwargs={"pk": draft.pk})
    client = client_for(salesperson)
    opened = version_of(draft)
    first = client.post(
        url, {**agreement_form(product, notes="Prime time only"), "edit_version": opened}
    )
    assert first.status_code == 302

    stale = client.post(
        url, {**agreement_form(product, payment_terms="All on signing"), "edit_version": opened}
    )

    assert stale.status_code == 409
    page = html(stale)
    assert "All on signing" in page
    assert f"Saved meanwhile by {who(salesperson)}: Prime time only" in page
    assert f'name="edit_version" value="{opened + 1}"' in page
    assert Agreement.objects.get(pk=draft.pk).payment_terms == agreement_terms()["payment_terms"]
