"""Entry point for manage.py: turns configuration and database errors into one sentence that
says what to do, instead of a stack trace."""

from __future__ import annotations

import sys

from django.core.exceptions import ImproperlyConfigured

_UNREACHABLE = (
    "Die Datenbank ist nicht erreichbar. Prüfen Sie DATABASE_URL (Host, Port, Benutzer, "
    "Datenbankname) und ob der Datenbankserver läuft; ohne DATABASE_URL nutzt Ratsinfo "
    "SQLite in var/."
)
_NOT_MIGRATED = (
    "Die Datenbank ist noch nicht eingerichtet. Führen Sie zuerst "
    "„python manage.py migrate“ aus (make run tut das automatisch)."
)


def database_error_message(exc: BaseException) -> str | None:
    """One sentence for a database error a user can fix, or None for a programming error."""
    from django.db.utils import OperationalError, ProgrammingError

    text = str(exc).strip()
    first_line = text.splitlines()[0] if text else exc.__class__.__name__
    missing_table = "no such table" in text or ("relation" in text and "does not exist" in text)
    if isinstance(exc, OperationalError | ProgrammingError) and missing_table:
        return f"{_NOT_MIGRATED} ({first_line})"
    if isinstance(exc, OperationalError):
        return f"{_UNREACHABLE} ({first_line})"
    return None


def run_command_line(argv: list[str]) -> int:
    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        print(f"Konfigurationsfehler: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        message = database_error_message(exc)
        if message is None:
            raise
        print(message, file=sys.stderr)
        return 2
    return 0
