"""How fast is search on a large town, through the backend, against one hand-written SQL
statement per query?

On the demo town (20,000 papers with their multi-page files, text extracted) in PostgreSQL:

- the index build: `backend.rebuild()` over every object, timed;
- a fixed set of realistic queries (a common word, a phrase, a word with an organization facet
  selected, a council member who sees non-public papers, a rare word), each through the full
  `backend.search()`: hits, total, facets and snippets, as the search page asks for them;
- the baseline, in the same run: each query as ONE hand-written SQL statement that returns the
  ranked top 20 with the total count and the visibility rule written out by hand (no facets,
  no snippets). Both must agree on the total and the hits, or the run stops.

    python bench/search.py              # the large town (seeded and extracted once: slow)
    python bench/search.py --quick      # 2,000 papers over 3 years
    python bench/search.py --sqlite     # also the SQLite backend on the SQLite town
    python bench/search.py --database-url postgres://postgres@127.0.0.1:5432/bench

The town is seeded with `manage.py seed_demo` (bench/pages.py's plans) into the database given
(created if missing), and its files are read by `manage.py run_worker` processes if their
text has not been extracted yet. Ends with one JSON line (DESIGN.md §9).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# This file is bench/search.py: the project's `search` package must win over it.
sys.path.insert(0, str(REPO))

from bench import pages  # noqa: E402 -- needs the path above

GOAL_P95_MS = 50.0
GOAL_RATIO = 1.5
GOAL = (
    f"every query p95 < {GOAL_P95_MS:.0f} ms on PostgreSQL and its p50 <= {GOAL_RATIO} x "
    "the hand-written statement's p50"
)
DEFAULT_URLS = {
    "large": "postgres://postgres@127.0.0.1:5432/bench",
    "quick": "postgres://postgres@127.0.0.1:5432/bench_quick",
}
RUNS = {"large": 40, "quick": 20}
WARMUP = 5
PER_PAGE = 20
WORKERS = max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Case:
    key: str
    label: str
    query: str
    persona: str = "citizen"  # or "member": the demo council member with non-public access
    organization: str = ""  # name of the organization selected as a facet filter


CASES = [
    Case("common_word", "common word", "Bebauungsplan"),
    Case("phrase", "phrase", '"öffentliche Auslegung"'),
    Case(
        "word_org_filter",
        "word + organization",
        "Haushalt",
        organization="Haupt- und Finanzausschuss",
    ),
    Case("member_non_public", "member, non-public", "Grundstücksangelegenheit", persona="member"),
    Case("rare_word", "rare word", "Hundewiese"),
]


@dataclass
class Timing:
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p95_ms(self) -> float:
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[94]

    def figures(self) -> dict[str, float]:
        return {"p50_ms": round(self.p50_ms, 2), "p95_ms": round(self.p95_ms, 2)}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--quick", action="store_true", help="small town, fewer runs")
    parser.add_argument(
        "--database-url",
        default="",
        help="PostgreSQL database of the town (default: bench, or bench_quick with --quick)",
    )
    parser.add_argument("--sqlite", action="store_true", help="also the SQLite town and backend")
    parser.add_argument("--runs", type=int, help="measured runs per query and side")
    parser.add_argument(
        "--no-rebuild",
        action="store_true",
        help="search the index as it is (no build time is measured)",
    )
    # Internal: measure one database in this process and print its figures as JSON.
    parser.add_argument("--measure", choices=["postgres", "sqlite"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs is not None and args.runs < 2:
        parser.error("--runs must be at least 2")
    return args


# --- The town -------------------------------------------------------------------------------


def database_create(url: str) -> None:
    """CREATE DATABASE unless it exists (the machine's PostgreSQL trusts local connections)."""
    import psycopg
    from psycopg import sql

    location = url.partition("://")[2]
    name = location.rpartition("/")[2].partition("?")[0]
    with psycopg.connect(url[: len(url) - len(name)] + "postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists is None:
            print(f"Creating database {name} …", file=sys.stderr)
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def extraction_ensure(env: dict[str, str]) -> None:
    """Reads the text of every file not yet read, with one worker process per core (demo
    seeding only queues that work)."""
    manage = [sys.executable, str(REPO / "manage.py")]
    check = (
        "from documents.models import File, ExtractionState as S;"
        "print(File.objects.filter(extraction_state__in=[S.PENDING, S.RUNNING]).count(),"
        " File.objects.count())"
    )

    def waiting() -> tuple[int, int]:
        out = subprocess.run(
            [*manage, "shell", "-v", "0", "-c", check],
            env=env,
            cwd=REPO,
            check=True,
            capture_output=True,
        )
        left, total = out.stdout.split()[-2:]
        return int(left), int(total)

    left, total = waiting()
    if not left:
        return
    # SQLite has one writer: a second worker would only wait for the lock.
    count = 1 if env["DATABASE_URL"].startswith("sqlite") else WORKERS
    print(f"Extracting the text of {left} of {total} files ({count} workers) …", file=sys.stderr)
    started = time.monotonic()
    workers = [
        subprocess.Popen(
            [*manage, "run_worker", "--once", "-v", "0"],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]
    try:
        while any(w.poll() is None for w in workers):
            time.sleep(30)
            print(f"  {waiting()[0]} files left", file=sys.stderr)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait()
    left, _total = waiting()
    print(f"Extracted in {time.monotonic() - started:.0f} s; {left} left.", file=sys.stderr)


def town_prepare(plan: pages.Plan, database_url: str) -> dict[str, str]:
    env = pages.town_environment(plan, database_url)
    own = not database_url
    if not own:
        database_create(database_url)
    pages.town_ensure(plan, env, own_database=own)
    extraction_ensure(env)
    return env


# --- The baseline: one statement per query, visibility by hand -------------------------------


def _visible_branches(orgs: list[int]) -> list[str]:
    """The visibility rule of ratsinfo/visibility.py written out for citizens and for members
    of the organizations `orgs` (neither clerks nor admins): per kind, the matches `m` of that
    kind joined to their object and what it hangs on. `%(now)s` is the moment of the search."""
    in_orgs = f"IN ({', '.join(str(int(o)) for o in orgs)})"

    def paper_orgs(p: str) -> str:
        return f"""(EXISTS (SELECT 1 FROM documents_consultation c
                JOIN documents_consultation_organizations co ON co.consultation_id = c.id
                WHERE c.paper_id = {p}.id AND NOT c.deleted AND co.organization_id {in_orgs})
            OR EXISTS (SELECT 1 FROM documents_paper_originator_organizations x
                WHERE x.paper_id = {p}.id AND x.organization_id {in_orgs})
            OR EXISTS (SELECT 1 FROM documents_paper_under_direction_of x
                WHERE x.paper_id = {p}.id AND x.organization_id {in_orgs}))"""  # noqa: S608 -- table names and integer ids

    def meeting_orgs(m: str) -> str:
        return (
            f"EXISTS (SELECT 1 FROM meetings_meeting_organizations mo "  # noqa: S608 -- integer ids
            f"WHERE mo.meeting_id = {m}.id AND mo.organization_id {in_orgs})"
        )

    def public_or(flag: str, members: str) -> str:
        return f"({flag} OR {members})" if orgs else flag

    def paper_ok(p: str) -> str:
        access = public_or(f"{p}.public", paper_orgs(p))
        return f"NOT {p}.deleted AND {p}.published_at <= %(now)s AND {access}"

    def meeting_ok(m: str) -> str:
        return f"NOT {m}.deleted AND {m}.published_at <= %(now)s"

    def item_ok(a: str, m: str) -> str:
        access = public_or(f"{a}.public", meeting_orgs(m))
        return f"NOT {a}.deleted AND {meeting_ok(m)} AND {access}"

    file_access = public_or(
        "f.public",
        f"""((fp.id IS NOT NULL AND NOT fp.deleted AND {paper_orgs("fp")})
            OR (fm.id IS NOT NULL AND NOT fm.deleted AND {meeting_orgs("fm")})
            OR (fa.id IS NOT NULL AND NOT fa.deleted AND NOT fam.deleted
                AND {meeting_orgs("fam")}))""",
    )
    return [
        f"""SELECT m.* FROM m JOIN documents_paper p ON p.id = m.object_id
            WHERE m.kind = 'paper' AND {paper_ok("p")}""",  # noqa: S608 -- written by hand on purpose
        f"""SELECT m.* FROM m JOIN documents_file f ON f.id = m.object_id
            LEFT JOIN documents_paper fp ON fp.id = f.paper_id
            LEFT JOIN meetings_meeting fm ON fm.id = f.meeting_id
            LEFT JOIN meetings_agendaitem fa ON fa.id = f.agenda_item_id
            LEFT JOIN meetings_meeting fam ON fam.id = fa.meeting_id
            WHERE m.kind = 'file' AND NOT f.deleted AND {file_access}
            AND ((fp.id IS NOT NULL AND {paper_ok("fp")})
                OR (fm.id IS NOT NULL AND {meeting_ok("fm")})
                OR (fa.id IS NOT NULL AND {item_ok("fa", "fam")}))""",  # noqa: S608 -- written by hand on purpose
        f"""SELECT m.* FROM m JOIN meetings_meeting mm ON mm.id = m.object_id
            WHERE m.kind = 'meeting' AND {meeting_ok("mm")}""",  # noqa: S608 -- written by hand on purpose
        f"""SELECT m.* FROM m JOIN meetings_agendaitem a ON a.id = m.object_id
            JOIN meetings_meeting am ON am.id = a.meeting_id
            WHERE m.kind = 'agenda_item' AND {item_ok("a", "am")}""",  # noqa: S608 -- written by hand on purpose
        f"""SELECT m.* FROM m JOIN meetings_minutes n ON n.id = m.object_id
            JOIN meetings_meeting nm ON nm.id = n.meeting_id
            WHERE m.kind = 'minutes' AND NOT n.deleted AND n.published_at <= %(now)s
            AND {meeting_ok("nm")}""",  # noqa: S608 -- written by hand on purpose
        """SELECT m.* FROM m JOIN ratsinfo_organization o ON o.id = m.object_id
            WHERE m.kind = 'organization' AND NOT o.deleted""",
        """SELECT m.* FROM m JOIN ratsinfo_person r ON r.id = m.object_id
            WHERE m.kind = 'person' AND NOT r.deleted""",
    ]


def baseline_statement(vendor: str, *, member_orgs: list[int], organization: int | None) -> str:
    """The ranked top 20 with the total, in one statement: every match once (`m`), the visible
    ones kind by kind (`v`), then count and order."""
    visible = "\n        UNION ALL ".join(_visible_branches(member_orgs))
    org_filter = (
        "AND EXISTS (SELECT 1 FROM search_entry_organizations eo "
        "WHERE eo.entry_id = e.id AND eo.organization_id = %(org)s)"
        if organization is not None
        else ""
    )
    if vendor == "postgresql":
        matches = f"""
            SELECT e.id, e.kind, e.object_id, e.date,
                ts_rank_cd('{{0.1, 0.2, 0.4, 1.0}}', e.rank_vector, %(query)s::tsquery, 1)
                    AS rank
            FROM search_entry e
            WHERE e.search_vector @@ %(query)s::tsquery {org_filter}"""  # noqa: S608 -- constants
        order = "rank DESC, date DESC NULLS LAST, id"
    else:
        # bm25() only works in the statement that queries the FTS table: it is computed first.
        matches = f"""
            SELECT e.id, e.kind, e.object_id, e.date, f.rank
            FROM (
                SELECT rowid, bm25(search_entry_fts, 10.0, 1.0) AS rank
                FROM search_entry_fts WHERE search_entry_fts MATCH %(query)s
            ) f JOIN search_entry e ON e.id = f.rowid
            WHERE true {org_filter}"""  # noqa: S608 -- constants
        order = "rank, date DESC NULLS LAST, id DESC"
    return f"""
        WITH m AS MATERIALIZED ({matches}),
        v AS MATERIALIZED ({visible})
        SELECT kind, object_id, rank, count(*) OVER () AS total
        FROM v ORDER BY {order} LIMIT {PER_PAGE}
    """  # noqa: S608 -- the pieces above; the values are parameters


# --- The measurement ------------------------------------------------------------------------


def measure(database: str, *, rebuild: bool, runs: int) -> dict[str, Any]:
    """In this process (Django set up against the town): rebuild, then every case."""
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.utils import timezone

    from documents.models import ExtractionState, File
    from ratsinfo.models import Organization, User
    from ratsinfo.visibility import principal_for
    from search.backends import get_backend
    from search.backends.base import Filters, SearchRequest
    from search.models import Entry
    from search.query import parse

    backend = get_backend(database)
    build: dict[str, Any] = {}
    if rebuild or not Entry.objects.exists():
        started = time.perf_counter()
        count = backend.rebuild()
        seconds = time.perf_counter() - started
        build = {
            "rebuild_s": round(seconds, 1),
            "entries": count,
            "entries_per_s": round(count / seconds, 1),
        }
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        if connection.vendor == "postgresql":
            # The hand-written statements' estimated cost passes jit_above_cost, and compiling
            # them would add tens of milliseconds to each; the backend's statements stay
            # below it. Without JIT both are compared on their plans alone.
            cursor.execute("SET jit = off")

    member = User.objects.get(username="ratsmitglied")
    users = {"citizen": AnonymousUser(), "member": member}
    # The hand-written rule takes the member's organizations as the rule computes them.
    member_orgs = sorted(
        Organization.objects.filter(
            pk__in=principal_for(member).member_organization_ids, deleted=False
        ).values_list("pk", flat=True)
    )
    results: dict[str, Any] = {}
    for case in CASES:
        user = users[case.persona]
        org_id = Organization.objects.get(name=case.organization).pk if case.organization else None
        filters = Filters(organization=frozenset({str(org_id)})) if org_id else Filters()
        request = SearchRequest(query=parse(case.query), filters=filters, per_page=PER_PAGE)
        statement = baseline_statement(
            connection.vendor,
            member_orgs=member_orgs if case.persona == "member" else [],
            organization=org_id,
        )
        query_param = _native_query(database, request.query)

        def by_backend(request: SearchRequest = request, user: Any = user) -> Any:
            return backend.search(request, user=user)

        def by_hand(
            statement: str = statement, org_id: int | None = org_id, query: str = query_param
        ) -> Any:
            with connection.cursor() as cursor:
                now = connection.ops.adapt_datetimefield_value(timezone.now())
                cursor.execute(statement, {"query": query, "now": now, "org": org_id})
                return cursor.fetchall()

        found = by_backend()
        rows = by_hand()
        total = rows[0][3] if rows else 0
        if not found.total:
            raise SystemExit(f"{case.key}: {case.query!r} finds nothing in this town")
        if found.total != total or [(h.kind, h.object_id) for h in found.hits] != [
            (kind, object_id) for kind, object_id, _rank, _total in rows
        ]:
            raise SystemExit(
                f"{case.key}: the backend ({found.total} matches) and the hand-written "
                f"statement ({total}) disagree"
            )
        mine, theirs = Timing(), Timing()
        for run in range(WARMUP + runs):
            for timing, call in ((mine, by_backend), (theirs, by_hand)):
                elapsed = _timed(call)
                if run >= WARMUP:
                    timing.latencies_ms.append(elapsed)
        results[case.key] = {
            "query": case.query,
            "persona": case.persona,
            "organization": case.organization,
            "total": found.total,
            "backend": mine.figures(),
            "baseline": theirs.figures(),
            "ratio_p50": round(mine.p50_ms / theirs.p50_ms, 2),
        }
    extracted = File.objects.filter(extraction_state=ExtractionState.DONE).count()
    return {
        "database": database,
        "build": build,
        "entries": Entry.objects.count(),
        "files": File.objects.count(),
        "files_extracted": extracted,
        "cases": results,
    }


def _native_query(database: str, parsed: Any) -> str:
    """The query as the hand-written statement takes it: the backend's own translation (a
    tsquery, an FTS5 expression), so both search for exactly the same thing."""
    if database == "postgres":
        from search.backends.postgres import tsquery

        query = tsquery(parsed)
        return query.text if query else ""
    from search.backends.sqlite import match_expression

    return match_expression(parsed) or ""


def _timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def measure_in_subprocess(
    env: dict[str, str], database: str, *, quick: bool, rebuild: bool, runs: int
) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure", database, "--runs", str(runs)]
    command += ["--quick"] if quick else []
    command += [] if rebuild else ["--no-rebuild"]
    out = subprocess.run(command, env=env, cwd=REPO, check=True, stdout=subprocess.PIPE)
    result: dict[str, Any] = json.loads(out.stdout.decode().strip().splitlines()[-1])
    return result


# --- The run --------------------------------------------------------------------------------


def print_table(result: dict[str, Any]) -> None:
    build = result["build"]
    print(
        f"{result['database']}: {result['entries']} entries, "
        f"{result['files_extracted']}/{result['files']} files with text"
        + (
            f"; rebuild {build['rebuild_s']} s ({build['entries_per_s']} entries/s)"
            if build
            else ""
        )
    )
    print(
        f"  {'query':<22} {'total':>6} {'p50_ms':>8} {'p95_ms':>8} "
        f"{'base_p50':>9} {'base_p95':>9} {'p50/base':>9}"
    )
    for key, case in result["cases"].items():
        print(
            f"  {key:<22} {case['total']:>6} {case['backend']['p50_ms']:>8.1f} "
            f"{case['backend']['p95_ms']:>8.1f} {case['baseline']['p50_ms']:>9.1f} "
            f"{case['baseline']['p95_ms']:>9.1f} {case['ratio_p50']:>9.2f}"
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = pages.PLANS["quick" if args.quick else "large"]
    runs = args.runs or RUNS[plan.name]
    if args.measure:
        print(json.dumps(measure(args.measure, rebuild=not args.no_rebuild, runs=runs)))
        return 0
    database_url = args.database_url or DEFAULT_URLS[plan.name]
    env = town_prepare(plan, database_url)
    measured = {
        "postgres": measure_in_subprocess(
            env, "postgres", quick=args.quick, rebuild=not args.no_rebuild, runs=runs
        )
    }
    if args.sqlite:
        sqlite_env = town_prepare(plan, "")
        measured["sqlite"] = measure_in_subprocess(
            sqlite_env, "sqlite", quick=args.quick, rebuild=not args.no_rebuild, runs=runs
        )
    for result in measured.values():
        print_table(result)

    postgres = measured["postgres"]
    cases = postgres["cases"]
    worst = max(case["ratio_p50"] for case in cases.values())
    met = all(case["backend"]["p95_ms"] < GOAL_P95_MS for case in cases.values()) and (
        worst <= GOAL_RATIO
    )
    figures: dict[str, Any] = {
        name: {
            **result["build"],
            **{key: case["backend"] for key, case in result["cases"].items()},
        }
        for name, result in measured.items()
    }
    summary = {
        "bench": "search",
        "params": {
            "town": plan.name,
            "databases": list(measured),
            "entries": postgres["entries"],
            "files": postgres["files"],
            "files_extracted": postgres["files_extracted"],
            "runs": runs,
            "warmup": WARMUP,
            "per_page": PER_PAGE,
            "queries": {
                key: {k: v for k, v in case.items() if k in ("query", "persona", "organization")}
                | {"total": case["total"]}
                for key, case in cases.items()
            },
        },
        "figures": figures,
        "baseline": {
            name: {key: case["baseline"] for key, case in result["cases"].items()}
            for name, result in measured.items()
        },
        "ratio": worst,
        "goal": GOAL,
        "met": met,
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
