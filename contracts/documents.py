"""Printable and PDF forms of plans and agreements (rule 4 and its note).

One context per document (plan_context, agreement_context) feeds both the print page
and the PDF, so the two always say the same thing, in the document's language
(models.document_language: its own, else its customer's), whoever prints it. Both show
the letterhead, the two parties (parties.py: 甲方 the customer with its invoicing details,
乙方 our company from the admin's company profile) and lines to sign, seal and date; the
PDF numbers its pages "第 1 页 / 共 3 页". A document
missing a required signature (services.plan_is_valid / agreement_is_valid) carries
"UNAPPROVED — NOT VALID" across every page; a valid one lists its signatures: step,
decision, who signed (and for whom, under a delegation) and the server time.

PDF text is set in the TrueType font of settings.PDF_FONT_PATH (WenQuanYi Zen Hei by
default), embedded so Chinese renders anywhere; without that file ReportLab's built-in
CID font STSong-Light is used instead.
"""

from __future__ import annotations

import io
import logging
import math
import re
import threading
from decimal import Decimal
from html import escape
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import npgettext, pgettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from contracts import parties, selectors, services
from contracts.models import Agreement, Decision, Plan, Step, document_language

logger = logging.getLogger(__name__)

NONE = "—"
FALLBACK_FONT = "STSong-Light"
TIMESTAMP = "%Y-%m-%d %H:%M"

# --- fonts ------------------------------------------------------------------------------------

# PDF_FONT_PATH -> the name the font is registered under (registered once per process).
_fonts: dict[str, str] = {}
_fonts_lock = threading.Lock()


def pdf_font() -> str:
    """The registered name of the font for PDF text (registering it on first use)."""
    path = str(getattr(settings, "PDF_FONT_PATH", "") or "")
    with _fonts_lock:
        if path not in _fonts:
            _fonts[path] = _register_font(path, f"SalesCRM-{len(_fonts)}")
        return _fonts[path]


def _register_font(path: str, name: str) -> str:
    if path and Path(path).is_file():
        try:
            # subfontIndex picks the first face of a collection (.ttc); a .ttf ignores it.
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
        except Exception:
            logger.warning("PDF font %s could not be loaded; using %s", path, FALLBACK_FONT)
        else:
            return name
    else:
        logger.warning("PDF font %r not found; using %s", path, FALLBACK_FONT)
    if FALLBACK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


# --- values as printed ----------------------------------------------------------------------


def _money(value: Decimal | None) -> str:
    return NONE if value is None else f"{value:,.2f}"


def _day(value) -> str:
    return value.isoformat() if value else NONE


def _period(start, end) -> str:
    if not start and not end:
        return NONE
    return f"{_day(start)} \N{EN DASH} {_day(end)}"


def _timestamp(moment) -> str:
    """Server time in the company's zone, e.g. 2026-11-28 14:05."""
    return timezone.localtime(moment, timezone.get_default_timezone()).strftime(TIMESTAMP)


def _text(value) -> str:
    return str(value).strip() if value not in (None, "") else NONE


def _signatures(signatures) -> list[dict]:
    rows = []
    for signature in signatures:
        signer, owner = str(signature.signer), str(signature.on_behalf_of)
        rows.append(
            {
                "step": signature.get_step_display(),
                "decision": signature.get_decision_display(),
                "approved": signature.decision == Decision.APPROVED,
                "signer": signer,
                "on_behalf_of": owner,
                "delegated": signature.delegated,
                "signed_by": (
                    pgettext("printed document", "signed by %(signer)s for %(owner)s")
                    % {"signer": signer, "owner": owner}
                    if signature.delegated
                    else signer
                ),
                "signed_at": _timestamp(signature.signed_at),
                "comment": signature.comment,
            }
        )
    return rows


def _common(document, *, name: str, valid: bool, missing: list[str], signatures) -> dict:
    """What both kinds of document share: name, validity, watermark, signatures, labels."""
    steps = [str(Step(step).label) for step in missing]
    language = document_language(document)
    return {
        **parties.parties(document.customer, language=language),
        "language": language,
        "document": document,
        "name": name,
        "title": document.title,
        "valid": valid,
        "watermark": "" if valid else _("UNAPPROVED — NOT VALID"),
        "invalid_reason": (
            ""
            if valid
            else pgettext(
                "printed document", "This document is not valid: it may not be sent or distributed."
            )
        ),
        "missing": steps,
        "missing_text": (
            pgettext("printed document", "Missing signatures: %(steps)s")
            % {"steps": pgettext("printed document", ", ").join(steps)}
            if steps
            else ""
        ),
        "signatures": _signatures(signatures),
        "labels": {
            "signatures": pgettext("printed document", "Approvals and signatures"),
            "no_signatures": pgettext("printed document", "No signatures yet."),
            "step": pgettext("printed document", "Step"),
            "decision": pgettext("printed document", "Decision"),
            "signed_by": pgettext("printed document", "Signed by"),
            "signed_at": pgettext("printed document", "Signed at (%(zone)s)")
            % {"zone": settings.TIME_ZONE},
            "comment": pgettext("printed document", "Comment"),
        },
    }


