"""English words with two meanings carry a context, so each gets its own Chinese."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

# msgid -> the meanings it has in this product; each must be its own entry with a context.
NEEDS_CONTEXT = {
    "due by %(due)s": {"first contact", "visit log"},
    "Nothing waiting.": {"visit slips", "plans and agreements"},
}


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(CATALOGUE))


@pytest.mark.parametrize("msgid", sorted(NEEDS_CONTEXT))
def test_a_word_with_two_meanings_is_only_used_with_its_context(catalogue, msgid):
    entries = [e for e in catalogue if e.msgid == msgid and not e.obsolete]
    assert {e.msgctxt for e in entries} == NEEDS_CONTEXT[msgid]
    assert len({e.msgstr for e in entries}) == len(entries), "each meaning has its own Chinese"


def test_one_chinese_term_per_concept_of_the_company_forms(catalogue):
    chinese = "\n".join(e.msgstr for e in catalogue if not e.obsolete)
    # The company's forms say 公共客户池 and 客户信息档案; never the short forms alone.
    assert "公共客户池" in chinese
    assert chinese.replace("公共客户池", "").count("客户池") == 0
    assert chinese.replace("客户信息档案", "").count("客户档案") == 0


def test_a_contact_persons_name_is_a_persons_name(catalogue):
    (entry,) = [e for e in catalogue if e.msgid == "name" and e.msgctxt == "a person's"]
    assert entry.msgstr == "姓名"
