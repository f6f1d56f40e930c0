"""Figures 1 and 2 as the people involved walk them, each in their own browser (real Chromium).

Plan: drafted, rejected in review, revised, passed, submitted, declined by the customer,
revised, passed again, submitted, accepted. Agreement: drafted from it with a price below
the salesperson's authority (major), approved by the manager, by the director, sent,
signed; the customer is then signed.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from contracts.models import Agreement, AgreementState, Plan, PlanState, Signature
from contracts.tests.factories import make_product
from customers.models import PipelineClass
from customers.tests.factories import make_customer

pytestmark = pytest.mark.browser

CUSTOMER = "杭州云帆电子商务有限公司"


def review(page, plan_title, *, comment="", reject=False):
    """A manager opens the plan from their queue and signs a decision on it."""
    page.goto("/contracts/")
    page.get_by_test_id("plan-to-review").filter(has_text=plan_title).get_by_role(
        "link", name=plan_title
    ).click()
    if comment:
        page.get_by_label("Comment").fill(comment)
    page.get_by_role("button", name="Reject" if reject else "Pass the review (sign)").click()


def submit_for_review(sales):
    sales.get_by_role("button", name="Submit for internal review").click()
    assert sales.get_by_test_id("state").inner_text() == "In internal review"


def test_plan_and_major_agreement_from_draft_to_signed(sign_in, people):
    customer = make_customer(people["sales1"], name=CUSTOMER)
    product = make_product(list_price="1000.00", name="城市户外LED大屏 每日")
    start = timezone.localdate() + timedelta(days=30)

    # Figure 1 — sales1 drafts the plan and submits it for internal review.
    sales = sign_in("sales1")
    sales.goto(f"/customers/{customer.pk}/")
    sales.get_by_role("link", name="Draft a plan").click()
    sales.get_by_label("Title").fill("双十一 outdoor campaign")
    sales.get_by_label("The customer's objectives").fill("Drive traffic to the online shop")
    sales.get_by_label("Media and ad slots proposed").fill("TV spots only")
    sales.get_by_role("button", name="Save").click()
    assert "Plan drafted" in sales.locator(".alert-success").inner_text()
    assert sales.get_by_test_id("invalid").is_visible()
    submit_for_review(sales)

    # manager1 rejects it with a reason.
    manager = sign_in("manager1")
    review(manager, "双十一 outdoor campaign", comment="TV alone misses the commuters", reject=True)
    assert manager.get_by_test_id("state").inner_text() == "Draft"

    # sales1 sees why, revises, resubmits; manager1 passes the review.
    sales.reload()
    assert "TV alone misses the commuters" in sales.get_by_test_id("return-reason").inner_text()
    sales.get_by_role("link", name="Revise the plan").click()
    sales.get_by_label("Media and ad slots proposed").fill("TV spots and city LED screens")
    sales.get_by_role("button", name="Save").click()
    submit_for_review(sales)
    review(manager, "双十一 outdoor campaign")
    assert manager.get_by_test_id("state").inner_text() == "Review passed"

    # sales1 submits it to the customer, who declines with feedback.
    sales.reload()
    sales.get_by_role(
        "button", name="Submit the Product Marketing Promotion Plan to the customer"
    ).click()
    assert sales.get_by_test_id("state").inner_text() == "With the customer"
    sales.get_by_label("The customer's feedback").fill("Add metro light boxes")
    sales.get_by_role("button", name="The customer declined").click()
    assert sales.get_by_test_id("state").inner_text() == "Draft"

    # Revised again, passed again, submitted again: accepted, the agreement is drafted.
    sales.get_by_role("link", name="Revise the plan").click()
    sales.get_by_label("Media and ad slots proposed").fill("City LED screens and metro boxes")
    sales.get_by_role("button", name="Save").click()
    submit_for_review(sales)
    review(manager, "双十一 outdoor campaign", comment="Good")
    sales.reload()
    sales.get_by_role(
        "button", name="Submit the Product Marketing Promotion Plan to the customer"
    ).click()
    sales.get_by_role("button", name="The customer accepted: draft the agreement").click()
    sales.wait_for_url("**/contracts/agreements/**")
    plan = Plan.objects.get()
    assert plan.state == PlanState.ACCEPTED
    assert plan.version == 3
    assert [v.outcome for v in plan.versions.order_by("number")] == [
        "rejected", "declined", "accepted",
    ]  # fmt: skip

    # Figure 2 — sales1 prices a line 20 % off list, beyond their 15 % authority.
    sales.get_by_role("link", name="Edit the agreement").click()
    line = sales.get_by_test_id("line").first
    line.get_by_label("Product").fill(product.code)  # the searchable price list
    line.get_by_label("From").fill(start.isoformat())
    line.get_by_label("To").fill((start + timedelta(days=13)).isoformat())
    line.get_by_label("Quantity").fill("14")
    line.get_by_label("Agreed unit price").fill("800.00")
    sales.get_by_label("Payment terms").fill("50% on signing, the rest 30 days after the campaign")
    sales.get_by_label("Free revisions / artwork replacements included").fill("2")
    sales.get_by_role("button", name="Save").click()
    assert "Agreement saved." in sales.locator(".alert-success").inner_text()
    assert (
        "beyond the salesperson's authority of 15.00%" in sales.get_by_test_id("major").inner_text()
    )
    assert sales.get_by_test_id("total").inner_text() == "¥11,200.00"
    sales.get_by_role("button", name="Submit for approval").click()
    assert sales.get_by_test_id("state").inner_text() == "Waiting for the manager"
    assert sales.get_by_role("button", name="Mark as sent to the customer").count() == 0
    agreement = Agreement.objects.get()

    # Before every signature is in, the printable form is marked not valid (in the
    # customer's language: Chinese unless the file says otherwise).
    printable = sales.context.new_page()
    printable.goto(f"/contracts/agreements/{agreement.pk}/print/")
    assert "未审批 — 无效" in printable.content()
    printable.close()

    # manager1 approves: it goes on to the director, whose queue says why.
    manager.goto("/contracts/")
    manager.get_by_test_id("agreement-to-approve").filter(has_text=agreement.number).get_by_role(
        "link", name=agreement.number
    ).click()
    manager.get_by_role("button", name="Approve (sign)").click()
    assert manager.get_by_test_id("state").inner_text() == "Waiting for the director"

    director = sign_in("director")
    director.get_by_role("link", name="Plans & agreements").click()
    waiting = director.get_by_test_id("agreement-to-approve").filter(has_text=agreement.number)
    assert "20.00% off" in waiting.get_by_test_id("major-reasons").inner_text()
    waiting.get_by_role("link", name=agreement.number).click()
    director.get_by_label("Comment").fill("Strategic customer: approved")
    director.get_by_role("button", name="Approve (sign)").click()
    assert director.get_by_test_id("state").inner_text() == "Approved"
    signatures = director.get_by_test_id("signatures").inner_text()
    assert "Sales manager's approval" in signatures
    assert "Marketing director's approval" in signatures

    # sales1 sends it and records the customer's signature: the customer is signed.
    sales.reload()
    assert sales.get_by_role("link", name="Download final").is_visible()
    sales.get_by_role("button", name="Mark as sent to the customer").click()
    assert sales.get_by_test_id("state").inner_text() == "Sent to the customer"
    sign = sales.locator("#sign")
    sign.get_by_label("Signed by the customer on").fill(timezone.localdate().isoformat())
    sign.get_by_role("button", name="Record the customer's signature").click()
    assert sales.get_by_test_id("state").inner_text() == "Signed"

    sales.goto(f"/customers/{customer.pk}/")
    assert str(PipelineClass.SIGNED.label) in sales.get_by_test_id("class").inner_text()
    agreement.refresh_from_db()
    customer.refresh_from_db()
    assert agreement.state == AgreementState.SIGNED
    assert customer.pipeline_class == PipelineClass.SIGNED
    assert Signature.objects.filter(agreement=agreement, decision="approved").count() == 2
    assert customer.class_changes.filter(to_class=PipelineClass.SIGNED).exists()
