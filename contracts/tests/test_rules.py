"""Rule 4.3 as pure functions: when an agreement is major, and why (no database)."""

from decimal import Decimal

import pytest

from contracts import rules

D = Decimal
THRESHOLD = D("500000.00")


def terms(list_price, agreed_price, *, quantity=1, position=1, product="P0001 TV spot"):
    return rules.LineTerms(
        position=position,
        product=product,
        quantity=quantity,
        list_price=D(list_price),
        agreed_price=D(agreed_price),
    )


def major(lines, *, authority="10", threshold=THRESHOLD):
    return rules.major_reasons(lines, authority_percent=D(authority), threshold=threshold)


# --- the lowest price a salesperson may agree alone ------------------------------------------


@pytest.mark.parametrize(
    ("list_price", "authority", "lowest"),
    [
        ("100.00", "10", "90"),
        ("100.00", "0", "100"),
        ("100.00", "100", "0"),
        ("333.33", "10", "299.997"),  # exact: not rounded to the cent
        ("1000.00", "12.5", "875"),
    ],
)
def test_the_lowest_price_is_the_list_price_less_the_authority(list_price, authority, lowest):
    assert rules.lowest_price(D(list_price), D(authority)) == D(lowest)


# --- a line against the salesperson's discount authority -------------------------------------


def test_a_line_exactly_at_the_authority_is_not_major():
    assert major([terms("100.00", "90.00")], authority="10") == []


def test_a_line_one_cent_below_the_authority_is_major_and_says_why():
    reasons = major([terms("100.00", "89.99", position=3)], authority="10")

    assert reasons == [
        {
            "kind": "line",
            "position": 3,
            "product": "P0001 TV spot",
            "list_price": "100.00",
            "agreed_price": "89.99",
            "discount": "10.01",
            "authority": "10",
        }
    ]


@pytest.mark.parametrize("agreed", ["90.01", "95.00", "100.00", "120.00"])
def test_a_line_above_the_lowest_price_is_not_major(agreed):
    assert major([terms("100.00", agreed)], authority="10") == []


def test_the_floor_is_compared_exactly_not_after_rounding_to_the_cent():
    # 10 % off 333.33 is 299.997: 300.00 is within the authority, 299.99 is beyond it,
    # although both round to the same "10.00 %" discount on a receipt.
    assert major([terms("333.33", "300.00")], authority="10") == []
    assert len(major([terms("333.33", "299.99")], authority="10")) == 1


@pytest.mark.parametrize(
    ("agreed", "is_major"),
    [("100.00", False), ("99.99", True), ("0.00", True), ("100.01", False)],
)
def test_with_no_discount_authority_any_price_below_list_is_major(agreed, is_major):
    assert bool(major([terms("100.00", agreed)], authority="0")) is is_major


def test_with_full_authority_even_a_free_line_is_not_major():
    assert major([terms("100.00", "0.00")], authority="100") == []


def test_the_quantity_does_not_change_the_unit_price_comparison():
    assert major([terms("100.00", "90.00", quantity=1000)], authority="10") == []
    assert len(major([terms("100.00", "89.99", quantity=1)], authority="10")) == 1


def test_each_line_beyond_the_authority_is_a_reason_of_its_own():
    lines = [
        terms("100.00", "80.00", position=1, product="A"),
        terms("100.00", "95.00", position=2, product="B"),
        terms("200.00", "150.00", position=3, product="C"),
    ]

    reasons = major(lines, authority="10")

    assert [(r["kind"], r["position"], r["product"]) for r in reasons] == [
        ("line", 1, "A"),
        ("line", 3, "C"),
    ]
    assert [r["discount"] for r in reasons] == ["20.00", "25.00"]


# --- the total against the company threshold --------------------------------------------------


def test_a_total_exactly_at_the_threshold_is_not_major():
    lines = [terms("250000.00", "250000.00", quantity=2)]

    assert rules.totals(lines) == (D("500000.00"), D("500000.00"))
    assert major(lines) == []


def test_a_total_one_cent_above_the_threshold_is_major_and_says_why():
    lines = [terms("250000.00", "250000.00", quantity=2), terms("0.01", "0.01", position=2)]

    assert major(lines) == [{"kind": "total", "total": "500000.01", "threshold": "500000.00"}]


def test_a_total_below_the_threshold_is_not_major():
    assert major([terms("499999.99", "499999.99")]) == []


def test_a_line_and_the_total_both_count():
    lines = [terms("600000.00", "510000.00")]  # 15 % off, and above the threshold

    reasons = major(lines, authority="10")

    assert [r["kind"] for r in reasons] == ["line", "total"]


def test_the_totals_are_summed_over_quantities():
    lines = [terms("100.00", "90.00", quantity=3), terms("50.00", "50.00", quantity=2, position=2)]

    assert rules.totals(lines) == (D("400.00"), D("370.00"))


def test_no_lines_total_zero():
    assert rules.totals([]) == (D("0.00"), D("0.00"))
    assert major([]) == []


# --- reasons in words -------------------------------------------------------------------------


def test_a_line_reason_is_described_with_the_line_the_prices_and_the_authority():
    (reason,) = major([terms("100.00", "89.99", position=2, product="P0007 Radio")], authority="10")

    text = rules.describe(reason)

    assert text == (
        "Line 2 (P0007 Radio): 89.99 against a list price of 100.00 is 10.01% off, "
        "beyond the salesperson's authority of 10%."
    )


def test_a_total_reason_is_described_with_the_total_and_the_threshold():
    reason = {"kind": "total", "total": "500000.01", "threshold": "500000.00"}

    assert rules.describe(reason) == (
        "The total 500000.01 is above the company threshold of 500000.00."
    )
