"""The customer's invoicing details (开票信息) are printed as 甲方 on its documents.

contracts does not import receivables: receivables fills contracts.parties' hook."""

import io

from pypdf import PdfReader

from contracts import documents
from contracts.models import AgreementState
from contracts.tests.factories import make_agreement_in
from customers.tests.factories import make_customer
from receivables import services


def test_the_agreement_prints_the_customers_billing_details_as_party_a(salesperson):
    customer = make_customer(salesperson, name="远航贸易有限公司", address="宁波市人民路8号")
    services.billing_update(
        customer=customer,
        actor=salesperson,
        data={
            "invoice_title": "远航贸易（宁波）有限公司",
            "taxpayer_id": "91350100M000100Y43",
            "address": "宁波市江北区开票路1号",
            "bank": "宁波银行江北支行",
            "account": "6222 0000 1111",
        },
    )
    agreement = make_agreement_in(AgreementState.DRAFT, salesperson, customer=customer)

    pdf = documents.agreement_pdf(agreement)
    first = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())

    assert "甲方 远航贸易有限公司" in first
    assert "发票抬头: 远航贸易（宁波）有限公司" in first
    assert "纳税人识别号: 91350100M000100Y43" in first
    assert "宁波市江北区开票路1号" in first
    assert "宁波市人民路8号" not in first  # the invoicing address replaces the file's
    assert "开户银行: 宁波银行江北支行" in first
    assert "银行账号: 6222 0000 1111" in first
