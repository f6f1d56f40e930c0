import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "crm.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://crm.example.com",
}


def run_manage(*args, env_overrides, unset=()):
    env = {**os.environ, **env_overrides, "DJANGO_SETTINGS_MODULE": "salescrm.settings"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests' process only
    for name in unset:
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_values_pass_the_deploy_check_without_warnings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def settings_in(env_overrides, *names, unset=()):
    """The values of settings `names` in a fresh process with this environment."""
    code = "from django.conf import settings; " + "; ".join(
        f"print(repr(settings.{name}))" for name in names
    )
    result = run_manage(
        "shell", "--no-imports", "-c", code, env_overrides=env_overrides, unset=unset
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return [ast.literal_eval(line) for line in result.stdout.splitlines()]


def test_debug_is_off_when_the_environment_does_not_turn_it_on():
    (debug,) = settings_in({"SECRET_KEY": PRODUCTION_ENV["SECRET_KEY"]}, "DEBUG", unset=["DEBUG"])

    assert debug is False


@pytest.mark.parametrize(
    "secret_key", [None, "", "django-insecure-development-only-key-set-SECRET_KEY-in-production"]
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    overrides = {**PRODUCTION_ENV}
    del overrides["SECRET_KEY"]
    if secret_key is not None:
        overrides["SECRET_KEY"] = secret_key
    unset = ["SECRET_KEY"] if secret_key is None else []

    for debug in ("false", None):
        env = {**overrides, "DEBUG": debug} if debug else overrides
        result = run_manage(
            "check", env_overrides=env, unset=[*unset, *([] if debug else ["DEBUG"])]
        )

        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert "SECRET_KEY must be set" in result.stderr


def test_development_runs_on_the_development_key_only_when_debug_is_on():
    (debug, key) = settings_in({"DEBUG": "true"}, "DEBUG", "SECRET_KEY", unset=["SECRET_KEY"])

    assert debug is True
    assert key.startswith("django-insecure")


def test_the_embedded_runner_turns_debug_on_for_development_commands():
    env = {**os.environ}
    for name in ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "salescrm.embedded", "run", "--", sys.executable, "manage.py",
         "shell", "--no-imports", "-c",
         "from django.conf import settings; print(settings.DEBUG)"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "True"


def test_make_turns_debug_on_for_its_development_commands():
    makefile = (BASE_DIR / "Makefile").read_text()

    assert re.search(r"^export DEBUG \?= true$", makefile, re.M)


def test_production_cookies_carry_the_host_prefix():
    names = settings_in(
        PRODUCTION_ENV, "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE", "SESSION_COOKIE_PATH", "CSRF_COOKIE_PATH", "SESSION_COOKIE_DOMAIN",
        "CSRF_COOKIE_DOMAIN",
    )  # fmt: skip

    # __Host-: the browser takes the cookie only if Secure, Path=/ and no Domain.
    assert names == ["__Host-sessionid", "__Host-csrftoken", True, True, "/", "/", None, None]


def test_development_over_plain_http_keeps_the_plain_cookie_names():
    names = settings_in({"DEBUG": "true"}, "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME")

    assert names == ["sessionid", "csrftoken"]


def readme_production_settings() -> dict[str, str]:
    """The README's "Settings: at least" block, with a real key for the placeholder."""
    readme = (BASE_DIR / "README.md").read_text()
    block = re.search(r"\*\*Settings\*\*: at least\s*```sh\n(.*?)```", readme, re.S)
    assert block, "the README's production settings block is missing"
    values = dict(
        line.strip().split("=", 1) for line in block.group(1).splitlines() if "=" in line
    )
    assert values["SECRET_KEY"].startswith("<")
    values["SECRET_KEY"] = PRODUCTION_ENV["SECRET_KEY"]
    return values


def test_the_readmes_production_settings_pass_the_deploy_check_without_warnings():
    values = readme_production_settings()

    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides=values, unset=["DEBUG"]
    )

    assert values["DEBUG"] == "false"
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_readmes_production_settings_send_the_strict_headers():
    names = settings_in(
        readme_production_settings(), "DEBUG", "SESSION_COOKIE_NAME", "SECURE_SSL_REDIRECT",
        "CONTENT_SECURITY_POLICY",
    )  # fmt: skip

    assert names[:3] == [False, "__Host-sessionid", True]
    assert names[3]["DIRECTIVES"]["script-src"] == ["'self'"]


def test_development_defaults_fail_the_deploy_check():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides={"DEBUG": "true"}
    )

    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on


def test_links_in_e_mail_follow_the_port_make_run_serves_on():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SITE_URL)",
        env_overrides={**PRODUCTION_ENV, "PORT": "8103", "SITE_URL": ""},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8103"


def test_time_zone_and_languages_are_the_company_ones():
    assert settings.USE_TZ is True
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert [code for code, _ in settings.LANGUAGES] == ["en", "zh-hans"]


def test_tests_run_on_postgresql():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def test_every_environment_variable_is_documented_in_env_example():
    read = set()
    for source in ["salescrm/settings.py", "salescrm/embedded.py", "Procfile", "conftest.py"]:
        text = (BASE_DIR / source).read_text()
        read |= set(re.findall(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""", text))
        read |= set(re.findall(r"""environ(?:\.get)?\(\s*["']([A-Z][A-Z0-9_]+)["']""", text))
        read |= set(re.findall(r"""ENVIRON\b[^"']*["']([A-Z][A-Z0-9_]+)["']""", text))
        read |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+):-", text))
    read -= {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    documented = set(
        re.findall(r"^([A-Z][A-Z0-9_]+)=", (BASE_DIR / ".env.example").read_text(), re.M)
    )

    assert read, "the scan found no variables at all"
    assert read - documented == set()