# --- contexts ---------------------------------------------------------------------------------


def plan_context(plan: Plan) -> dict:
    """The Product Marketing Promotion Plan as printed (template contracts/print_plan.html)."""
    with translation.override(document_language(plan)):
        return _plan_context(plan)


def _plan_context(plan: Plan) -> dict:
    signatures = selectors.signatures_of_plan(plan).filter(revision=plan.version)
    context = _common(
        plan,
        name=pgettext("printed document", "Product Marketing Promotion Plan"),
        valid=services.plan_is_valid(plan),
        missing=services.plan_missing_signatures(plan),
        signatures=signatures if plan.version else [],
    )
    context.update(
        {
            "plan": plan,
            "reference": f"{plan.title} · v{plan.version}",
            "details": [
                (pgettext("printed document", "Customer"), str(plan.customer.name)),
                (pgettext("printed document", "Salesperson"), str(plan.salesperson)),
                (
                    pgettext("printed document", "Version"),
                    str(plan.version)
                    if plan.version
                    else pgettext("printed document", "not yet reviewed"),
                ),
                (pgettext("printed document", "Status"), str(plan.get_state_display())),
                (
                    pgettext("printed document", "Campaign period"),
                    _period(plan.period_start, plan.period_end),
                ),
                (pgettext("printed document", "Budget (CNY)"), _money(plan.budget)),
            ],
            "sections": [
                (pgettext("printed document", "The customer's objectives"), _text(plan.objectives)),
                (pgettext("printed document", "Target audience"), _text(plan.audience)),
                (
                    pgettext("printed document", "Media and ad slots proposed"),
                    _text(plan.media_mix),
                ),
                (pgettext("printed document", "Schedule"), _text(plan.schedule)),
            ],
        }
    )
    return context


def _changes(agreement: Agreement) -> str:
    fee = _money(agreement.fee_per_change)
    if not agreement.free_changes:
        return pgettext("printed document", "None included; each change costs %(fee)s CNY.") % {
            "fee": fee
        }
    return npgettext(
        "printed document",
        "%(count)s included; each further change costs %(fee)s CNY.",
        "%(count)s included; each further change costs %(fee)s CNY.",
        agreement.free_changes,
    ) % {"count": agreement.free_changes, "fee": fee}


def agreement_context(agreement: Agreement) -> dict:
    """The Advertising Sales Service Agreement as printed (contracts/print_agreement.html)."""
    with translation.override(document_language(agreement)):
        return _agreement_context(agreement)


def _agreement_context(agreement: Agreement) -> dict:
    signatures = selectors.signatures_of_agreement(agreement).filter(revision=agreement.revision)
    context = _common(
        agreement,
        name=pgettext("printed document", "Advertising Sales Service Agreement"),
        valid=services.agreement_is_valid(agreement),
        missing=services.agreement_missing_signatures(agreement),
        signatures=signatures if agreement.revision else [],
    )
    lines = [
        [
            str(line.product.name),
            line.description or "",
            _period(line.period_start, line.period_end),
            f"{line.quantity:,}",
            _money(line.list_price),
            _money(line.agreed_price),
            _money(line.amount),
        ]
        for line in agreement.lines.select_related("product").order_by("position")
    ]
    terms = [
        (
            pgettext("printed document", "Free revisions / artwork replacements"),
            _changes(agreement),
        ),
        (pgettext("printed document", "Payment terms"), _text(agreement.payment_terms)),
        (pgettext("printed document", "Other terms"), _text(agreement.notes)),
    ]
    if agreement.signed_on:
        terms.append(
            (pgettext("printed document", "Signed by the customer on"), _day(agreement.signed_on))
        )
    context.update(
        {
            "agreement": agreement,
            "reference": agreement.number,
            "details": [
                (pgettext("printed document", "Agreement number"), agreement.number),
                (pgettext("printed document", "Customer"), str(agreement.customer.name)),
                (pgettext("printed document", "Salesperson"), str(agreement.salesperson)),
                (
                    pgettext("printed document", "Period"),
                    _period(agreement.period_start, agreement.period_end),
                ),
                (pgettext("printed document", "Status"), str(agreement.get_state_display())),
            ],
            "lines_heading": pgettext("printed document", "Advertising items"),
            "line_headers": [
                pgettext("printed document", "Product"),
                pgettext("printed document", "Description"),
                pgettext("printed document", "Period"),
                pgettext("printed document", "Quantity"),
                pgettext("printed document", "List price"),
                pgettext("printed document", "Agreed price"),
                pgettext("printed document", "Amount"),
            ],
            "lines": lines,
            "no_lines": pgettext("printed document", "No items yet."),
            "totals": [
                (
                    pgettext("printed document", "Total at list price (CNY)"),
                    _money(agreement.list_total),
                ),
                (pgettext("printed document", "Agreed total (CNY)"), _money(agreement.total)),
                (
                    pgettext("printed document", "Discount (CNY)"),
                    f"{_money(agreement.discount)} ({agreement.discount_percent}%)",
                ),
            ],
            "terms": terms,
        }
    )
    return context


