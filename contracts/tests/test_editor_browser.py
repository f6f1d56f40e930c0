"""The live agreement editor and the delegate's notice, in real Chromium.

sales1 (discount authority 15 %) sees the director's approval coming while typing, before
saving, and adds a line without saving; on a phone in Chinese too. manager2, signing for
the director under a delegation, is told so before signing.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contracts import services
from contracts.models import Agreement, AgreementLine, AgreementState
from contracts.tests.factories import line, make_agreement_in, make_product

pytestmark = pytest.mark.browser


@pytest.fixture
def draft(people):
    """sales1's draft agreement: one line, 10 spots of a 1000.00 product at list price."""
    product = make_product(list_price="1000.00", name="晚间新闻前黄金时段")
    return make_agreement_in(AgreementState.DRAFT, people["sales1"], lines=[line(product)])


def field(page, index: int, name: str):
    return page.locator(f'[name="lines-{index}-{name}"]')


def test_the_editor_shows_the_directors_approval_and_adds_a_line_before_saving(sign_in, draft):
    make_product(list_price="250.00", name="Metro light box")
    start = timezone.localdate() + timedelta(days=30)
    sales = sign_in("sales1")
    sales.goto(f"/contracts/agreements/{draft.pk}/edit/")
    expect(sales.get_by_test_id("preview-total")).to_have_text("10000.00")

    # 20 % off list, beyond sales1's 15 %: said at once, nothing saved.
    field(sales, 0, "agreed_price").fill("800.00")
    warning = sales.get_by_test_id("preview-major")
    expect(warning).to_contain_text("Line 1")
    expect(warning).to_contain_text("is 20.00% off, beyond the salesperson's authority of 15.00%")
    expect(sales.get_by_test_id("preview-total")).to_have_text("8000.00")
    expect(sales.get_by_test_id("preview-discount")).to_have_text("2000.00 (20.00%)")
    expect(sales.locator("#line-figures-0")).to_contain_text("20.00% off")
    expect(sales.locator("#line-figures-0")).to_contain_text("beyond your authority")
    assert AgreementLine.objects.get(agreement=draft).agreed_price == 1000

    # A line more, without saving: picked from the price list by its name.
    lines = sales.get_by_test_id("line")
    expect(lines).to_have_count(2)
    sales.get_by_role("button", name="Add a line").click()
    expect(lines).to_have_count(3)
    field(sales, 2, "product").fill("Metro light box")
    field(sales, 2, "period_start").fill(start.isoformat())
    field(sales, 2, "period_end").fill((start + timedelta(days=6)).isoformat())
    field(sales, 2, "quantity").fill("4")
    field(sales, 2, "agreed_price").fill("250.00")
    expect(sales.locator("#line-figures-2")).to_contain_text("Metro light box")
    expect(sales.get_by_test_id("preview-total")).to_have_text("9000.00")
    expect(sales.locator("#line-legend-2")).to_have_text("Line 2")

    # Line 1 ticked for removal: out of the figures, the warning goes; ticked back, it returns.
    sales.locator("#line-legend-0").locator("..").get_by_label("Delete").check()
    expect(sales.locator("#line-legend-0")).to_have_text("Removed when you save")
    expect(sales.get_by_test_id("preview-total")).to_have_text("1000.00")
    expect(sales.locator("#line-legend-2")).to_have_text("Line 1")
    expect(warning).to_have_count(0)
    sales.locator("#line-legend-0").locator("..").get_by_label("Delete").uncheck()
    expect(warning).to_contain_text("Line 1")
    expect(sales.locator("#line-legend-2")).to_have_text("Line 2")

    # Back within the authority: the warning goes before anything is saved.
    field(sales, 0, "agreed_price").fill("900.00")
    expect(sales.get_by_test_id("preview-within")).to_contain_text("15.00% off")
    expect(warning).to_have_count(0)
    assert AgreementLine.objects.filter(agreement=draft).count() == 1

    sales.get_by_role("button", name="Save").click()
    expect(sales.locator(".alert-success")).to_contain_text("Agreement saved.")
    saved = list(draft.lines.order_by("position").values_list("product__name", "agreed_price"))
    assert saved == [("晚间新闻前黄金时段", 900), ("Metro light box", 250)]


def test_on_a_phone_in_chinese_the_warning_comes_while_typing(people, sign_in, draft):
    sales1 = people["sales1"]
    sales1.language = "zh-hans"
    sales1.save(update_fields=["language"])
    phone = sign_in("sales1", phone=True)
    phone.goto(f"/contracts/agreements/{draft.pk}/edit/")

    field(phone, 0, "agreed_price").fill("800.00")

    warning = phone.get_by_test_id("preview-major")
    expect(warning).to_contain_text("销售经理审批后还须营销总监审批")
    expect(warning).to_contain_text("超出业务员 15.00% 的折扣权限")
    expect(phone.locator("#line-figures-0")).to_contain_text("超出您的折扣权限：须营销总监审批")
    warning.scroll_into_view_if_needed()
    expect(warning).to_be_in_viewport()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    phone.get_by_role("button", name="添加一行").click()
    expect(phone.get_by_test_id("line")).to_have_count(3)
    draft.refresh_from_db()
    assert draft.total == 10000


def test_a_delegate_sees_whom_they_sign_for_before_signing(people, sign_in):
    """The director (张伟) is away; manager2 signs the director's step for him."""
    director, manager2 = people["director"], people["manager2"]
    until = timezone.localdate() + timedelta(days=7)
    services.delegation_create(
        delegator=director,
        delegate=manager2,
        valid_from=timezone.localdate(),
        valid_until=until,
        actor=director,
    )
    agreement = make_agreement_in(AgreementState.DIRECTOR_REVIEW, people["sales1"], major=True)
    page = sign_in("manager2")

    page.goto(f"/contracts/agreements/{agreement.pk}/")

    notice = page.get_by_test_id("delegate-notice")
    expect(notice).to_contain_text("You are signing for 张伟 under the delegation valid until")
    expect(notice).to_contain_text(str(until.year))
    decide = page.locator("#decide")
    assert (
        decide.bounding_box()["y"]
        <= notice.bounding_box()["y"]
        < page.get_by_role("button", name="Approve (sign)").bounding_box()["y"]
    )
    assert Agreement.objects.get(pk=agreement.pk).state == AgreementState.DIRECTOR_REVIEW
    page.get_by_role("button", name="Approve (sign)").click()
    expect(page.get_by_test_id("state")).to_have_text("Approved")
