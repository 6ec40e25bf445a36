"""Configuration from the environment (DESIGN.md §8).

A wrong setting must end `manage.py` with exit code 2 and one sentence that names the variable
and says what to do, never with a traceback. The command-line tests run `manage.py` in a
subprocess with a clean environment; the parsing tests execute `ratsinfo/settings.py` in-process
with `runpy`, which builds a fresh module namespace and leaves Django's loaded settings alone.
"""

from __future__ import annotations

import json
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SETTINGS_FILE = REPO / "ratsinfo" / "settings.py"

# Every variable the settings module reads, so that the caller's environment (a developer's
# shell, CI's DATABASE_URL) cannot leak into a test.
SETTINGS_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "ELASTICSEARCH_URL",
    "TIME_ZONE",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "FILE_UPLOAD_MAX_BYTES",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "LOG_LEVEL",
    "OPARL_SYSTEM_NAME",
    "SITE_URL",
    "RATSINFO_VAR_DIR",
    "DJANGO_SETTINGS_MODULE",
)
SECRET = "ein-langer-zufaelliger-schluessel-nur-fuer-diesen-test-0123456789-abcdef"
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": SECRET, "ALLOWED_HOSTS": "ratsinfo.example.org"}


def manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    clean["RATSINFO_VAR_DIR"] = str(tmp_path / "var")
    clean.update(env)
    return subprocess.run(  # noqa: S603 - the project's own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def load_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> dict[str, Any]:
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RATSINFO_VAR_DIR", str(tmp_path / "var"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def assert_one_clear_sentence(result: subprocess.CompletedProcess[str], *names: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for name in names:
        assert name in lines[0]


# --- configuration errors on the command line ------------------------------------------------


def test_production_without_secret_key_names_secret_key(tmp_path):
    result = manage(tmp_path, "check", DEBUG="false", ALLOWED_HOSTS="ratsinfo.example.org")

    assert_one_clear_sentence(result, "SECRET_KEY")


def test_production_without_allowed_hosts_names_allowed_hosts(tmp_path):
    result = manage(tmp_path, "check", DEBUG="false", SECRET_KEY=SECRET)

    assert_one_clear_sentence(result, "ALLOWED_HOSTS")


def test_mysql_database_url_names_the_supported_databases(tmp_path):
    result = manage(tmp_path, "check", DATABASE_URL="mysql://rat:streng-geheim@db/ratsinfo")

    assert_one_clear_sentence(result, "DATABASE_URL", "PostgreSQL", "SQLite")
    assert "streng-geheim" not in result.stderr


def test_database_url_that_is_no_url_names_database_url(tmp_path):
    result = manage(tmp_path, "check", DATABASE_URL="not a url")

    assert_one_clear_sentence(result, "DATABASE_URL", "postgres://")


def test_unreachable_database_says_so_without_traceback(tmp_path):
    result = manage(
        tmp_path, "migrate", "--noinput", DATABASE_URL="postgres://postgres@127.0.0.1:1/nothing"
    )

    assert_one_clear_sentence(result, "Datenbank ist nicht erreichbar", "DATABASE_URL")


def test_database_without_tables_asks_for_migrate(tmp_path):
    result = manage(tmp_path, "seed_demo")

    assert_one_clear_sentence(result, "noch nicht eingerichtet", "manage.py migrate")


def test_debug_that_is_no_boolean_names_debug(tmp_path):
    result = manage(tmp_path, "check", DEBUG="maybe")

    assert_one_clear_sentence(result, "DEBUG", "maybe", "true", "false")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SECURE_HSTS_SECONDS", "ein Jahr"),
        ("FILE_UPLOAD_MAX_BYTES", "1e9"),
        ("TIME_ZONE", "Mars/Olympus_Mons"),
        ("LOG_LEVEL", "LAUT"),
        ("EMAIL_URL", "http://mail.example.org"),
        ("EMAIL_URL", "smtp://mail.example.org:fuenf"),
        ("DATABASE_URL", "postgres://rat@db:port/ratsinfo"),
        ("DATABASE_URL", "oracle://rat@db/ratsinfo"),
    ],
)
def test_invalid_value_is_reported_in_one_sentence_naming_the_variable(tmp_path, variable, value):
    result = manage(tmp_path, "check", **{**PRODUCTION, variable: value})

    assert_one_clear_sentence(result, variable)


def test_sqlite_folder_that_cannot_be_created_is_reported(tmp_path):
    blocker = tmp_path / "kein-ordner"
    blocker.write_text("eine Datei, kein Ordner")

    result = manage(tmp_path, "check", DATABASE_URL=f"sqlite:///{blocker}/ratsinfo.sqlite3")

    assert_one_clear_sentence(result, "SQLite", "RATSINFO_VAR_DIR")


def test_valid_configuration_passes_check(tmp_path):
    result = manage(tmp_path, "check")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


# --- production hardening --------------------------------------------------------------------


