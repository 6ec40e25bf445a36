from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from documents.demo.progress import Progress
from search.backends import backend_name, get_backend
from search.errors import SearchError, SearchUnavailable
from search.models import Entry


class Command(BaseCommand):
    help = "Baut den Suchindex neu auf (alle Vorlagen, Dateien, Sitzungen, Personen, Gremien)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--backend",
            choices=["sqlite", "postgres", "elasticsearch"],
            help="Backend (Standard: ELASTICSEARCH_URL, sonst die Datenbank)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="nur aufbauen, wenn der Index der Datenbank noch leer ist (für make run)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["backend"] or backend_name()
        if options["if_empty"] and name != "elasticsearch" and Entry.objects.exists():
            if options["verbosity"] >= 1:
                self.stdout.write("Suchindex vorhanden; nichts zu tun.")
            return
        progress = Progress(
            lambda text, end: self.stdout.write(text, ending=end),
            tty=self.stdout.isatty(),
            verbosity=options["verbosity"],
        )
        progress.phase(f"Suchindex wird neu aufgebaut ({name}) …")
        started = time.monotonic()
        try:
            count = get_backend(name).rebuild(
                progress=lambda done, total: progress.count("Einträge", done, total)
            )
        except SearchUnavailable as exc:
            detail = f" ({exc.detail})" if exc.detail else ""
            raise CommandError(f"{exc.message}{detail}") from None
        except SearchError as exc:
            raise CommandError(exc.message) from None
        progress.phase(f"Fertig: {count} Einträge in {time.monotonic() - started:.1f} s indexiert.")
