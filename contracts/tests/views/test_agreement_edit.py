"""Editing a draft agreement: its terms and its lines (a formset), and bad input."""

from decimal import Decimal

import pytest

from contracts.models import AgreementLine, AgreementState, Product
from contracts.tests.factories import (
    accepted_agreement,
    agreement_terms,
    make_agreement_in,
    make_product,
)
from contracts.tests.views.helpers import agreement_url, snapshot
from salescrm.testing.concurrency import with_version
from salescrm.testing.http import html, messages_of, text_of


def a_row(item, **fields) -> dict:
    """One line as the form posts it: `item` (a product) at list price unless said otherwise."""
    row = {
        "product": str(item.pk),
        "description": "",
        "period_start": "2027-03-01",
        "period_end": "2027-03-31",
        "quantity": "10",
        "agreed_price": str(item.list_price),
    }
    row.update(fields)
    return row


def edit_data(rows, *, initial=0, blank=2, management=True, **terms) -> dict:
    """What the edit page posts: the terms, the management form and one block per line."""
    data = {
        key: "" if value is None else str(value) for key, value in agreement_terms(**terms).items()
    }
    if management:
        data.update(
            {
                "lines-TOTAL_FORMS": str(len(rows) + blank),
                "lines-INITIAL_FORMS": str(initial),
                "lines-MIN_NUM_FORMS": "0",
                "lines-MAX_NUM_FORMS": "50",
            }
        )
    for index, row in enumerate(rows):
        data.update({f"lines-{index}-{key}": value for key, value in row.items()})
    return data


def lines_of(agreement) -> list[tuple]:
    return list(
        AgreementLine.objects.filter(agreement=agreement)
        .order_by("position")
        .values_list("position", "product_id", "quantity", "agreed_price", "list_price")
    )


@pytest.fixture
def draft(salesperson, product):
    """A draft agreement with one line of `product` at list price."""
    return make_agreement_in(
        AgreementState.DRAFT,
        salesperson,
        lines=[
            {
                "product": product,
                "description": "",
                "period_start": agreement_terms()["period_start"],
                "period_end": agreement_terms()["period_end"],
                "quantity": 10,
                "agreed_price": product.list_price,
            }
        ],
    )


def edit(agreement) -> str:
    return agreement_url("agreement_edit", agreement)


def test_the_edit_page_shows_the_lines_and_room_for_more(client_for, salesperson, draft):
    response = client_for(salesperson).get(edit(draft))

    assert response.status_code == 200
    assert len(response.context["lines"].forms) == 2  # the line and an empty one; more on demand
    assert html(response).count('data-testid="line"') == 2


def test_the_owner_saves_terms_and_lines(client_for, salesperson, draft, product):
    other = make_product(list_price="250.00")

    response = client_for(salesperson).post(
        edit(draft),
        with_version(
            draft,
            edit_data(
                [a_row(product, quantity="4", agreed_price="950.00"), a_row(other, quantity="2")],
                title="Summer agreement",
                free_changes=1,
            ),
        ),
    )

    assert response.status_code == 302
    assert response.url == agreement_url("agreement", draft)
    assert messages_of(response) == ["Agreement saved."]
    draft.refresh_from_db()
    assert (draft.title, draft.free_changes) == ("Summer agreement", 1)
    assert lines_of(draft) == [
        (1, product.pk, 4, Decimal("950.00"), Decimal("1000.00")),
        (2, other.pk, 2, Decimal("250.00"), Decimal("250.00")),
    ]
    assert (draft.list_total, draft.total) == (Decimal("4500.00"), Decimal("4300.00"))


def test_changing_only_the_terms_keeps_the_lines(client_for, salesperson, draft, product):
    """The browser posts the existing line back unchanged; it must not be lost or refused."""
    before = lines_of(draft)

    response = client_for(salesperson).post(
        edit(draft),
        with_version(draft, edit_data([a_row(product, period_end="2027-05-31")], initial=1,
                                      title="Only the title changed")),
    )  # fmt: skip

    assert response.status_code == 302, text_of(response, "line")
    assert messages_of(response) == ["Agreement saved."]
    draft.refresh_from_db()
    assert draft.title == "Only the title changed"
    assert lines_of(draft) == before


def test_a_line_is_removed_with_its_delete_box(client_for, salesperson, draft, product):
    other = make_product(list_price="300.00")
    client = client_for(salesperson)
    client.post(
        edit(draft), with_version(draft, edit_data([a_row(product), a_row(other)])), follow=True
    )

    response = client.post(
        edit(draft),
        with_version(draft, edit_data([a_row(product, DELETE="on"), a_row(other)], initial=2)),
    )

    assert messages_of(response) == ["Agreement saved."]
    assert [line[1] for line in lines_of(draft)] == [other.pk]


