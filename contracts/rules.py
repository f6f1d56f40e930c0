"""Rule 4.3, decided from the data: when is an agreement major, and why.

Pure functions over plain values, so the boundaries can be tested case by case.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class LineTerms:
    position: int
    product: str
    quantity: int
    list_price: Decimal
    agreed_price: Decimal


def lowest_price(list_price: Decimal, authority_percent: Decimal) -> Decimal:
    """The lowest unit price the salesperson may agree alone (exact, not rounded)."""
    return list_price * (Decimal(100) - authority_percent) / Decimal(100)


def discount_percent(list_price: Decimal, agreed_price: Decimal) -> Decimal:
    """How far `agreed_price` is below `list_price`, in per cent to two places."""
    if not list_price:
        return Decimal("0")
    return ((list_price - agreed_price) * 100 / list_price).quantize(Decimal("0.01"))


def amounts(line) -> tuple[Decimal, Decimal]:
    """(amount at list price, agreed amount) of one line."""
    return line.list_price * line.quantity, line.agreed_price * line.quantity


def totals(lines) -> tuple[Decimal, Decimal]:
    """(total at list price, agreed total) of the lines."""
    figures = [amounts(line) for line in lines]
    list_total = sum((list_amount for list_amount, _ in figures), Decimal("0.00"))
    total = sum((amount for _, amount in figures), Decimal("0.00"))
    return list_total, total


def major_reasons(lines, *, authority_percent: Decimal, threshold: Decimal) -> list[dict]:
    """Why the agreement needs the marketing director; empty when it does not.

    A line is major when its agreed price is below list price less the salesperson's
    discount authority (exactly at the authority is within it). The agreement is major
    when its agreed total is above the company threshold (exactly at it is not).
    """
    reasons = []
    for line in lines:
        floor = lowest_price(line.list_price, authority_percent)
        if line.agreed_price < floor:
            reasons.append(
                {
                    "kind": "line",
                    "position": line.position,
                    "product": line.product,
                    "list_price": str(line.list_price),
                    "agreed_price": str(line.agreed_price),
                    "discount": str(discount_percent(line.list_price, line.agreed_price)),
                    "authority": str(authority_percent),
                }
            )
    _, total = totals(lines)
    if total > threshold:
        reasons.append({"kind": "total", "total": str(total), "threshold": str(threshold)})
    return reasons


def describe(reason: dict) -> str:
    """One reason in the reader's language."""
    if reason["kind"] == "line":
        return (
            _(
                "Line %(position)s (%(product)s): %(agreed_price)s against a list price of "
                "%(list_price)s is %(discount)s%% off, beyond the salesperson's authority of "
                "%(authority)s%%."
            )
            % reason
        )
    return _("The total %(total)s is above the company threshold of %(threshold)s.") % reason
