"""Queue text extraction for files that have not been read yet (or for all files)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from documents.services import file_extraction_enqueue_pending


class Command(BaseCommand):
    help = "Reiht die Texterkennung für noch nicht gelesene (oder alle) Dateien ein."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all",
            action="store_true",
            dest="everything",
            help="alle Dateien erneut lesen, nicht nur die wartenden",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        added = file_extraction_enqueue_pending(everything=options["everything"])
        self.stdout.write(
            f"{added} Datei(en) zur Texterkennung eingereiht. "
            "Der Hintergrunddienst (manage.py run_worker, in make run enthalten) liest sie."
        )