def test_a_major_line_is_flagged_on_the_page(client_for, salesperson, draft, product):
    client = client_for(salesperson)

    client.post(
        edit(draft),
        with_version(draft, edit_data([a_row(product, agreed_price="800.00")])),
        follow=True,
    )
    response = client.get(agreement_url("agreement", draft))

    reasons = text_of(response, "major")
    assert "800.00" in reasons
    assert "beyond the salesperson's authority of 10.00%" in reasons


BAD_INPUT = {
    "line ends before it starts": (
        lambda p: edit_data([a_row(p, period_start="2027-04-01", period_end="2027-03-01")]),
        "The period must end on or after its first day.",
    ),
    "the line emptied": (
        lambda p: edit_data([{key: "" for key in a_row(p)}], initial=1),
        "This field is required.",
    ),
    "only a deleted line": (
        lambda p: edit_data([a_row(p, DELETE="on")], initial=1),
        "Add at least one line.",
    ),
    "negative price": (
        lambda p: edit_data([a_row(p, agreed_price="-1.00")]),
        "Ensure this value is greater than or equal to 0.",
    ),
    "price not a number": (
        lambda p: edit_data([a_row(p, agreed_price="cheap")]),
        "Enter a number.",
    ),
    "no quantity": (
        lambda p: edit_data([a_row(p, quantity="0")]),
        "Ensure this value is greater than or equal to 1.",
    ),
    "a product that does not exist": (
        lambda p: edit_data([a_row(p, product="999999")]),
        "That product is no longer on the price list.",
    ),
    "agreement ends before it starts": (
        lambda p: edit_data([a_row(p)], period_start="2027-05-01", period_end="2027-04-01"),
        "The agreement must end on or after its first day.",
    ),
    "negative fee": (
        lambda p: edit_data([a_row(p)], fee_per_change="-5"),
        "Ensure this value is greater than or equal to 0.",
    ),
    "no title": (lambda p: edit_data([a_row(p)], title=""), "This field is required."),
    "a total beyond the money columns": (
        lambda p: edit_data([a_row(p, quantity="1000000", agreed_price="999999999.99")]),
        "The total is too large for one agreement.",
    ),
    "no management form": (
        lambda p: edit_data([a_row(p)], management=False),
        "(Hidden field TOTAL_FORMS) This field is required.",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_is_explained_and_nothing_changes(client_for, salesperson, draft, product, case):
    build, error = BAD_INPUT[case]
    before, lines = snapshot(draft), lines_of(draft)

    response = client_for(salesperson).post(edit(draft), with_version(draft, build(product)))

    assert response.status_code == 200
    assert error in html(response).replace("&#x27;", "'")
    assert snapshot(draft) == before
    assert lines_of(draft) == lines


def test_an_agreement_without_lines_is_not_saved(client_for, salesperson, manager):
    fresh = accepted_agreement(salesperson, manager)
    before = snapshot(fresh)

    response = client_for(salesperson).post(
        edit(fresh), with_version(fresh, edit_data([], title="No lines"))
    )

    assert response.status_code == 200
    assert "Add at least one line." in html(response)
    assert snapshot(fresh) == before
    assert lines_of(fresh) == []


def test_a_product_taken_off_the_price_list_is_refused_clearly(
    client_for, salesperson, draft, product
):
    Product.objects.filter(pk=product.pk).update(active=False)
    before, lines = snapshot(draft), lines_of(draft)

    response = client_for(salesperson).post(
        edit(draft), with_version(draft, edit_data([a_row(product)], initial=1))
    )

    assert response.status_code == 200
    assert "That product is no longer on the price list." in html(response)
    assert snapshot(draft) == before
    assert lines_of(draft) == lines


@pytest.mark.parametrize(
    "state", [AgreementState.MANAGER_REVIEW, AgreementState.APPROVED, AgreementState.SIGNED]
)
def test_only_a_draft_is_edited(client_for, salesperson, product, state):
    agreement = make_agreement_in(state, salesperson)
    before, lines = snapshot(agreement), lines_of(agreement)

    shown = client_for(salesperson).get(edit(agreement))
    posted = client_for(salesperson).post(
        edit(agreement), with_version(agreement, edit_data([a_row(product)]))
    )

    for response in (shown, posted):
        assert response.status_code == 302
        assert response.url == agreement_url("agreement", agreement)
        assert messages_of(response) == ["Only a draft agreement can be changed."]
    assert snapshot(agreement) == before
    assert lines_of(agreement) == lines
