"""Pricing an agreement (rule 4.3): its lines as rule terms, the one judgement of what
makes it major (judge_lines, with the salesperson's authority and today's threshold),
and the editor's preview, figured exactly as saving and submitting would figure it.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from contracts import rules
from contracts.models import Agreement, AgreementLine
from salescrm import selectors as salescrm_selectors
from salescrm.models import User

# Money columns hold 14 digits with 2 decimals: totals must stay below this.
MONEY_LIMIT = Decimal("1000000000000")

def _line_terms(lines: Iterable[AgreementLine]) -> list[rules.LineTerms]:
    return [
        rules.LineTerms(
            position=line.position,
            product=str(line.product),
            quantity=line.quantity,
            list_price=line.list_price,
            agreed_price=line.agreed_price,
        )
        for line in lines
    ]


def judge_lines(terms: list[rules.LineTerms], *, salesperson: User) -> list[dict]:
    """Rule 4.3 on these lines, with the salesperson's authority and today's threshold.

    The one decision behind the submission (major_reasons_now) and the editor's preview.
    """
    return rules.major_reasons(
        terms,
        authority_percent=salesperson.discount_authority,
        threshold=salescrm_selectors.policy().major_agreement_threshold,
    )


def major_reasons_now(agreement: Agreement) -> list[dict]:
    """Rule 4.3 on the agreement's lines as they are, with today's authority and threshold."""
    lines = list(agreement.lines.select_related("product"))
    return judge_lines(_line_terms(lines), salesperson=agreement.salesperson)


def agreement_preview(*, agreement: Agreement, lines: list[dict]) -> dict:
    """What the draft would come to with these lines, figured and judged as saving and
    submitting would (today's list prices, rules.totals, judge_lines). Changes nothing.

    `lines` are the lines to be kept, in order: dicts with product (a Product, or None
    while not chosen), quantity and agreed_price (None while not filled in), and any
    other keys (e.g. the form's index), which are passed back. Returns each line's
    figures with its position as it would be saved, the totals, the discount and the
    reasons (rule 4.3) the marketing director would have to approve it.
    """
    rows, terms = [], []
    for position, line in enumerate(lines, start=1):
        product, quantity, price = (
            line.get("product"),
            line.get("quantity"),
            line.get("agreed_price"),
        )
        row = {**line, "position": position, "complete": False}
        if product is not None and quantity and price is not None:
            term = rules.LineTerms(
                position=position,
                product=str(product),
                quantity=quantity,
                list_price=product.list_price,
                agreed_price=price,
            )
            list_amount, amount = rules.amounts(term)
            row.update(
                complete=True,
                list_price=product.list_price,
                list_amount=list_amount,
                amount=amount,
                discount_percent=rules.discount_percent(product.list_price, price),
            )
            terms.append(term)
        rows.append(row)
    list_total, total = rules.totals(terms)
    too_large = max(list_total, total) >= MONEY_LIMIT
    reasons = [] if too_large else judge_lines(terms, salesperson=agreement.salesperson)
    beyond = {reason["position"] for reason in reasons if reason["kind"] == "line"}
    for row in rows:
        row["beyond_authority"] = row["position"] in beyond
    return {
        "lines": rows,
        "list_total": list_total,
        "total": total,
        "discount": list_total - total,
        "discount_percent": rules.discount_percent(list_total, total),
        "authority": agreement.salesperson.discount_authority,
        "major": [rules.describe(reason) for reason in reasons],
        "too_large": too_large,
        "incomplete": sum(1 for row in rows if not row["complete"]),
    }
