"""After the signature, each person in their own browser (real Chromium): sales1 records
the customer's signature and the collection plan is proposed from the payment terms;
manager1 confirms it; finance1 records a partial receipt and confirms it; the agreement
shows received and outstanding; after the due date the deadline run (`--now`) tells
sales1 and manager1 the instalment is overdue (逾期); finance1 finds the receipt was recorded
wrongly and reverses it with a reason, and the agreement's outstanding goes back up."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from contracts.models import AgreementState
from contracts.tests.factories import make_agreement_in
from receivables.models import CollectionPlan, PlanState, Receipt, ReceiptState
from salescrm.models import Notification

pytestmark = pytest.mark.browser


def test_from_signature_to_overdue_instalment(sign_in, people):
    agreement = make_agreement_in(
        AgreementState.SENT, people["sales1"], payment_terms="30% on signing, the rest later"
    )
    url = f"/contracts/agreements/{agreement.pk}/"

    sales = sign_in("sales1")
    sales.goto(url)
    sales.get_by_role("button", name="Record the customer's signature").click()
    assert sales.get_by_test_id("state").inner_text() == "Signed"
    assert sales.get_by_test_id("outstanding").inner_text() == "¥10,000.00"
    sales.get_by_role("link", name="Collection plan and receipts").click()
    assert sales.get_by_test_id("plan-state").inner_text() == "Proposed"
    assert "¥3,000.00" in sales.get_by_test_id("instalments").inner_text()

    manager = sign_in("manager1")
    manager.goto(f"/receivables/agreements/{agreement.pk}/")
    manager.get_by_role("button", name="Confirm the plan").click()
    assert manager.get_by_test_id("plan-state").inner_text() == "Confirmed"
    assert CollectionPlan.objects.get().state == PlanState.CONFIRMED

    finance = sign_in("finance1")
    finance.goto("/receivables/")
    finance.get_by_role("link", name=agreement.number).click()
    form = finance.locator("#receipt")
    form.get_by_label("Amount").fill("1000.00")
    form.get_by_label("Method").select_option("transfer")
    form.get_by_label("Reference").fill("ICBC-20261202-01")
    form.get_by_role("button", name="Record").click()
    finance.get_by_test_id("receipts").get_by_role("button", name="Confirm").click()
    assert finance.get_by_test_id("received").inner_text() == "¥1,000.00"
    assert agreement.receipts.get().state == ReceiptState.CONFIRMED

    sales.goto(url)
    assert sales.get_by_test_id("received").inner_text() == "¥1,000.00"
    assert sales.get_by_test_id("outstanding").inner_text() == "¥9,000.00"

    later = timezone.localtime() + timedelta(days=14)
    call_command("run_deadlines", "--now", later.replace(tzinfo=None).isoformat(timespec="minutes"))
    told = set(
        Notification.objects.filter(kind="instalment_overdue").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"sales1", "manager1"}
    sales.goto("/inbox/?tab=action")
    assert "Overdue: instalment 1" in sales.content()

    finance.goto(f"/receivables/agreements/{agreement.pk}/")
    receipts = finance.get_by_test_id("receipts")
    receipts.get_by_label("Reason for the reversal").fill("Paid by another customer")
    receipts.get_by_role("button", name="Reverse").click()
    assert finance.get_by_test_id("received").inner_text() == "¥0.00"
    assert finance.get_by_test_id("outstanding").inner_text() == "¥10,000.00"
    assert "Paid by another customer" in finance.get_by_test_id("receipts").inner_text()
    reversed_receipt = Receipt.objects.get()
    assert reversed_receipt.state == ReceiptState.REVERSED
    assert reversed_receipt.history.count() == 3

    sales.goto(url)
    assert sales.get_by_test_id("outstanding").inner_text() == "¥10,000.00"
