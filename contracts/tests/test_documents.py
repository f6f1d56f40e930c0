"""Printable and PDF forms of plans and agreements (rule 4, note).

A document missing a required signature carries "UNAPPROVED — NOT VALID" across every
page; an approved one carries none and shows who signed, for whom and when.
"""

import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from contracts import documents, services
from contracts.models import AgreementState, PlanState
from contracts.tests.factories import (
    agreement_terms,
    approved_plan,
    line,
    make_plan,
    make_product,
)
from customers.tests.factories import make_customer

WATERMARK = "UNAPPROVED — NOT VALID"
WATERMARK_ZH = "未审批 — 无效"
CUSTOMER_ZH = "远航贸易有限公司"
PRODUCT_ZH = "中央电视台黄金时段"

# Signing moments in UTC and as the documents must print them (Asia/Shanghai, UTC+8).
MANAGER_SIGNS = datetime(2026, 11, 28, 6, 5, tzinfo=UTC)
MANAGER_SIGNS_LOCAL = "2026-11-28 14:05"
DIRECTOR_SIGNS = datetime(2026, 11, 28, 17, 30, tzinfo=UTC)
DIRECTOR_SIGNS_LOCAL = "2026-11-29 01:30"


def pages(pdf: bytes) -> list[str]:
    """The text of each page, whitespace runs (line breaks in table cells) made one space."""
    assert pdf.startswith(b"%PDF-")
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def font_names(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def embeds_truetype(pdf: bytes) -> bool:
    """Whether some font of the first page carries its TrueType program (FontFile2)."""
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()
    for font in fonts:
        descriptor = font.get_object().get("/FontDescriptor")
        if descriptor is not None and "/FontFile2" in descriptor.get_object():
            return True
    return False


def english_customer(salesperson):
    """A customer who reads English: its documents print in English, whoever prints them."""
    return make_customer(salesperson, language="en")


def in_chinese(document):
    """The document set to print in Chinese (its language chosen on the draft)."""
    document.language = "zh-hans"
    document.save(update_fields=["language"])
    return document


def draft(salesperson, manager, lines, *, customer=None, **terms):
    """A draft agreement for `customer`, drafted from a plan the customer accepted."""
    customer = customer or english_customer(salesperson)
    plan = approved_plan(salesperson, manager, customer=customer)
    services.plan_send(plan=plan, actor=salesperson)
    agreement = services.plan_accept(plan=plan, actor=salesperson)
    return services.agreement_update(
        agreement=agreement, actor=salesperson, data=agreement_terms(**terms), lines=lines
    )


def approved(salesperson, manager, director, lines, **kwargs):
    """Submitted, then signed by the manager and (major ones) the director at fixed times."""
    agreement = services.agreement_submit(
        agreement=draft(salesperson, manager, lines, **kwargs), actor=salesperson
    )
    agreement = services.agreement_decide(
        agreement=agreement, actor=manager, approve=True, comment="OK", now=MANAGER_SIGNS
    )
    if agreement.is_major:
        agreement = services.agreement_decide(
            agreement=agreement, actor=director, approve=True, now=DIRECTOR_SIGNS
        )
    assert agreement.state == AgreementState.APPROVED
    return agreement


@pytest.fixture
def product(db):
    return make_product(name=PRODUCT_ZH, list_price="1000.00")


@pytest.fixture
def long_draft(salesperson, manager, product):
    """A draft agreement of 60 lines: several pages."""
    lines = [line(product, description=f"30秒广告 {n}") for n in range(1, 61)]
    return draft(salesperson, manager, lines)


# --- the watermark on invalid documents ---------------------------------------------------------


def test_unapproved_agreement_has_the_watermark_on_every_page(long_draft):
    texts = pages(documents.agreement_pdf(long_draft))

    assert len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert WATERMARK in text, f"page {number} has no watermark"
    assert "30秒广告 60" in " ".join(texts[-2:])  # the last line made it onto the last pages


def test_unapproved_agreement_in_chinese_has_the_chinese_watermark_on_every_page(long_draft):
    with translation.override("en"):  # the viewer's language does not matter
        texts = pages(documents.agreement_pdf(in_chinese(long_draft)))

    assert len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert WATERMARK_ZH in text, f"page {number} has no watermark"
        assert WATERMARK not in text
    assert "广告销售服务协议" in texts[0]
    assert "协议编号" in texts[0]
    assert "缺少签字：" in " ".join(texts[-2:])
    assert "盖章" in texts[-1]


def test_agreement_waiting_for_the_director_is_watermarked_and_names_the_missing_step(
    salesperson, manager, director, product
):
    major = [line(product, agreed_price="850.00")]  # 15 % off, beyond the 10 % authority
    agreement = services.agreement_submit(
        agreement=draft(salesperson, manager, major), actor=salesperson
    )
    agreement = services.agreement_decide(
        agreement=agreement, actor=manager, approve=True, now=MANAGER_SIGNS
    )
    assert agreement.state == AgreementState.DIRECTOR_REVIEW

    text = " ".join(pages(documents.agreement_pdf(agreement)))

    assert WATERMARK in text
    assert "Missing signatures: Marketing director's approval" in text
    assert str(manager) in text  # the manager's signature so far is shown
    assert MANAGER_SIGNS_LOCAL in text


def test_agreement_reopened_after_approval_is_watermarked_again(
    salesperson, manager, director, product
):
    agreement = approved(salesperson, manager, director, [line(product)])
    assert WATERMARK not in " ".join(pages(documents.agreement_pdf(agreement)))

    agreement = services.agreement_reopen(agreement=agreement, actor=salesperson)

    assert WATERMARK in " ".join(pages(documents.agreement_pdf(agreement)))


# --- approved documents -------------------------------------------------------------------------


def test_approved_agreement_has_no_watermark_and_shows_each_signature(
    salesperson, manager, director, product
):
    agreement = approved(
        salesperson, manager, director, [line(product, agreed_price="850.00", quantity=4)]
    )
    assert agreement.is_major

    texts = pages(documents.agreement_pdf(agreement))
    text = " ".join(texts)

    assert all(WATERMARK not in page for page in texts)
    assert "Missing signatures" not in text
    assert "Sales manager's approval Approved" in text
    assert "Marketing director's approval Approved" in text
    assert str(manager) in text
    assert str(director) in text
    assert MANAGER_SIGNS_LOCAL in text  # server time, in the company's zone
    assert DIRECTOR_SIGNS_LOCAL in text
    assert "Signed at (Asia/Shanghai)" in text


def test_approved_agreement_in_chinese_has_no_watermark(salesperson, manager, director, product):
    agreement = approved(salesperson, manager, director, [line(product)])

    text = " ".join(pages(documents.agreement_pdf(in_chinese(agreement))))

    assert WATERMARK_ZH not in text
    assert WATERMARK not in text
    assert "广告销售服务协议" in text
    assert MANAGER_SIGNS_LOCAL in text


def test_delegated_signature_shows_who_signed_for_whom(
    salesperson, manager, other_manager, product
):
    services.delegation_create(
        delegator=manager,
        delegate=other_manager,
        valid_from=date(2026, 11, 27),
        valid_until=date(2026, 12, 5),
        actor=manager,
        now=MANAGER_SIGNS,
    )
    agreement = services.agreement_submit(
        agreement=draft(salesperson, manager, [line(product)]), actor=salesperson
    )
    agreement = services.agreement_decide(
        agreement=agreement, actor=other_manager, approve=True, now=MANAGER_SIGNS
    )
    assert agreement.state == AgreementState.APPROVED

    text = " ".join(pages(documents.agreement_pdf(agreement)))
    context = documents.agreement_context(agreement)

    assert WATERMARK not in text
    assert f"signed by {other_manager} for {manager}" in text
    assert MANAGER_SIGNS_LOCAL in text
    [signature] = context["signatures"]
    assert signature["delegated"] is True
    assert (signature["signer"], signature["on_behalf_of"]) == (str(other_manager), str(manager))


def test_own_signature_is_not_shown_as_delegated(salesperson, manager, director, product):
    agreement = approved(salesperson, manager, director, [line(product)])

    [signature] = documents.agreement_context(agreement)["signatures"]

    assert signature["signed_by"] == str(manager)
    assert signature["delegated"] is False
    assert "signed by" not in " ".join(pages(documents.agreement_pdf(agreement)))


# --- content --------------------------------------------------------------------------------------


def test_chinese_customer_and_product_names_come_out_of_the_pdf_intact(
    salesperson, manager, director, product
):
    customer = make_customer(salesperson, name=CUSTOMER_ZH, language="en")
    agreement = approved(
        salesperson,
        manager,
        director,
        [line(product, description="春节特别节目", quantity=3)],
        customer=customer,
        payment_terms="签约后付款50%，末次播出后30日内付清余款",
    )

    for language in ("en", "zh-hans"):
        agreement.language = language
        agreement.save(update_fields=["language"])
        text = " ".join(pages(documents.agreement_pdf(agreement)))
        assert CUSTOMER_ZH in text
        assert PRODUCT_ZH in text
        assert "春节特别节目" in text
        assert "签约后付款50%，末次播出后30日内付清余款" in text


def test_agreement_pdf_shows_the_terms_lines_and_totals(salesperson, manager, director, product):
    other = make_product(name="Outdoor screen", list_price="200.00")
    agreement = approved(
        salesperson,
        manager,
        director,
        [line(product, agreed_price="950.00", quantity=4), line(other, quantity=5)],
        free_changes=2,
        fee_per_change=Decimal("800.00"),
        notes="Artwork delivered by the customer",
    )
    agreement = services.agreement_send(agreement=agreement, actor=salesperson)
    agreement = services.agreement_sign(
        agreement=agreement, actor=salesperson, signed_on=timezone.localdate(agreement.sent_at)
    )

    text = " ".join(pages(documents.agreement_pdf(agreement)))

    assert agreement.number in text
    assert "Spring campaign agreement" in text
    assert str(salesperson) in text
    assert "2027-03-01 – 2027-05-31" in text
    assert "950.00 3,800.00" in text  # agreed price and amount of the first line
    assert "Total at list price (CNY) 5,000.00" in text
    assert "Agreed total (CNY) 4,800.00" in text
    assert "Discount (CNY) 200.00 (4.00%)" in text
    assert "2 included; each further change costs 800.00 CNY." in text
    assert "50% on signing" in text
    assert "Artwork delivered by the customer" in text
    assert f"Signed by the customer on {agreement.signed_on.isoformat()}" in text


def test_agreement_without_free_changes_states_the_fee(salesperson, manager, product):
    agreement = draft(
        salesperson, manager, [line(product)], free_changes=0, fee_per_change=Decimal("1200")
    )

    text = " ".join(pages(documents.agreement_pdf(agreement)))

    assert "None included; each change costs 1,200.00 CNY." in text


# --- plans ----------------------------------------------------------------------------------------


def test_draft_plan_pdf_is_watermarked(salesperson):
    plan = make_plan(salesperson, customer=english_customer(salesperson), title="推广方案 2027")

    text = " ".join(pages(documents.plan_pdf(plan)))

    assert WATERMARK in text
    assert "Missing signatures: Internal review of the plan" in text
    assert "推广方案 2027" in text


def test_plan_in_review_is_watermarked_in_chinese(salesperson):
    plan = make_plan(salesperson, customer=english_customer(salesperson))
    plan = services.plan_submit(plan=plan, actor=salesperson)
    assert plan.state == PlanState.IN_REVIEW

    texts = pages(documents.plan_pdf(in_chinese(plan)))

    assert all(WATERMARK_ZH in page for page in texts)
    assert "产品行销推广方案" in texts[0]


def test_approved_plan_pdf_has_no_watermark_and_shows_its_content_and_review(salesperson, manager):
    customer = make_customer(salesperson, name=CUSTOMER_ZH, language="en")
    plan = make_plan(salesperson, customer=customer, audience="上海的家庭")
    plan = services.plan_submit(plan=plan, actor=salesperson)
    plan = services.plan_review(plan=plan, actor=manager, approve=True, now=MANAGER_SIGNS)

    texts = pages(documents.plan_pdf(plan))
    text = " ".join(texts)

    assert all(WATERMARK not in page for page in texts)
    assert "Product Marketing Promotion Plan" in text
    assert "Spring campaign" in text
    assert CUSTOMER_ZH in text
    assert "Version 1" in text
    assert "Launch the new product line" in text
    assert "上海的家庭" in text
    assert "TV prime time and outdoor screens" in text
    assert "March to May" in text
    assert "Budget (CNY) 200,000.00" in text
    assert "Campaign period 2027-03-01 – 2027-05-31" in text
    assert "Internal review of the plan Approved" in text
    assert str(manager) in text
    assert MANAGER_SIGNS_LOCAL in text


def test_plan_shows_only_the_current_versions_signatures(salesperson, manager):
    plan = make_plan(salesperson, customer=english_customer(salesperson))
    plan = services.plan_submit(plan=plan, actor=salesperson)
    plan = services.plan_review(
        plan=plan, actor=manager, approve=False, comment="Budget too vague", now=MANAGER_SIGNS
    )
    plan = services.plan_submit(plan=plan, actor=salesperson)

    context = documents.plan_context(plan)

    assert context["signatures"] == []  # the rejection was of version 1
    assert context["watermark"] == WATERMARK


# --- print pages ----------------------------------------------------------------------------------


def test_print_page_of_an_unapproved_agreement_carries_the_fixed_watermark(
    salesperson, manager, product
):
    agreement = draft(salesperson, manager, [line(product)])

    html = render_to_string(
        "contracts/print_agreement.html", documents.agreement_context(agreement)
    )

    assert f'<div class="watermark" data-testid="watermark" aria-hidden="true">{WATERMARK}' in html
    # Repeated on every printed page: fixed, by the sheet's stylesheet (no inline style).
    assert "/static/css/print.css" in html
    stylesheet = (Path(settings.BASE_DIR) / "static" / "css" / "print.css").read_text()
    assert re.search(r"\.watermark \{[^}]*position: fixed", stylesheet)
    assert PRODUCT_ZH in html
    assert "Missing signatures: Sales manager&#x27;s approval" in html


def test_print_page_of_an_approved_agreement_has_no_watermark_but_the_signatures(
    salesperson, manager, other_manager, director, product
):
    services.delegation_create(
        delegator=manager,
        delegate=other_manager,
        valid_from=date(2026, 11, 27),
        valid_until=date(2026, 12, 5),
        actor=manager,
        now=MANAGER_SIGNS,
    )
    agreement = services.agreement_submit(
        agreement=draft(salesperson, manager, [line(product)]), actor=salesperson
    )
    agreement = services.agreement_decide(
        agreement=agreement, actor=other_manager, approve=True, now=MANAGER_SIGNS
    )

    html = render_to_string(
        "contracts/print_agreement.html", documents.agreement_context(agreement)
    )

    assert 'data-testid="watermark"' not in html
    assert WATERMARK not in html
    assert f"signed by {other_manager} for {manager}" in html
    assert MANAGER_SIGNS_LOCAL in html


def test_print_page_in_chinese(salesperson, manager, product):
    agreement = draft(salesperson, manager, [line(product)])

    html = render_to_string(
        "contracts/print_agreement.html", documents.agreement_context(in_chinese(agreement))
    )

    assert WATERMARK_ZH in html
    assert "广告销售服务协议" in html
    assert 'lang="zh-hans"' in html


def test_plan_print_page_with_and_without_the_watermark(salesperson, manager):
    plan = make_plan(salesperson, customer=english_customer(salesperson))
    html = render_to_string("contracts/print_plan.html", documents.plan_context(plan))
    assert 'data-testid="watermark"' in html
    assert WATERMARK in html

    plan = services.plan_submit(plan=plan, actor=salesperson)
    plan = services.plan_review(plan=plan, actor=manager, approve=True, now=MANAGER_SIGNS)
    html = render_to_string("contracts/print_plan.html", documents.plan_context(plan))

    assert WATERMARK not in html
    assert "Product Marketing Promotion Plan" in html
    assert "Launch the new product line" in html
    assert MANAGER_SIGNS_LOCAL in html


def test_print_and_pdf_views_serve_the_documents(client_for, salesperson, manager, product):
    agreement = draft(salesperson, manager, [line(product)])
    client = client_for(salesperson)

    page = client.get(reverse("contracts:agreement_print", kwargs={"pk": agreement.pk}))
    pdf = client.get(reverse("contracts:agreement_pdf", kwargs={"pk": agreement.pk}))

    assert page.status_code == 200
    assert WATERMARK in page.content.decode()
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert all(WATERMARK in text for text in pages(pdf.content))


# --- the font -------------------------------------------------------------------------------------


def test_the_configured_truetype_font_is_embedded(salesperson, manager, product, settings):
    assert settings.PDF_FONT_PATH.endswith("wqy-zenhei.ttc")
    agreement = draft(salesperson, manager, [line(product)])

    pdf = documents.agreement_pdf(agreement)

    assert embeds_truetype(pdf)
    assert "/STSong-Light" not in font_names(pdf)


def test_a_missing_font_file_falls_back_to_the_builtin_cid_font(
    salesperson, manager, product, settings
):
    settings.PDF_FONT_PATH = "/nonexistent/fonts/missing.ttc"
    agreement = draft(salesperson, manager, [line(product)])

    pdf = documents.agreement_pdf(in_chinese(agreement))

    assert any("STSong-Light" in name for name in font_names(pdf))
    assert not embeds_truetype(pdf)
    assert len(pages(pdf)) >= 1


def test_the_font_is_registered_once(monkeypatch, settings):
    registered = []
    original = documents.pdfmetrics.registerFont
    monkeypatch.setattr(documents, "_fonts", {})
    monkeypatch.setattr(
        documents.pdfmetrics,
        "registerFont",
        lambda font: registered.append(font.fontName) or original(font),
    )

    first = documents.pdf_font()
    second = documents.pdf_font()

    assert first == second
    assert len(registered) == 1