# --- PDF --------------------------------------------------------------------------------------

_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
WATERMARK_COLOR = colors.Color(0.78, 0.0, 0.0, alpha=0.22)
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm


def _styles(font: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13)
    return {
        "name": ParagraphStyle("name", parent=body, fontSize=17, leading=22, spaceAfter=2),
        "title": ParagraphStyle("title", parent=body, fontSize=12.5, leading=17, spaceAfter=8),
        "heading": ParagraphStyle(
            "heading", parent=body, fontSize=11, leading=15, spaceBefore=10, spaceAfter=4
        ),
        "body": body,
        "label": ParagraphStyle("label", parent=body, textColor=colors.HexColor("#555555")),
        "letterhead": ParagraphStyle(
            "letterhead",
            parent=body,
            fontSize=10.5,
            leading=14,
            spaceAfter=6,
            textColor=colors.HexColor("#333333"),
        ),
        "party": ParagraphStyle("party", parent=body, fontSize=10.5, leading=14, spaceAfter=2),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10.5),
        "number": ParagraphStyle(
            "number", parent=body, fontSize=8, leading=10.5, alignment=TA_RIGHT
        ),
        "alert": ParagraphStyle(
            "alert", parent=body, textColor=colors.HexColor("#b00000"), spaceAfter=6
        ),
    }


