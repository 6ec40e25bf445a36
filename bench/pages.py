"""How fast are the portal's heaviest pages on a large town, against a trivial Django view?

Serves the ASGI application with daphne on 127.0.0.1 (DEBUG off, as in production) and asks,
as an anonymous citizen, for the meeting page of the meeting with the most agenda items, the
paper page of a paper with the most consultations and files, and the month calendar of the
busiest month. The baseline is `/healthz`, the application's trivial view (one `SELECT 1`,
a small JSON answer) served by the same server in the same run: the ratio of a page's median
to the baseline's median is the figure, since it does not depend on the machine's speed.

    python bench/pages.py              # the large demo town (20,000 papers; seeded once, slow)
    python bench/pages.py --quick      # 2,000 papers over 3 years; under two minutes
    python bench/pages.py --database-url postgres://postgres@127.0.0.1:5432/bench

The town is seeded with `manage.py seed_demo` into var/bench/ (or the database given) and
reused by later runs. Ends with one JSON line (DESIGN.md §9).
"""

from __future__ import annotations

import argparse
import datetime
import html
import http.client
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
GOAL_P95_MS = 300.0
GOAL = f"every page p95 < {GOAL_P95_MS:.0f} ms"
# No request loop runs longer than this, whatever the request count.
MEASURE_SECONDS_MAX = 120.0


@dataclass(frozen=True)
class Plan:
    name: str
    seed_args: tuple[str, ...]
    requests: int
    warmup: int


PLANS = {
    "large": Plan("large", ("--size", "large"), requests=400, warmup=40),
    "quick": Plan("quick", ("--size", "large", "--papers", "2000", "--years", "3"), 150, 15),
}


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    path: str
    # Text the answer must contain (HTML-escaped where the answer is HTML), so that the run
    # measures the page and not an error page.
    expect: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Measurement:
    requests: int
    seconds: float
    latencies_ms: list[float]

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p95_ms(self) -> float:
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[94]

    def figures(self) -> dict[str, float]:
        return {
            "requests": self.requests,
            "requests_per_s": round(self.requests_per_s, 1),
            "p50_ms": round(self.p50_ms, 2),
            "p95_ms": round(self.p95_ms, 2),
        }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--quick", action="store_true", help="small town, fewer requests")
    parser.add_argument(
        "--database-url",
        default="",
        help="use (and if empty, seed) this database instead of a SQLite file in var/bench/",
    )
    parser.add_argument("--requests", type=int, help="measured requests per page")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    args = parser.parse_args(argv)
    if args.concurrency < 1 or (args.requests is not None and args.requests < 2):
        parser.error("--concurrency must be at least 1 and --requests at least 2")
    return args


# --- The town -------------------------------------------------------------------------------


def town_environment(plan: Plan, database_url: str) -> dict[str, str]:
    """Settings for every process of the run: the bench's own database and media folder."""
    var_dir = REPO / "var" / "bench" / plan.name
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ratsinfo.settings",
        RATSINFO_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url or f"sqlite:///{var_dir / 'ratsinfo.sqlite3'}",
        MEDIA_ROOT=str(var_dir / "media"),
        LOG_LEVEL="WARNING",
    )
    return env


def town_ensure(plan: Plan, env: dict[str, str], *, own_database: bool) -> None:
    """Migrates and seeds the town unless an earlier run finished seeding it. A SQLite file of
    ours without the stamp is a seed that was interrupted: it is started afresh."""
    var_dir = Path(env["RATSINFO_VAR_DIR"])
    stamp = var_dir / "seeded.json"
    if own_database and stamp.exists():
        return
    if own_database:
        for name in ("ratsinfo.sqlite3", "ratsinfo.sqlite3-wal", "ratsinfo.sqlite3-shm"):
            (var_dir / name).unlink(missing_ok=True)
        shutil.rmtree(var_dir / "media", ignore_errors=True)
    manage = [sys.executable, str(REPO / "manage.py")]
    print(f"Seeding the {plan.name} demo town ({' '.join(plan.seed_args)}) …", file=sys.stderr)
    started = time.monotonic()
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=REPO, check=True)
    subprocess.run(
        [*manage, "seed_demo", *plan.seed_args, "-v", "1"],
        env=env,
        cwd=REPO,
        check=True,
        stdout=sys.stderr,
    )
    print(f"Seeded in {time.monotonic() - started:.0f} s.", file=sys.stderr)
    if own_database:
        stamp.write_text(json.dumps({"seed_args": plan.seed_args, "at": time.time()}))


