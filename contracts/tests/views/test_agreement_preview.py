"""The live agreement editor: the preview of figures and of rule 4.3 while typing, the new
empty line, the searchable price list. The preview is figured and judged by the services
that save and submit, and changes nothing."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts import rules, services
from contracts.forms import LineFormSet
from contracts.models import AgreementLine, AgreementState
from contracts.tests.factories import agreement_terms, make_agreement_in, make_product
from contracts.tests.views.helpers import agreement_url, snapshot
from contracts.tests.views.test_agreement_edit import a_row, edit, edit_data, lines_of
from salescrm import selectors as salescrm_selectors
from salescrm.testing.concurrency import with_version
from salescrm.testing.http import assert_sent_to_login, html, text_of


@pytest.fixture
def draft(salesperson, product):
    """A draft agreement with one line of `product` (1000.00) at list price, 10 spots."""
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


def preview_url(agreement) -> str:
    return agreement_url("agreement_preview", agreement)


def line_url(agreement) -> str:
    return agreement_url("agreement_line", agreement)


def figures(response, index: int) -> str:
    """The text the preview sends for line `index` (out of band, into that line)."""
    page = html(response)
    start = page.index(f'id="line-figures-{index}"')
    return page[start : page.index("</div>", start)]


def legend(response, index: int) -> str:
    page = html(response)
    start = page.index(f'id="line-legend-{index}"')
    return page[page.index(">", start) + 1 : page.index("</legend>", start)]


# --- figures ---------------------------------------------------------------------------------


def test_the_preview_figures_each_line_and_the_totals_as_typed(
    client_for, salesperson, draft, product
):
    other = make_product(list_price="250.00", name="Metro light box")

    response = client_for(salesperson).post(
        preview_url(draft),
        edit_data(
            [a_row(product, quantity="4", agreed_price="950.00"), a_row(other, quantity="2")]
        ),
    )

    assert response.status_code == 200
    assert text_of(response, "preview-list-total") == "4500.00"
    assert text_of(response, "preview-discount") == "200.00 (4.44%)"
    assert text_of(response, "preview-total") == "4300.00"
    assert "Within your authority of 10.00% off" in text_of(response, "preview-within")
    assert "3800.00" in figures(response, 0)
    assert "5.00% off" in figures(response, 0)
    assert "Metro light box" in figures(response, 1)
    assert "500.00" in figures(response, 1)
    assert "% off" not in figures(response, 1)
    assert 'hx-swap-oob="true"' in html(response)


def test_a_price_beyond_the_authority_shows_the_directors_approval_before_saving(
    client_for, salesperson, manager, director, draft, product
):
    """The preview says what the submission will decide, in the same words."""
    data = edit_data([a_row(product, quantity="10", agreed_price="850.00")])
    client = client_for(salesperson)

    response = client.post(preview_url(draft), data)

    warning = text_of(response, "preview-major")
    assert "The marketing director must approve this agreement after the manager" in warning
    assert "Line 1" in warning
    assert "is 15.00% off, beyond the salesperson's authority of 10.00%" in warning
    assert "beyond your authority" in figures(response, 0)
    client.post(edit(draft), with_version(draft, data))
    submitted = services.agreement_submit(agreement=draft, actor=salesperson)
    assert response.context["preview"]["major"] == [
        rules.describe(reason) for reason in submitted.major_reasons
    ]


def test_exactly_at_the_authority_needs_no_director(client_for, salesperson, draft, product):
    response = client_for(salesperson).post(
        preview_url(draft), edit_data([a_row(product, agreed_price="900.00")])
    )

    assert 'data-testid="preview-major"' not in html(response)
    assert "Within your authority" in text_of(response, "preview-within")
    assert "beyond your authority" not in figures(response, 0)


def test_a_total_above_the_company_threshold_is_major(client_for, salesperson, draft, product):
    policy = salescrm_selectors.policy()
    policy.major_agreement_threshold = Decimal("5000.00")
    policy.save()

    response = client_for(salesperson).post(
        preview_url(draft), edit_data([a_row(product, quantity="6")])
    )

    assert "The total 6000.00 is above the company threshold of 5000.00." in text_of(
        response, "preview-major"
    )


def test_a_removed_line_is_not_counted_and_the_others_are_renumbered(
    client_for, salesperson, draft, product
):
    cheap = make_product(list_price="100.00")

    response = client_for(salesperson).post(
        preview_url(draft),
        edit_data(
            [a_row(product, agreed_price="500.00", DELETE="on"), a_row(cheap, quantity="3")],
            initial=1,
        ),
    )

    assert text_of(response, "preview-total") == "300.00"
    assert 'data-testid="preview-major"' not in html(response)
    assert legend(response, 0) == "Removed when you save"
    assert legend(response, 1) == "Line 1"


def test_an_unfinished_line_is_named_and_left_out_of_the_totals(
    client_for, salesperson, draft, product
):
    response = client_for(salesperson).post(
        preview_url(draft),
        edit_data([a_row(product, quantity="2"), a_row(product, agreed_price="")]),
    )

    assert text_of(response, "preview-total") == "2000.00"
    assert "1 line is not complete yet" in text_of(response, "preview-incomplete")
    assert "Choose a product" in figures(response, 1)
    assert figures(response, 2).endswith(">")  # the empty extra line: nothing to say


def test_a_total_too_large_for_one_agreement_is_said_at_once(
    client_for, salesperson, draft, product
):
    response = client_for(salesperson).post(
        preview_url(draft),
        edit_data([a_row(product, quantity="1000000", agreed_price="999999999.99")]),
    )

    assert "The total is too large for one agreement." in text_of(response, "preview-too-large")


def test_the_edit_page_opens_with_the_saved_figures(client_for, salesperson, draft, product):
    response = client_for(salesperson).get(edit(draft))

    assert text_of(response, "preview-total") == "10000.00"
    assert "10000.00" in figures(response, 0)
    assert legend(response, 0) == "Line 1"
    assert legend(response, 1) == "New line"
    assert 'hx-swap-oob="true"' not in html(response)
    assert reverse("contracts:agreement_preview", kwargs={"pk": draft.pk}) in html(response)


# --- it changes nothing, and only the owner of a draft uses it --------------------------------


def test_the_preview_changes_nothing(client_for, salesperson, draft, product):
    salescrm_selectors.policy()  # the policy row exists before, as it does in use
    before, lines = snapshot(draft), lines_of(draft)
    histories = AgreementLine.history.count()

    response = client_for(salesperson).post(
        preview_url(draft),
        edit_data([a_row(product, quantity="3", agreed_price="10.00")], title="Another title"),
    )

    assert response.status_code == 200
    assert snapshot(draft) == before
    assert lines_of(draft) == lines
    assert AgreementLine.history.count() == histories


@pytest.mark.parametrize("persona", ["other_salesperson", "teammate", "manager", "front_desk"])
def test_anyone_but_the_salesperson_gets_404(
    request, client_for, draft, product, persona, other_salesperson, teammate, manager, front_desk
):
    client = client_for(request.getfixturevalue(persona))

    preview = client.post(preview_url(draft), edit_data([a_row(product)]))
    line = client.get(line_url(draft), {"lines-TOTAL_FORMS": "3"})

    assert (preview.status_code, line.status_code) == (404, 404)


@pytest.mark.parametrize("state", [AgreementState.MANAGER_REVIEW, AgreementState.APPROVED])
def test_an_agreement_no_longer_a_draft_gets_404(client_for, salesperson, product, state):
    agreement = make_agreement_in(state, salesperson)

    response = client_for(salesperson).post(preview_url(agreement), edit_data([a_row(product)]))

    assert response.status_code == 404


def test_anonymous_is_sent_to_login(client, draft, product):
    assert_sent_to_login(client.post(preview_url(draft), edit_data([a_row(product)])))
    assert_sent_to_login(client.get(line_url(draft), {"lines-TOTAL_FORMS": "3"}))


def test_the_wrong_method_is_refused(client_for, salesperson, draft):
    client = client_for(salesperson)

    assert client.get(preview_url(draft)).status_code == 405
    assert client.post(line_url(draft)).status_code == 405


def test_the_preview_runs_as_many_queries_for_12_lines_as_for_1(
    client_for, salesperson, draft, product
):
    products = [make_product(list_price=f"{100 + n}.00") for n in range(12)]
    client = client_for(salesperson)

    def queries(rows) -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.post(preview_url(draft), edit_data(rows))
        assert response.status_code == 200
        return len(context.captured_queries)

    client.post(preview_url(draft), edit_data([a_row(product)]))  # warm the session
    one = queries([a_row(products[0], agreed_price="1.00")])
    twelve = queries([a_row(item, agreed_price="1.00") for item in products])

    assert one == twelve


# --- lines added without saving -----------------------------------------------------------------


def test_a_new_empty_line_comes_numbered_after_the_others(client_for, salesperson, draft):
    response = client_for(salesperson).get(line_url(draft), {"lines-TOTAL_FORMS": "3"})

    page = html(response)
    assert response.status_code == 200
    assert 'name="lines-3-product"' in page
    assert 'name="lines-3-DELETE"' in page
    assert 'id="line-figures-3"' in page
    assert (
        '<input type="hidden" name="lines-TOTAL_FORMS" value="4" id="id_lines-TOTAL_FORMS" '
        'hx-swap-oob="true">'
    ) in page
    assert lines_of(draft) == [(1, draft.lines.get().product_id, 10, Decimal("1000.00"),
                                Decimal("1000.00"))]  # fmt: skip


def test_no_line_beyond_the_most_an_agreement_has(client_for, salesperson, draft):
    response = client_for(salesperson).get(line_url(draft), {"lines-TOTAL_FORMS": "50"})

    assert "An agreement has at most 50 lines." in text_of(response, "lines-full")
    assert "lines-TOTAL_FORMS" not in html(response)


@pytest.mark.parametrize("count", ["", "many", "-1"])
def test_a_bad_line_count_gets_no_line(client_for, salesperson, draft, count):
    response = client_for(salesperson).get(line_url(draft), {"lines-TOTAL_FORMS": count})

    assert response.status_code == 200
    assert "lines-TOTAL_FORMS" not in html(response)
    assert 'data-testid="line"' not in html(response)


def test_a_line_added_on_the_page_is_saved_with_the_others(client_for, salesperson, draft, product):
    """What the page posts after two new lines were fetched: four lines, two filled in."""
    other = make_product(list_price="300.00")
    client = client_for(salesperson)
    client.get(line_url(draft), {"lines-TOTAL_FORMS": "2"})
    client.get(line_url(draft), {"lines-TOTAL_FORMS": "3"})
    data = edit_data([a_row(product), {}, {}, a_row(other)], initial=1, blank=0)

    response = client.post(edit(draft), with_version(draft, data))

    assert response.status_code == 302
    assert [line[1] for line in lines_of(draft)] == [product.pk, other.pk]


# --- the searchable price list ----------------------------------------------------------------


@pytest.mark.parametrize("typed", ["code", "lower-case code", "name", "id"])
def test_a_product_is_picked_by_its_code_or_its_name(db, product, typed):
    value = {
        "code": product.code,
        "lower-case code": product.code.lower(),
        "name": product.name,
        "id": str(product.pk),
    }[typed]
    data = edit_data([a_row(product, product=value)], blank=0)

    lines = LineFormSet(data, prefix="lines")

    assert lines.is_valid(), lines.errors
    assert lines.lines()[0]["product"] == product


def test_the_edit_page_lists_the_price_list_to_search(client_for, salesperson, draft, product):
    make_product(list_price="88.00", name="Metro light box", active=False)

    response = client_for(salesperson).get(edit(draft))

    page = html(response)
    assert '<datalist id="price-list">' in page
    assert f'<option value="{product.code}">Prime-time spot · 1000.00' in page
    assert "Metro light box" not in page
    assert 'list="price-list"' in page
    assert f'name="lines-0-product" value="{product.code}"' in page
