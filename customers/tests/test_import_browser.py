"""Importing a lead list on a phone, in a real Chromium."""

import pytest
from django.conf import settings

from customers.models import Customer

pytestmark = pytest.mark.browser

LEADS = (
    "公司名称,来源渠道,联系人,手机,备注\r\n"
    "杭州云帆文化传媒有限公司,展会,王芳,13912345678,A long note that must not widen the page\r\n"
    "杭州云帆文化传媒股份有限公司,展会,,,\r\n"
    ",展会,,,\r\n"
)


def test_a_salesperson_imports_a_gbk_lead_list_on_a_phone(
    browser, live_server, people, tmp_path, eager_tasks
):
    leads = tmp_path / "展会名单.csv"
    leads.write_bytes(LEADS.encode("gbk"))
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("sales1")
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")

    page.goto("/customers/")
    page.get_by_role("button", name="Export / import").click()
    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("Lead list").set_input_files(str(leads))
    page.get_by_role("button", name="Check the file").click()

    rows = page.get_by_test_id("import-rows")
    assert "Same company name as row 2" in rows.inner_text()
    assert "The company name is missing." in rows.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert not Customer.objects.exists()

    page.get_by_role("button", name="Import 1 new customer").click()

    assert "1 customer imported." in page.locator(".alert-success").first.inner_text()
    assert Customer.objects.get().owner == people["sales1"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()
