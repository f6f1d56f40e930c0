"""The director in a real Chromium: the dashboard with its charts and channel table, the
report by person for another period, and its XLSX holding the numbers on screen."""

import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from reports.tests import builders as b

pytestmark = pytest.mark.browser


def test_director_switches_period_and_downloads_the_same_numbers(sign_in, people):
    now = timezone.now()
    sales1 = people["sales1"]
    for hours in (1, 2, 3):
        b.customer(sales1, entered=now - timedelta(hours=hours), due=now + timedelta(days=2),
                   completed=now - timedelta(minutes=hours))  # fmt: skip
    signed = b.customer(people["sales4"], entered=now - timedelta(days=1), due=now)
    b.agreement(signed, people["sales4"], total="12345.00", signed_on=timezone.localdate(),
                created=now - timedelta(hours=5))  # fmt: skip

    page = sign_in("director")
    page.goto("/reports/dashboard/")
    page.get_by_test_id("chart-pipeline").locator("svg").wait_for()
    assert page.get_by_test_id("channel-table").is_visible()
    assert "¥12,345.00" in page.get_by_test_id("signed-vs-target").inner_text()

    page.goto("/reports/")
    row = page.get_by_test_id(f"row-person-{sales1.pk}")
    assert row.locator("td").first.inner_text() == "3"
    # Switch to the year: the label follows and the numbers hold.
    page.get_by_label("Period", exact=True).select_option("year")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**period=year**")
    assert page.get_by_test_id("period-label").inner_text() == str(timezone.localdate().year)
    company = page.get_by_test_id("row-company")
    on_screen = [cell.inner_text() for cell in company.locator("td").all()]
    assert on_screen[0] == "4"

    with page.expect_download() as download_info:
        page.get_by_test_id("export-xlsx").click()
    sheet = openpyxl.load_workbook(io.BytesIO(download_info.value.path().read_bytes())).active
    last = [cell.value for cell in sheet[sheet.max_row]]
    assert last[0] == "Company"

    def number(value):  # the screen's "¥12,345.00" and the file's raw number
        if value in (None, "—"):
            return None
        return Decimal(str(value).replace("¥", "").replace(",", ""))

    assert [number(value) for value in last[1:]] == [number(value) for value in on_screen]

    page.goto("/reports/channels/?period=year")
    assert page.get_by_test_id("channel-trade_show").is_visible()


def test_dashboard_fits_a_phone(sign_in, people):
    phone = sign_in("sales1", phone=True)
    phone.goto("/reports/dashboard/")
    phone.get_by_test_id("chart-files-per-day").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