def test_production_turns_on_secure_cookies_hsts_and_https_redirect(tmp_path):
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({name: "
        "getattr(s, name) for name in ['DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',"
        " 'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_INCLUDE_SUBDOMAINS']}))"
    )

    result = manage(tmp_path, "shell", "--no-imports", "-c", script, **PRODUCTION)

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] > 0
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True


def test_deploy_check_has_no_security_warnings_but_hsts_preload(tmp_path):
    result = manage(tmp_path, "check", "--deploy", **PRODUCTION)

    warnings = set(re.findall(r"\(security\.(\w+)\)", result.stdout + result.stderr))
    # W021 (HSTS preload) stays off on purpose: entering the browsers' preload list binds the
    # whole domain, and every subdomain of a town's domain, to HTTPS for months and cannot be
    # undone quickly; that is the operator's decision, not a default.
    assert warnings <= {"W021"}, result.stdout + result.stderr
    assert result.returncode == 0


# --- parsing ---------------------------------------------------------------------------------


def test_debug_is_on_by_default_with_a_development_key(monkeypatch, tmp_path):
    settings = load_settings(monkeypatch, tmp_path)

    assert settings["DEBUG"] is True
    assert settings["SECRET_KEY"]
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert settings["SECURE_HSTS_SECONDS"] == 0


def test_production_uses_the_given_secret_key_and_hosts(monkeypatch, tmp_path):
    settings = load_settings(
        monkeypatch, tmp_path, **{**PRODUCTION, "ALLOWED_HOSTS": "a.example.org, b.example.org"}
    )

    assert settings["SECRET_KEY"] == SECRET
    assert settings["ALLOWED_HOSTS"] == ["a.example.org", "b.example.org"]


@pytest.mark.parametrize(("raw", "expected"), [("0", False), ("no", False), ("On", True)])
def test_debug_accepts_common_spellings(monkeypatch, tmp_path, raw, expected):
    settings = load_settings(monkeypatch, tmp_path, **{**PRODUCTION, "DEBUG": raw})

    assert settings["DEBUG"] is expected


def test_default_database_is_sqlite_in_the_var_dir(monkeypatch, tmp_path):
    settings = load_settings(monkeypatch, tmp_path)

    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(database["NAME"]) == tmp_path / "var" / "ratsinfo.sqlite3"
    assert (tmp_path / "var").is_dir()


def test_postgres_database_url_is_parsed(monkeypatch, tmp_path):
    settings = load_settings(
        monkeypatch, tmp_path, DATABASE_URL="postgres://rat:geheim@db.example.org:5433/ratsinfo"
    )

    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.example.org",
        5433,
        "ratsinfo",
    )
    assert (database["USER"], database["PASSWORD"]) == ("rat", "geheim")


def test_redis_url_selects_the_redis_channel_layer(monkeypatch, tmp_path):
    settings = load_settings(monkeypatch, tmp_path, REDIS_URL="redis://127.0.0.1:6379/1")

    layer = settings["CHANNEL_LAYERS"]["default"]
    assert layer["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert layer["CONFIG"]["hosts"] == ["redis://127.0.0.1:6379/1"]


def test_without_redis_url_the_channel_layer_is_in_memory(monkeypatch, tmp_path):
    settings = load_settings(monkeypatch, tmp_path)

    assert settings["CHANNEL_LAYERS"]["default"]["BACKEND"] == (
        "ratsinfo.channel_layers.InMemoryChannelLayer"
    )


def test_redis_channel_prefix_keeps_installations_apart(monkeypatch, tmp_path):
    settings = load_settings(
        monkeypatch,
        tmp_path,
        REDIS_URL="redis://127.0.0.1:6379/1",
        REDIS_CHANNEL_PREFIX="musterstadt",
    )

    assert settings["CHANNEL_LAYERS"]["default"]["CONFIG"]["prefix"] == "musterstadt"


def test_without_email_url_mail_goes_to_the_console(monkeypatch, tmp_path):
    settings = load_settings(monkeypatch, tmp_path)

    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://post%40musterstadt.de:p%40ss@mail.example.org:25",
            ("mail.example.org", 25, "post@musterstadt.de", "p@ss", False, False),
        ),
        ("smtps://mail.example.org", ("mail.example.org", 465, "", "", True, False)),
        (
            "submission://rat:geheim@mail.example.org",
            ("mail.example.org", 587, "rat", "geheim", False, True),
        ),
    ],
)
def test_email_url_is_parsed(monkeypatch, tmp_path, url, expected):
    settings = load_settings(monkeypatch, tmp_path, EMAIL_URL=url)

    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (
        settings["EMAIL_HOST"],
        settings["EMAIL_PORT"],
        settings["EMAIL_HOST_USER"],
        settings["EMAIL_HOST_PASSWORD"],
        settings["EMAIL_USE_SSL"],
        settings["EMAIL_USE_TLS"],
    ) == expected


def test_hsts_seconds_can_be_shortened_for_a_trial(monkeypatch, tmp_path):
    settings = load_settings(monkeypatch, tmp_path, **PRODUCTION, SECURE_HSTS_SECONDS="300")

    assert settings["SECURE_HSTS_SECONDS"] == 300