def _para(text, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: escaped, line breaks kept, Chinese wrapped per character."""
    text = str(text)
    markup = escape(text).replace("\r\n", "\n").replace("\n", "<br/>")
    if _CJK.search(text):
        style = ParagraphStyle(f"{style.name}-cjk", parent=style, wordWrap="CJK")
    return Paragraph(markup, style)


def _grid(rows, widths, *, header: bool = False) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
    ]
    if header:
        commands.append(("LINEBELOW", (0, 0), (-1, 0), 0.9, colors.black))
    table.setStyle(TableStyle(commands))
    return table


def _pairs(pairs, styles, label_width=48 * mm) -> Table:
    width = PAGE_WIDTH - 2 * MARGIN
    rows = [[_para(label, styles["label"]), _para(value, styles["body"])] for label, value in pairs]
    return _grid(rows, [label_width, width - label_width])


def _signature_story(context: dict, styles) -> list:
    labels = context["labels"]
    story = [_para(labels["signatures"], styles["heading"])]
    if context["missing"]:
        story.append(_para(context["missing_text"], styles["alert"]))
    if not context["signatures"]:
        story.append(_para(labels["no_signatures"], styles["body"]))
        return story
    cell = styles["cell"]
    header = [
        _para(labels[key], cell) for key in ("step", "decision", "signed_by", "signed_at")
    ] + [_para(labels["comment"], cell)]
    rows = [header] + [
        [
            _para(sig["step"], cell),
            _para(sig["decision"], cell),
            _para(sig["signed_by"], cell),
            _para(sig["signed_at"], cell),
            _para(sig["comment"], cell),
        ]
        for sig in context["signatures"]
    ]
    story.append(_grid(rows, [38 * mm, 20 * mm, 46 * mm, 34 * mm, 36 * mm], header=True))
    return story


def _head(context: dict, styles) -> list:
    story = []
    if context["letterhead"]:
        story.append(_para(context["letterhead"], styles["letterhead"]))
    story += [_para(context["name"], styles["name"]), _para(context["title"], styles["title"])]
    if not context["valid"]:
        story.append(_para(context["invalid_reason"], styles["alert"]))
    story.append(_pairs(context["details"], styles))
    return story + _parties_story(context, styles)


def _party_cell(party: dict, styles) -> list:
    cell = [_para(party["role"], styles["label"]), _para(party["name"], styles["party"])]
    cell += [_para(f"{label}: {value}", styles["cell"]) for label, value in party["lines"]]
    return cell


def _parties_story(context: dict, styles) -> list:
    """甲方 and 乙方 side by side."""
    half = (PAGE_WIDTH - 2 * MARGIN) / 2
    table = Table(
        [[_party_cell(party, styles) for party in context["parties"]]],
        colWidths=[half, half],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
                ("LINEAFTER", (0, 0), (0, 0), 0.5, colors.HexColor("#999999")),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return [Spacer(1, 4 * mm), table]


def _signing_story(context: dict, styles) -> list:
    """For each party: signature, seal (盖章) and date lines."""
    signing = context["signing"]
    half = (PAGE_WIDTH - 2 * MARGIN) / 2
    blank = "_" * 22
    cells = []
    for party in context["parties"]:
        cells.append(
            [
                _para(f"{party['role']}: {party['name']}", styles["body"]),
                Spacer(1, 5 * mm),
                _para(f"{signing['signature']}: {blank}", styles["body"]),
                Spacer(1, 5 * mm),
                _para(f"{signing['seal']}: {blank}", styles["body"]),
                Spacer(1, 5 * mm),
                _para(f"{signing['date']}: {blank}", styles["body"]),
            ]
        )
    table = Table([cells], colWidths=[half, half], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [KeepTogether([_para(signing["heading"], styles["heading"]), table])]


def _build(context: dict, story_of) -> bytes:
    """Lay out the story; every page gets the footer and, if invalid, the watermark.

    Laid out twice: the first pass counts the pages, so the footer can say "of N".
    """
    pages = _layout(context, story_of, total=None)[1]
    return _layout(context, story_of, total=pages)[0]


def _layout(context: dict, story_of, *, total: int | None) -> tuple[bytes, int]:
    font = pdf_font()
    styles = _styles(font)
    footer = f"{context['name']} · {context['reference']}"
    printed = pgettext("printed document", "Printed %(when)s") % {
        "when": _timestamp(timezone.now())
    }
    page_of = pgettext("printed document", "Page %(page)s of %(pages)s")
    watermark = context["watermark"]
    seen = [0]

    def on_page(canvas, doc):
        seen[0] = doc.page
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(MARGIN, 10 * mm, f"{footer} · {printed}")
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN, 10 * mm, page_of % {"page": doc.page, "pages": total or 0}
        )
        if watermark:
            _draw_watermark(canvas, watermark, font)
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"{context['name']} {context['reference']}",
        author="SalesCRM",
        subject=context["title"],
    )
    doc.build(story_of(context, styles), onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue(), seen[0]


def _draw_watermark(canvas, text: str, font: str) -> None:
    """Large, diagonal, semi-transparent, across the middle of the page."""
    angle = math.degrees(math.atan2(PAGE_HEIGHT, PAGE_WIDTH))
    room = math.hypot(PAGE_WIDTH, PAGE_HEIGHT) * 0.72
    size = min(72.0, 100.0 * room / max(pdfmetrics.stringWidth(text, font, 100), 1))
    canvas.saveState()
    canvas.setFillColor(WATERMARK_COLOR)
    canvas.setFont(font, size)
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(angle)
    canvas.drawCentredString(0, -size / 3, text)
    canvas.restoreState()


def _plan_story(context: dict, styles) -> list:
    story = _head(context, styles)
    for label, text in context["sections"]:
        story += [_para(label, styles["heading"]), _para(text, styles["body"])]
    story += _signature_story(context, styles)
    return story + _signing_story(context, styles)


def _agreement_story(context: dict, styles) -> list:
    story = _head(context, styles)
    story.append(_para(context["lines_heading"], styles["heading"]))
    if context["lines"]:
        cell, number = styles["cell"], styles["number"]
        header = [
            _para(label, number if index >= 3 else cell)
            for index, label in enumerate(context["line_headers"])
        ]
        rows = [header] + [
            [_para(value, number if index >= 3 else cell) for index, value in enumerate(row)]
            for row in context["lines"]
        ]
        widths = [36 * mm, 32 * mm, 24 * mm, 15 * mm, 22 * mm, 22 * mm, 23 * mm]
        story.append(_grid(rows, widths, header=True))
    else:
        story.append(_para(context["no_lines"], styles["body"]))
    story += [Spacer(1, 4 * mm), _pairs(context["totals"], styles)]
    story += [Spacer(1, 4 * mm), _pairs(context["terms"], styles)]
    story += _signature_story(context, styles)
    return story + _signing_story(context, styles)


def plan_pdf(plan: Plan) -> bytes:
    """The plan as a PDF in its document language; watermarked until the review has passed."""
    with translation.override(document_language(plan)):
        return _build(_plan_context(plan), _plan_story)


def agreement_pdf(agreement: Agreement) -> bytes:
    """The agreement as a PDF in its document language; watermarked while unsigned."""
    with translation.override(document_language(agreement)):
        return _build(_agreement_context(agreement), _agreement_story)
