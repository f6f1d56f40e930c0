import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def msgfmt_statistics(po: Path) -> str:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stderr


def test_every_string_in_the_source_has_a_chinese_translation(tmp_path, settings, monkeypatch):
    # makemessages writes to the catalogue beside the sources it scans, so scan a
    # copy of the tree and merge its strings into a copy of the catalogue.
    source = tmp_path / "src"
    shutil.copytree(
        settings.BASE_DIR,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", "var", ".git", "*_cache", "__pycache__", "node_modules", "vendor"
        ),
    )
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)

    call_command(
        "makemessages",
        locale=["zh_Hans"],
        ignore_patterns=["*/tests/*"],
        no_obsolete=True,
        verbosity=0,
    )

    statistics = msgfmt_statistics(source / PO.relative_to(settings.BASE_DIR))
    assert "untranslated" not in statistics, statistics
    assert "fuzzy" not in statistics, statistics


def test_the_chinese_catalogue_is_compiled_and_used():
    with translation.override("zh-hans"):
        assert translation.gettext("Home") == "首页"
