"""A strict Content-Security-Policy, and templates that need nothing inline to work.

The template scan covers every page template (not the e-mails, which are not served under
the policy): a new inline <script>, on*="" handler, <style> block or style="" attribute
fails here before a browser would refuse it.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from salescrm.testing.http import inline_code

TEMPLATES = Path(settings.BASE_DIR) / "templates"

def page_templates() -> list[Path]:
    return sorted(
        path for path in TEMPLATES.rglob("*.html")
        if "email" not in path.relative_to(TEMPLATES).parts
    )  # fmt: skip


def test_no_page_template_has_inline_script_handlers_or_styles():
    templates = page_templates()

    assert len(templates) > 50
    found = {str(p.relative_to(TEMPLATES)): inline_code(p.read_text()) for p in templates}
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_the_scan_finds_what_it_looks_for():
    assert len(inline_code(
        '<script>alert(1)</script><a onclick="x()"><div style="width: 5%"><style>'
        '<a href="javascript:x()">'
    )) == 5  # fmt: skip
    assert inline_code('<script src="/static/js/a.js"></script><svg><rect width="5"/></svg>') == []


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["login", "password_reset"])
def test_every_page_is_sent_with_a_strict_policy_even_before_login(client, url):
    response = client.get(reverse(url))

    directives = policy(response)
    assert directives["script-src"] == "script-src 'self'"
    assert directives["style-src"] == "style-src 'self'"
    assert directives["object-src"] == "object-src 'none'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert "unsafe" not in response["Content-Security-Policy"]


def test_signed_in_pages_carry_the_policy_and_no_inline_code(client_for, salesperson, manager):
    for user, url in [
        (salesperson, reverse("home")),
        (salesperson, reverse("inbox")),
        (salesperson, reverse("search") + "?q=acme"),
        (manager, reverse("home")),
        (manager, reverse("customers:pool")),
        (manager, reverse("customers:checks")),
    ]:
        response = client_for(user).get(url)

        assert response.status_code == 200, url
        assert policy(response)["script-src"] == "script-src 'self'", url
        assert inline_code(response.content.decode()) == [], url
