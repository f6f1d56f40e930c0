"""Documents ready to sign: both parties, signature and seal lines, page numbers, and the
document's own language (its draft's choice, else the customer's) whoever prints it."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from contracts import documents
from contracts.models import AgreementState, document_language
from contracts.tests.factories import line, make_agreement_in, make_plan, make_product
from customers.tests.factories import make_customer
from salescrm.models import CompanyProfile
from salescrm.testing.concurrency import with_version

OUR_NAME = "上海星辰传媒有限公司"
OUR_NAME_EN = "Shanghai Star Media Co., Ltd."
OUR_TAX = "91310000MA1FL0XX1Q"
CUSTOMER = "远航贸易有限公司"


def pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def company(db):
    return CompanyProfile.objects.create(
        pk=1,
        letterhead="星辰传媒 · 广告销售部",
        legal_name=OUR_NAME,
        legal_name_en=OUR_NAME_EN,
        address="上海市浦东新区世纪大道100号",
        address_en="100 Century Avenue, Pudong, Shanghai",
        tax_number=OUR_TAX,
        bank="中国工商银行上海分行",
        bank_account="1001 2345 6789 0000",
    )


@pytest.fixture
def chinese_customer(salesperson):
    return make_customer(salesperson, name=CUSTOMER, address="宁波市江北区人民路8号")


def long_agreement(salesperson, customer):
    product = make_product(name="中央电视台黄金时段", list_price="1000.00")
    lines = [line(product, description=f"30秒广告 {n}") for n in range(1, 61)]
    return make_agreement_in(AgreementState.DRAFT, salesperson, customer=customer, lines=lines)


def test_a_new_customer_reads_chinese_and_its_documents_follow(salesperson, chinese_customer):
    plan = make_plan(salesperson, customer=chinese_customer)

    assert chinese_customer.language == "zh-hans"
    assert plan.language == ""
    assert document_language(plan) == "zh-hans"


def test_chinese_agreement_pdf_has_both_parties_seal_lines_and_page_numbers(
    salesperson, company, chinese_customer
):
    agreement = long_agreement(salesperson, chinese_customer)

    with translation.override("en"):  # an English-interface salesperson prints it
        texts = pages(documents.agreement_pdf(agreement))
    text = " ".join(texts)

    assert len(texts) >= 3
    assert "星辰传媒 · 广告销售部" in texts[0]  # the letterhead
    assert f"甲方 {CUSTOMER}" in texts[0]
    assert f"乙方 {OUR_NAME}" in texts[0]
    assert "宁波市江北区人民路8号" in texts[0]
    assert f"纳税人识别号: {OUR_TAX}" in texts[0]
    assert "开户银行: 中国工商银行上海分行" in texts[0]
    assert "签字盖章" in texts[-1]
    assert text.count("盖章:") == 2
    assert text.count("日期:") >= 2
    assert text.count("授权代表（签字）:") == 2
    for number, page in enumerate(texts, start=1):
        assert f"第 {number} 页 / 共 {len(texts)} 页" in page
    assert "Page" not in text
    assert "Party" not in text


def test_the_document_language_chosen_on_the_draft_wins_over_the_customers(
    salesperson, company, chinese_customer
):
    agreement = make_agreement_in(AgreementState.DRAFT, salesperson, customer=chinese_customer)
    agreement.language = "en"
    agreement.save(update_fields=["language"])

    with translation.override("zh-hans"):  # a Chinese-interface viewer
        texts = pages(documents.agreement_pdf(agreement))
    text = " ".join(texts)

    assert f"Party A (the customer) {CUSTOMER}" in text
    assert f"Party B (the service provider) {OUR_NAME_EN}" in text
    assert "100 Century Avenue, Pudong, Shanghai" in text
    assert "Company seal:" in text
    assert f"Page 1 of {len(texts)}" in texts[0]
    assert "甲方" not in text


def test_the_print_page_shows_the_parties_in_the_customers_language(
    client_for, salesperson, company, chinese_customer
):
    salesperson.language = "en"
    salesperson.save(update_fields=["language"])
    agreement = make_agreement_in(AgreementState.DRAFT, salesperson, customer=chinese_customer)

    page = client_for(salesperson).get(
        reverse("contracts:agreement_print", kwargs={"pk": agreement.pk})
    )
    html = page.content.decode()

    assert 'lang="zh-hans"' in html
    assert "甲方" in html
    assert "乙方" in html
    assert OUR_NAME in html
    assert "盖章" in html
    assert "Download PDF" in html  # the page around the document stays in the viewer's language


def test_the_plan_pdf_has_the_parties_and_signing_lines_too(salesperson, company, chinese_customer):
    plan = make_plan(salesperson, customer=chinese_customer)

    text = " ".join(pages(documents.plan_pdf(plan)))

    assert f"甲方 {CUSTOMER}" in text
    assert f"乙方 {OUR_NAME}" in text
    assert "盖章:" in text
    assert "第 1 页 / 共 1 页" in text


def test_the_language_is_chosen_on_the_draft_plan(client_for, salesperson, chinese_customer):
    plan = make_plan(salesperson, customer=chinese_customer)
    client = client_for(salesperson)
    url = reverse("contracts:plan_edit", kwargs={"pk": plan.pk})

    form = client.get(url).context["form"]
    data = {
        name: "" if value is None else value
        for name, value in form.initial.items()
        if name in form.fields
    }
    data["language"] = "en"
    client.post(url, with_version(plan, data))
    plan.refresh_from_db()

    assert "(简体中文)" in dict(form.fields["language"].choices)[""]
    assert plan.language == "en"
    assert document_language(plan) == "en"
    assert plan.history.first().language == "en"  # kept in history
