"""Ratsinfo settings: one module, read from the environment (DESIGN.md §8).

Embedded defaults (SQLite in var/, in-memory channel layer) need nothing set. Production sets
DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and points DATABASE_URL / REDIS_URL / ELASTICSEARCH_URL
at real services. deploy/.env.example lists every variable.
"""

from __future__ import annotations

import os
import re
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("RATSINFO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} ist kein Wahrheitswert. Setzen Sie {name} auf true oder false."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={raw!r} ist keine ganze Zahl. Setzen Sie {name} z. B. auf {default}."
        ) from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

# A development key is only acceptable while DEBUG is on; production must bring its own.
_DEV_SECRET_KEY = "ratsinfo-development-only-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY fehlt. Im Produktivbetrieb (DEBUG=false) muss SECRET_KEY gesetzt sein, "
            'z. B. mit: python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS fehlt. Setzen Sie ALLOWED_HOSTS auf den Domainnamen der Installation, "
        "z. B. ALLOWED_HOSTS=ratsinfo.musterstadt.de"
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # daphne first: it makes `runserver` an ASGI server with websockets.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "channels",
    "ratsinfo",
    "sessions.apps.MeetingsConfig",
    "documents",
    "votes",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ratsinfo.language.GermanFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ratsinfo.urls"
ASGI_APPLICATION = "ratsinfo.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ratsinfo.context_processors.site",
            ],
        },
    },
]

_DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'ratsinfo.sqlite3'}"
DATABASE_URL = os.environ.get("DATABASE_URL", "") or _DEFAULT_DATABASE_URL
_database_scheme, _separator, _database_location = DATABASE_URL.partition("://")
if not _separator:
    # The value itself is never repeated in a message: it may carry a password.
    raise ImproperlyConfigured(
        "DATABASE_URL ist keine Datenbank-URL. Erwartet wird z. B. "
        "postgres://benutzer:passwort@host:5432/datenbank oder sqlite:///pfad/zur/datei.sqlite3."
    )
if _database_scheme.lower() not in {"postgres", "postgresql", "pgsql", "sqlite"}:
    raise ImproperlyConfigured(
        f"DATABASE_URL verwendet {_database_scheme}://, das Ratsinfo nicht unterstützt. "
        "Verwenden Sie PostgreSQL (postgres://…) oder SQLite (sqlite:///…)."
    )
try:
    # Seconds a database connection is kept for reuse (0: one per request). Live sessions with
    # many ballots per second want it above 0: a new PostgreSQL connection costs milliseconds.
    _database = dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
except ValueError as exc:
    raise ImproperlyConfigured(
        f"DATABASE_URL ist ungültig ({exc}). Erwartet wird z. B. "
        "postgres://benutzer:passwort@host:5432/datenbank oder sqlite:///pfad/zur/datei.sqlite3."
    ) from exc
if _database["ENGINE"] == "django.db.backends.sqlite3":
    if _database["NAME"] != ":memory:":
        try:
            Path(_database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ImproperlyConfigured(
                f"Das Verzeichnis für die SQLite-Datenbank {_database['NAME']} kann nicht "
                f"angelegt werden ({exc.strerror}). Setzen Sie RATSINFO_VAR_DIR oder "
                "DATABASE_URL auf einen beschreibbaren Ort."
            ) from exc
    # WAL lets the live view read while a vote is being written.
    _database["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20}
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # A prefix of its own lets several installations (or test runs) share one Redis.
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": os.environ.get("REDIS_CHANNEL_PREFIX", "").strip() or "asgi",
            },
        }
    }
else:
    # Channels' in-memory layer without its per-message sweep of every channel (see module).
    CHANNEL_LAYERS = {"default": {"BACKEND": "ratsinfo.channel_layers.InMemoryChannelLayer"}}

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
# The alias searches go to; each rebuild creates "<alias>-<timestamp>" and moves the alias.
ELASTICSEARCH_INDEX = os.environ.get("ELASTICSEARCH_INDEX", "").strip() or "ratsinfo"
if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,100}", ELASTICSEARCH_INDEX):
    raise ImproperlyConfigured(
        f"ELASTICSEARCH_INDEX={ELASTICSEARCH_INDEX!r} ist kein gültiger Indexname. Verwenden Sie "
        "Kleinbuchstaben, Ziffern, - und _, z. B. ratsinfo."
    )
# CA certificate (PEM file) of an Elasticsearch server reached over https with its own CA.
ELASTICSEARCH_CA_CERTS = os.environ.get("ELASTICSEARCH_CA_CERTS", "")

AUTH_USER_MODEL = "ratsinfo.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "") or "Europe/Berlin"
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"TIME_ZONE={TIME_ZONE!r} ist keine bekannte Zeitzone. Setzen Sie z. B. "
        "TIME_ZONE=Europe/Berlin."
    ) from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
# Uploads beyond this are rejected with a message (the documents pipeline reads it).
FILE_UPLOAD_MAX_BYTES = env_int("FILE_UPLOAD_MAX_BYTES", 200 * 1024 * 1024)

# Text extraction (documents pipeline): files with more pages are flagged, not read; OCR of a
# scanned file is given up after this many seconds (docs/documents.md).
EXTRACTION_MAX_PAGES = env_int("EXTRACTION_MAX_PAGES", 5000)
EXTRACTION_OCR_TIMEOUT_SECONDS = env_int("EXTRACTION_OCR_TIMEOUT_SECONDS", 1800)

EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    from urllib.parse import unquote, urlsplit

    _email = urlsplit(EMAIL_URL)
    if _email.scheme not in {"smtp", "smtps", "submission"}:
        raise ImproperlyConfigured(
            "EMAIL_URL muss mit smtp://, smtps:// oder submission:// beginnen, "
            "z. B. smtp://benutzer:passwort@mail.musterstadt.de:587"
        )
    try:
        _email_port = _email.port
    except ValueError:
        raise ImproperlyConfigured(
            "EMAIL_URL enthält keinen gültigen Port, "
            "z. B. smtp://benutzer:passwort@mail.musterstadt.de:587"
        ) from None
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email_port or (465 if _email.scheme == "smtps" else 587)
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_SSL = _email.scheme == "smtps"
    EMAIL_USE_TLS = _email.scheme == "submission"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ratsinfo@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
}

# Production hardening: everything below is on whenever DEBUG is off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# No page frames another; a view that must be framed (a PDF preview) says so with
# @xframe_options_sameorigin.
X_FRAME_OPTIONS = "DENY"

LOG_LEVEL = os.environ.get("LOG_LEVEL", "").strip().upper() or "INFO"
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"LOG_LEVEL={LOG_LEVEL!r} ist unbekannt. Erlaubt sind DEBUG, INFO, WARNING, ERROR "
        "und CRITICAL."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# The OParl System object (one per installation).
OPARL_SYSTEM_NAME = os.environ.get("OPARL_SYSTEM_NAME", "Ratsinfo")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