def targets_choose(env: dict[str, str]) -> tuple[list[Target], dict[str, int]]:
    """The heaviest public pages of the town, picked with the ORM in this process."""
    os.environ.update(env)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.db import connections
    from django.db.models import Count, Q
    from django.db.models.functions import TruncMonth
    from django.urls import reverse

    from documents.models import Paper
    from ratsinfo.visibility import visible
    from sessions.models import Meeting

    citizen = AnonymousUser()
    public_meetings = Meeting.objects.filter(pk__in=visible(citizen, Meeting.objects.all()))
    meeting = (
        public_meetings.annotate(items=Count("agenda_items", filter=Q(agenda_items__deleted=False)))
        .order_by("-items", "pk")
        .first()
    )
    paper = (
        Paper.objects.filter(pk__in=visible(citizen, Paper.objects.all()))
        .annotate(
            consultation_count=Count("consultations", distinct=True),
            file_count=Count("files", distinct=True),
        )
        .filter(file_count__gt=0)
        .order_by("-consultation_count", "-file_count", "pk")
        .first()
    )
    busiest = (
        public_meetings.filter(start__isnull=False)
        .annotate(month=TruncMonth("start"))
        .values("month")
        .annotate(meetings=Count("pk"))
        .order_by("-meetings", "month")
        .first()
    )
    if meeting is None or paper is None or busiest is None:
        raise SystemExit("The town has no public meeting or paper: is the database seeded?")
    month: datetime.datetime = busiest["month"]
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    in_month = (
        public_meetings.filter(start__gte=month, start__lt=following)
        .order_by("start", "pk")
        .first()
    )
    if in_month is None:
        raise SystemExit(f"No meeting found in the busiest month {month:%Y-%m}.")
    town = {
        "meetings": Meeting.objects.count(),
        "papers": Paper.objects.count(),
    }
    targets = [
        Target(
            "meeting_page",
            "meeting page",
            reverse("meeting-detail", args=[meeting.pk]),
            expect=html.escape(meeting.name),
            detail={"meeting_id": meeting.pk, "agenda_items": meeting.items},
        ),
        Target(
            "paper_page",
            "paper page",
            reverse("paper-detail", args=[paper.pk]),
            expect=html.escape(paper.reference),
            detail={
                "paper_id": paper.pk,
                "consultations": paper.consultation_count,
                "files": paper.file_count,
            },
        ),
        Target(
            "calendar_month",
            "calendar month",
            f"{reverse('meeting-calendar')}?monat={month:%Y-%m}",
            expect=html.escape(in_month.name),
            detail={"month": f"{month:%Y-%m}", "meetings": busiest["meetings"]},
        ),
    ]
    connections.close_all()
    return targets, town


# --- The server -----------------------------------------------------------------------------


