"""`manage.py run_worker`: runs the jobs of the database-backed queue (docs/worker.md)."""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection
from django.utils import timezone

from ratsinfo.jobs import Outcome, job_run_one
from ratsinfo.models import Job

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _positive(kind: Callable[[str], float]) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        value = kind(raw)
        if value <= 0:
            raise ValueError(raw)
        return value

    parse.__name__ = getattr(kind, "__name__", "number")
    return parse


def _seconds(value: float) -> str:
    return f"{value:.1f} s".replace(".", ",")


class Command(BaseCommand):
    help = (
        "Arbeitet die Hintergrundaufgaben ab (Textextraktion u. a.). Beenden mit Strg+C oder "
        "SIGTERM: die laufende Aufgabe wird noch fertig bearbeitet."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Fällige Aufgaben abarbeiten, dann beenden."
        )
        parser.add_argument(
            "--max-jobs", type=_positive(int), help="Nach so vielen Aufgaben beenden."
        )
        parser.add_argument(
            "--sleep",
            type=_positive(float),
            default=1.0,
            help="Sekunden zwischen zwei Abfragen einer leeren Warteschlange (Standard 1).",
        )
        parser.add_argument(
            "--lease",
            type=_positive(float),
            default=300.0,
            help="Sekunden, die eine Aufgabe reserviert bleibt, bevor ein anderer Worker sie "
            "übernimmt, falls dieser ausfällt (Standard 300; Fortschrittsmeldungen verlängern).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity: int = options["verbosity"]
        self.stopping = False
        self.started_at = 0.0
        worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        lease = timedelta(seconds=options["lease"])
        # Signal handlers can only be installed from the main thread (not so in some tests).
        in_main_thread = threading.current_thread() is threading.main_thread()
        previous = {sig: signal.signal(sig, self._stop) for sig in STOP_SIGNALS if in_main_thread}
        self._say(f"Worker {worker_id} gestartet.")
        done = 0
        try:
            while not self.stopping and (options["max_jobs"] is None or done < options["max_jobs"]):
                try:
                    ran = job_run_one(worker_id=worker_id, lease=lease, report=self._report)
                except DatabaseError as exc:
                    if options["once"]:
                        raise CommandError(f"Datenbankfehler: {exc}") from exc
                    # A restarted or briefly unreachable database must not end the worker.
                    self.stderr.write(f"Datenbankfehler, neuer Versuch gleich: {exc}")
                    connection.close()
                    self._sleep(options["sleep"])
                    continue
                if ran:
                    done += 1
                elif options["once"]:
                    break
                else:
                    self._sleep(options["sleep"])
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self._say(f"Worker beendet ({done} Aufgaben bearbeitet).")

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping:
            # A second signal: leave now. The running job keeps its lease and is taken over
            # by the next worker once the lease has run out.
            sys.exit(1)
        self.stopping = True
        self._say("Beende nach der laufenden Aufgabe …")

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, 0.2))

    def _report(self, job: Job, outcome: Outcome) -> None:
        if outcome == "started":
            self.started_at = time.monotonic()
            self._say(
                f"Aufgabe #{job.pk} {job.name} gestartet "
                f"(Versuch {job.attempts} von {job.max_attempts})."
            )
            return
        took = _seconds(time.monotonic() - self.started_at)
        error = job.last_error.splitlines()[0] if job.last_error else ""
        if outcome == "done":
            self._say(f"Aufgabe #{job.pk} {job.name} erledigt in {took}.", self.style.SUCCESS)
        elif outcome == "requeued":
            retry_at = timezone.localtime(job.run_after).strftime("%H:%M:%S")
            self._say(
                f"Aufgabe #{job.pk} {job.name} fehlgeschlagen nach {took}: {error} – "
                f"neuer Versuch ab {retry_at}.",
                self.style.WARNING,
            )
        else:
            self._say(
                f"Aufgabe #{job.pk} {job.name} endgültig fehlgeschlagen nach {took}: {error}",
                self.style.ERROR,
            )

    def _say(self, text: str, style: Any = None) -> None:
        if self.verbosity >= 1:
            self.stdout.write(text, style_func=style)
