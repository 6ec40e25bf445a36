from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from documents.demo.progress import Progress
from search.backends import backend_name, get_backend


class Command(BaseCommand):
    help = "Baut den Suchindex neu auf (alle Vorlagen, Dateien, Sitzungen, Personen, Gremien)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--backend",
            choices=["sqlite", "postgres", "elasticsearch"],
            help="Backend (Standard: ELASTICSEARCH_URL, sonst die Datenbank)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["backend"] or backend_name()
        progress = Progress(
            lambda text, end: self.stdout.write(text, ending=end),
            tty=sys.stdout.isatty(),
            verbosity=options["verbosity"],
        )
        progress.phase(f"Suchindex wird neu aufgebaut ({name}) …")
        started = time.monotonic()
        count = get_backend(name).rebuild(
            progress=lambda done, total: progress.count("Einträge", done, total)
        )
        progress.phase(f"Fertig: {count} Einträge in {time.monotonic() - started:.1f} s indexiert.")
