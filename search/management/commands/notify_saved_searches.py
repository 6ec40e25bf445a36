from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from search.errors import SearchError
from search.notifications import (
    NotificationsFailed,
    notify_job_ensure_scheduled,
    saved_searches_notify,
)


class Command(BaseCommand):
    help = (
        "Verschickt E-Mails mit neuen Treffern gespeicherter Suchen. Mit --schedule wird "
        "stattdessen der tägliche Lauf in die Warteschlange gestellt (run_worker führt ihn aus)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="den täglichen Lauf einreihen, falls noch keiner wartet, statt jetzt zu senden",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            job = notify_job_ensure_scheduled()
            when = timezone.localtime(job.run_after).strftime("%d.%m.%Y %H:%M")
            self.stdout.write(f"Täglicher Lauf eingereiht (Aufgabe #{job.pk}, ab {when}).")
            return
        try:
            report = saved_searches_notify()
        except (NotificationsFailed, SearchError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        self.stdout.write(
            f"{report.searches} gespeicherte Suchen geprüft, {report.mails} E-Mails verschickt."
        )
