"""`manage.py seed_demo`: fill an empty database with the demo town Musterstadt."""

from __future__ import annotations

import datetime
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from documents.demo.progress import Progress
from documents.demo.seed import (
    DEFAULT_SEED,
    DemoDatabaseNotEmpty,
    DemoOptions,
    demo_exists,
    demo_logins,
    demo_seed,
)


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise ArgumentTypeError(f"„{value}“ ist kein Datum im Format JJJJ-MM-TT.") from exc


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError as exc:
        raise ArgumentTypeError(f"„{value}“ ist keine ganze Zahl.") from exc
    if number < 1:
        raise ArgumentTypeError("Die Zahl muss mindestens 1 sein.")
    return number


def _number(value: int) -> str:
    """German thousands separator: 20.000."""
    return f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = (
        "Legt die Demo-Stadt Musterstadt mit Gremien, Sitzungen, Vorlagen und Dateien an "
        "(nur in einer leeren Datenbank; ein zweiter Aufruf ändert nichts)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--size",
            choices=("demo", "large"),
            default="demo",
            help="demo: 13 Sitzungen, 60 Vorlagen; large: 10 Jahre, 20.000 Vorlagen (Benchmarks).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help="Startwert des Zufallsgenerators (gleicher Wert, gleiche Daten und Dateien).",
        )
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help="Stichtag JJJJ-MM-TT, um den herum Sitzungen liegen (Standard: heute).",
        )
        parser.add_argument("--papers", type=_positive, help="Anzahl der Vorlagen überschreiben.")
        parser.add_argument(
            "--years", type=_positive, help="Jahre mit Sitzungen überschreiben (nur --size large)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        if options["years"] is not None and options["size"] != "large":
            raise CommandError("--years gilt nur zusammen mit --size large.")
        if demo_exists():
            if verbosity:
                self.stdout.write(
                    "Die Demo-Stadt Musterstadt ist bereits angelegt – nichts geändert."
                )
                self._print_logins()
            return
        demo = DemoOptions(
            today=options["today"] or timezone.localdate(),
            seed=options["seed"],
            size=options["size"],
            papers=options["papers"],
            years=options["years"],
        )
        progress = Progress(
            self._write,
            tty=self.stdout.isatty(),
            verbosity=verbosity,
        )
        progress.phase(
            f"Lege die Demo-Stadt Musterstadt an (Größe {demo.size}, "
            f"{_number(demo.paper_count)} Vorlagen, "
            f"Stichtag {demo.today:%d.%m.%Y}, Startwert {demo.seed}) …"
        )
        try:
            summary = demo_seed(options=demo, progress=progress)
        except DemoDatabaseNotEmpty as exc:
            raise CommandError(exc.message) from exc
        if verbosity:
            counts = ", ".join(
                f"{_number(value)} {label}" for label, value in summary.counts.items()
            )
            seconds = f"{summary.seconds:.1f}".replace(".", ",")
            megabytes = f"{summary.total_bytes / 1_000_000:.1f}".replace(".", ",")
            self.stdout.write(
                self.style.SUCCESS(f"Fertig in {seconds} s: {counts} ({megabytes} MB Dateien).")
            )
            self._print_logins()

    def _write(self, text: str, ending: str) -> None:
        self.stdout.write(text, ending=ending)
        self.stdout.flush()

    def _print_logins(self) -> None:
        site = settings.SITE_URL.rstrip("/")
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING("Demo-Zugänge (nur für die lokale Vorführung)")
        )
        self.stdout.write(f"  {'Ratsinfo:':<16}{site}/")
        self.stdout.write(f"  {'Verwaltung:':<16}{site}/admin/")
        for login, note in demo_logins():
            line = f"  {login.label + ':':<16}{login.username} / Passwort {login.password}"
            self.stdout.write(f"{line}  ({note})" if note else line)
