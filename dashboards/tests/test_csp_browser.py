"""Under the Content-Security-Policy the pages work in a real Chromium and nothing is
refused: the menu, the language switch, the pool's "tick all", the progress bars, the
printable plan."""

import pytest

from contracts.tests.factories import approved_plan
from customers.tests.factories import make_customer

pytestmark = pytest.mark.browser

WATCH = """() => {
  window.cspViolations = [];
  document.addEventListener("securitypolicyviolation",
    (e) => window.cspViolations.push(e.violatedDirective + " " + e.blockedURI));
}"""


def watched(page):
    """Record the page's CSP violations: console reports and violation events."""
    reports = []
    page.on(
        "console",
        lambda message: reports.append(message.text)
        if "Content Security Policy" in message.text
        else None,
    )
    page.add_init_script(f"({WATCH})()")
    return reports


def violations(page, reports):
    return reports + page.evaluate("window.cspViolations || []")


def test_the_pages_work_with_nothing_refused(sign_in, people):
    for number in range(3):
        make_customer(actor=people["manager1"], to_pool=True, name=f"Pool Lead {number}")
    plan = approved_plan(people["sales1"], people["manager1"])

    sales = sign_in("sales1")
    reports = watched(sales)
    sales.goto("/")
    fill = sales.locator("[data-testid=target-card] .progress-fill")
    assert fill.bounding_box()["width"] > 0  # the SVG bar is drawn
    assert violations(sales, reports) == []
    sales.goto(f"/contracts/plans/{plan.pk}/print/")
    sales.get_by_role("button", name="Print").wait_for()
    assert sales.evaluate("getComputedStyle(document.querySelector('.toolbar')).display") == "flex"
    assert violations(sales, reports) == []

    manager = sign_in("manager1")
    reports = watched(manager)
    manager.goto("/customers/pool/")
    manager.get_by_label("Tick all on this page").check()
    assert manager.locator("input[data-pool-tick]:checked").count() == 3
    manager.get_by_label("Tick all on this page").uncheck()
    assert manager.locator("input[data-pool-tick]:checked").count() == 0
    manager.select_option("#nav-language", "zh-hans")
    manager.locator("html[lang='zh-hans']").wait_for()
    assert violations(manager, reports) == []
