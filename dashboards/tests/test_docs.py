"""The docs cite code by dotted name; every name they cite exists."""

import importlib
import re
from pathlib import Path

import pytest
from django.conf import settings

DOCS = Path(settings.BASE_DIR) / "docs"
PACKAGES = (
    "salescrm", "customers", "visits", "contracts", "receivables", "reports", "dashboards", "demo"
)
DOTTED = re.compile(r"`((?:" + "|".join(PACKAGES) + r")(?:\.\w+)+)`")


def resolve(name: str):
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            field = getattr(getattr(target, "_meta", None), "get_field", None)
            if not hasattr(target, attribute) and field is not None:
                target = field(attribute)  # a model field, e.g. Customer.completion_due_at
            else:
                target = getattr(target, attribute)
        return target
    raise ModuleNotFoundError(name)


@pytest.mark.parametrize("page", sorted(DOCS.glob("*.md")), ids=lambda path: path.name)
def test_every_dotted_name_a_doc_cites_exists(page):
    names = sorted(set(DOTTED.findall(page.read_text())))
    missing = []
    for name in names:
        try:
            resolve(name)
        except (AttributeError, ModuleNotFoundError, LookupError) as error:
            missing.append(f"{name}: {error}")
    assert names, page
    assert missing == []


CITED_RULE = re.compile(r"\b(?:[Rr]ule|Figure) (\d+(?:\.\d+)*)")
HEADING_NUMBER = re.compile(r"^#+ (?:Figure |Rule )?(\d+(?:\.\d+)*)", re.MULTILINE)
SOURCES = (
    "salescrm", "customers", "visits", "contracts", "receivables", "reports", "dashboards", "demo",
    "templates",
)  # fmt: skip


def test_every_rule_the_code_cites_is_in_the_rules_page():
    headings = set(HEADING_NUMBER.findall((DOCS / "sales-rules.md").read_text()))
    cited = {}
    for package in SOURCES:
        for path in (Path(settings.BASE_DIR) / package).rglob("*"):
            if path.suffix in {".py", ".html"} and "migrations" not in path.parts:
                for number in CITED_RULE.findall(path.read_text()):
                    cited.setdefault(number, str(path))
    unknown = {
        number: where
        for number, where in cited.items()
        if not any(h == number or h.startswith(number + ".") for h in headings)
    }
    assert len(cited) > 10
    assert unknown == {}
