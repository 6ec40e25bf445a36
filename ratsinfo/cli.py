"""Entry point for manage.py: turns configuration and connection errors into one sentence that
says what to do, instead of a stack trace."""

from __future__ import annotations

import sys

from django.core.exceptions import ImproperlyConfigured


def _database_hint() -> str:
    return (
        "Die Datenbank ist nicht erreichbar. Prüfen Sie DATABASE_URL (Host, Port, Benutzer, "
        "Datenbankname) und ob der Datenbankserver läuft; ohne DATABASE_URL nutzt Ratsinfo "
        "SQLite in var/."
    )


def run_command_line(argv: list[str]) -> int:
    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        print(f"Konfigurationsfehler: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        from django.db.utils import OperationalError

        if isinstance(exc, OperationalError):
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            print(f"{_database_hint()} ({first_line})", file=sys.stderr)
            return 2
        raise
    return 0