@contextmanager
def server_running(env: dict[str, str], log_path: Path) -> Iterator[int]:
    """daphne on a loopback port with production settings; stopped when the block ends. The
    listening socket is made here and handed over, so no other process can take the port."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind((HOST, 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    server_env = {
        **env,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        # Plain HTTP on loopback: production's HTTPS redirect would answer every request with 301.
        "SECURE_SSL_REDIRECT": "false",
    }
    daphne = Path(sys.executable).with_name("daphne")
    command = [str(daphne), "--fd", str(listener.fileno()), "-v", "0", "ratsinfo.asgi:application"]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command,
            env=server_env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=(listener.fileno(),),
        )
    listener.close()
    try:
        server_wait_ready(port, process, log_path)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def server_wait_ready(port: int, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"daphne stopped (exit {process.returncode}); see {log_path}")
        try:
            status, _body = fetch_once(port, "/healthz")
        except OSError:
            time.sleep(0.2)
            continue
        if status == 200:
            return
        raise SystemExit(f"/healthz answered {status}; see {log_path}")
    raise SystemExit(f"daphne did not answer within 60 s; see {log_path}")


# --- The client -----------------------------------------------------------------------------

HEADERS = {"Accept-Language": "de", "Connection": "keep-alive", "User-Agent": "bench/pages.py"}


def fetch_once(port: int, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers=HEADERS)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def measure(port: int, path: str, *, requests: int, concurrency: int) -> Measurement:
    """`requests` GETs of `path` from `concurrency` threads, each on its own keep-alive
    connection; stops early after MEASURE_SECONDS_MAX. Any answer but 200 aborts the run."""
    lock = threading.Lock()
    issued = 0
    latencies: list[float] = []
    failures: list[str] = []
    deadline = time.monotonic() + MEASURE_SECONDS_MAX

    def client() -> None:
        nonlocal issued
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            while time.monotonic() < deadline and not failures:
                with lock:
                    if issued >= requests:
                        return
                    issued += 1
                started = time.perf_counter()
                try:
                    connection.request("GET", path, headers=HEADERS)
                    response = connection.getresponse()
                    response.read()
                except (http.client.HTTPException, OSError) as exc:
                    # The server may close an idle keep-alive connection: reconnect, retry once.
                    connection.close()
                    connection = http.client.HTTPConnection(HOST, port, timeout=30)
                    try:
                        connection.request("GET", path, headers=HEADERS)
                        response = connection.getresponse()
                        response.read()
                    except (http.client.HTTPException, OSError):
                        failures.append(f"{path}: {exc!r}")
                        return
                elapsed_ms = (time.perf_counter() - started) * 1000
                if response.status != 200:
                    failures.append(f"{path}: HTTP {response.status}")
                    return
                with lock:
                    latencies.append(elapsed_ms)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if failures:
        raise SystemExit(f"request failed: {failures[0]}")
    if len(latencies) < 2:
        raise SystemExit(f"{path}: fewer than two answers within {MEASURE_SECONDS_MAX:.0f} s")
    return Measurement(len(latencies), seconds, latencies)


# --- The run --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = PLANS["quick" if args.quick else "large"]
    requests = args.requests or plan.requests
    env = town_environment(plan, args.database_url)
    town_ensure(plan, env, own_database=not args.database_url)
    targets, town = targets_choose(env)
    baseline = Target("healthz", "baseline /healthz", "/healthz", expect='"status": "ok"')

    results: dict[str, Measurement] = {}
    log_path = Path(env["RATSINFO_VAR_DIR"]) / "daphne.log"
    with server_running(env, log_path) as port:
        for target in [baseline, *targets]:
            status, body = fetch_once(port, target.path)
            if status != 200 or target.expect not in body:
                raise SystemExit(f"{target.path} answered {status} without {target.expect!r}")
            measure(port, target.path, requests=plan.warmup, concurrency=args.concurrency)
        for target in [baseline, *targets]:
            results[target.key] = measure(
                port, target.path, requests=requests, concurrency=args.concurrency
            )

    base = results[baseline.key]
    print(f"{'page':<20} {'req/s':>8} {'p50_ms':>8} {'p95_ms':>8} {'p50/base':>9}  path")
    for target in [baseline, *targets]:
        result = results[target.key]
        print(
            f"{target.label:<20} {result.requests_per_s:>8.1f} {result.p50_ms:>8.1f} "
            f"{result.p95_ms:>8.1f} {result.p50_ms / base.p50_ms:>9.1f}  {target.path}"
        )
    figures = {
        target.key: {
            **results[target.key].figures(),
            "ratio_p50": round(results[target.key].p50_ms / base.p50_ms, 2),
            **target.detail,
        }
        for target in targets
    }
    worst = max(results[target.key].p50_ms for target in targets)
    met = all(results[target.key].p95_ms < GOAL_P95_MS for target in targets)
    params = {
        "town": plan.name,
        "database": env["DATABASE_URL"].partition("://")[0],
        **town,
        "requests": requests,
        "warmup": plan.warmup,
        "concurrency": args.concurrency,
        "server": "daphne, 1 process, DEBUG=false",
    }
    summary = {
        "bench": "pages",
        "params": params,
        "figures": figures,
        "baseline": {"healthz": base.figures()},
        "ratio": round(worst / base.p50_ms, 2),
        "goal": GOAL,
        "met": met,
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
