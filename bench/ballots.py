"""How fast is a ballot acknowledged when a party-convention-sized assembly votes at once, and
is every acknowledged ballot stored exactly once?

A poll with 2,000 eligible members on PostgreSQL; each member has their own websocket
connection to one daphne process and casts a ballot at a random moment within one second. The
figure is the time from sending `ballot.cast` until its `ok` reply (p50, p99, max); afterwards
the database must hold exactly one ballot per acknowledgement and none twice. The baseline, in
the same run and on the same database: the same number of plain INSERTs into a table with the
same unique constraint (poll, voter), arriving over the same second on a pool of connections.

    python bench/ballots.py            # 2,000 voters
    python bench/ballots.py --quick    # 500 voters
    python bench/ballots.py --processes 2 # only the two-process mode
    python bench/ballots.py --database-url postgres://postgres@127.0.0.1:5432/bench_ballots

Modes (`--processes`, default `1 2`): one daphne process with the in-memory channel layer, and
two daphne processes sharing the meeting's group through Redis (`BENCH_REDIS_URL`, default
redis://127.0.0.1:6379, a channel prefix of this run's own), the voters split evenly between
them; the two-process mode is skipped if Redis is not reachable. The database is created if
missing and migrated; each mode seeds a meeting of its own. Ends with one JSON line (DESIGN.md
§9), figures per mode.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import secrets
import statistics
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import psycopg  # noqa: E402
from websockets.asyncio.client import ClientConnection, connect  # noqa: E402

from tests.live.server import (  # noqa: E402
    ORIGIN,
    Server,
    cookie_header,
    database_migrate,
    live_environment,
    redis_reachable,
    town_seed,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_ballots"
GOAL_P99_MS = 500.0
GOAL = f"ack p99 < {GOAL_P99_MS:.0f} ms, stored == acknowledged, none twice"
SPREAD_S = 1.0
CONNECT_BATCH = 100
INSERT_POOL = 10
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--quick", action="store_true", help="500 voters")
    parser.add_argument("--voters", type=int, help="eligible voters (default 2000)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument(
        "--processes",
        type=int,
        nargs="+",
        choices=[1, 2],
        default=[1, 2],
        help="daphne processes per mode; 2 shares the groups through Redis (default: 1 2)",
    )
    return parser.parse_args(argv)


def database_create(url: str) -> None:
    """CREATE DATABASE unless it exists (trust authentication on loopback)."""
    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def percentiles(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "samples": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p99_ms": round(statistics.quantiles(ordered, n=100, method="inclusive")[98], 1),
        "max_ms": round(ordered[-1], 1),
    }


# --- Ballots over websockets ------------------------------------------------------------------


def cpu_seconds(pids: list[int]) -> float | None:
    """User + system CPU the processes `pids` have used so far (Linux /proc), or None."""
    total = 0.0
    try:
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
    return total


async def cast_all(
    urls: list[str], town: dict[str, Any], server_pids: list[int]
) -> tuple[list[float], list[dict[str, Any]], float | None]:
    """Every member votes over their own websocket, the members split evenly over `urls` (one
    per server process). Also returns the CPU seconds the servers spent while the ballots were
    cast and answered (on a shared machine a steadier figure than the latencies)."""
    cookies = town["member_cookies"]
    sockets: list[ClientConnection] = []
    for start in range(0, len(cookies), CONNECT_BATCH):
        batch = await asyncio.gather(
            *(
                connect(
                    urls[(start + i) % len(urls)],
                    origin=ORIGIN,  # type: ignore[arg-type]  # Origin is a str alias
                    additional_headers=cookie_header(cookie),
                    open_timeout=120,
                    max_queue=None,
                )
                for i, cookie in enumerate(cookies[start : start + CONNECT_BATCH])
            )
        )
        for ws in batch:
            await ws.recv()
        sockets.extend(batch)
    print(f"{len(sockets)} voters connected; casting …", file=sys.stderr)
    rng = random.Random(7)
    poll_id = town["poll_id"]

    async def vote(n: int, ws: ClientConnection) -> tuple[float, dict[str, Any]]:
        await asyncio.sleep(rng.random() * SPREAD_S)
        started = time.perf_counter()
        await ws.send(
            json.dumps(
                {
                    "id": n,
                    "action": "ballot.cast",
                    "poll_id": poll_id,
                    "choice": rng.choice(["yes", "no", "abstain"]),
                    "idempotency_key": f"bench-{n}",
                }
            )
        )
        async for raw in ws:
            # Voters are screens too and get every progress event: the client, sharing the
            # machine's two cores with the server, decodes only replies.
            if '"reply"' not in str(raw):
                continue
            message = json.loads(raw)
            if message["type"] == "reply" and message["id"] == n:
                return (time.perf_counter() - started) * 1000, message
        raise ConnectionError(f"voter {n}: connection closed before the reply")

    cpu_before = cpu_seconds(server_pids)
    results = await asyncio.gather(*(vote(n, ws) for n, ws in enumerate(sockets)))
    cpu_after = cpu_seconds(server_pids)
    cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    for start in range(0, len(sockets), CONNECT_BATCH):
        await asyncio.gather(*(ws.close() for ws in sockets[start : start + CONNECT_BATCH]))
    return [r[0] for r in results], [r[1] for r in results], cpu


def stored(database_url: str, poll_id: int) -> dict[str, int]:
    with psycopg.connect(database_url) as connection:
        ballots = connection.execute(
            "SELECT COUNT(*), COUNT(DISTINCT voter_id) FROM votes_ballot WHERE poll_id = %s",
            [poll_id],
        ).fetchone()
        receipts = connection.execute(
            "SELECT COUNT(*) FROM votes_ballotreceipt WHERE poll_id = %s", [poll_id]
        ).fetchone()
    assert ballots is not None and receipts is not None
    return {"ballots": ballots[0], "voters": ballots[1], "receipts": receipts[0]}


# --- The baseline: plain INSERTs --------------------------------------------------------------


async def inserts(database_url: str, count: int) -> list[float]:
    """`count` INSERTs spread over the same second, on a pool of autocommit connections, into
    a table with the unique constraint of the ballots."""
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as setup:
        await setup.execute("DROP TABLE IF EXISTS bench_plain_ballot")
        await setup.execute(
            "CREATE TABLE bench_plain_ballot (id bigserial PRIMARY KEY, poll_id bigint NOT NULL, "
            "voter_id bigint NOT NULL, choice varchar(10) NOT NULL, UNIQUE (poll_id, voter_id))"
        )
    pool = [
        await psycopg.AsyncConnection.connect(database_url, autocommit=True)
        for _ in range(INSERT_POOL)
    ]
    free: asyncio.Queue[psycopg.AsyncConnection[Any]] = asyncio.Queue()
    for connection in pool:
        free.put_nowait(connection)
    rng = random.Random(7)

    async def insert(n: int) -> float:
        await asyncio.sleep(rng.random() * SPREAD_S)
        started = time.perf_counter()
        connection = await free.get()
        try:
            await connection.execute(
                "INSERT INTO bench_plain_ballot (poll_id, voter_id, choice) VALUES (1, %s, 'yes')",
                [n],
            )
        finally:
            free.put_nowait(connection)
        return (time.perf_counter() - started) * 1000

    latencies = await asyncio.gather(*(insert(n) for n in range(count)))
    for connection in pool:
        await connection.execute("DROP TABLE IF EXISTS bench_plain_ballot")
        await connection.close()
        break
    for connection in pool[1:]:
        await connection.close()
    return list(latencies)


# --- The run ----------------------------------------------------------------------------------


MODE_LABELS = {1: "one_process", 2: "two_processes_redis"}
ROW_LABELS = {1: "ballot over websocket, 1 proc", 2: "same, 2 procs + Redis"}


def run_mode(
    processes: int, env: dict[str, str], database_url: str, voters: int, var_dir: Path
) -> dict[str, Any]:
    """Seed a meeting, let its `voters` vote on `processes` daphne processes; the figures."""
    if processes > 1:
        env = {
            **env,
            "REDIS_URL": REDIS_URL,
            "REDIS_CHANNEL_PREFIX": f"bench-ballots-{secrets.token_hex(6)}",
        }
    town = town_seed(env, members=voters)
    servers: list[Server] = []
    try:
        for n in range(processes):
            servers.append(Server(env, var_dir / f"daphne-{processes}-{n}.log").start())
        urls = [server.ws_url(town["meeting_id"]) for server in servers]
        pids = [server.process.pid for server in servers if server.process is not None]
        latencies, replies, cpu_s = asyncio.run(cast_all(urls, town, pids))
    finally:
        for server in servers:
            server.stop()
    acknowledged = sum(1 for r in replies if r["ok"] and r["result"]["status"] == "recorded")
    errors = sorted({r["error"]["code"] for r in replies if not r["ok"]})
    counts = stored(database_url, town["poll_id"])
    nothing_lost = (
        counts["ballots"] == counts["receipts"] == counts["voters"] == acknowledged == voters
    )
    return {
        "processes": processes,
        **percentiles(latencies),
        "acknowledged": acknowledged,
        "errors": errors,
        **counts,
        "nothing_lost": nothing_lost,
        "server_cpu_ms_per_ballot": round(cpu_s * 1000 / voters, 3) if cpu_s is not None else None,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    voters = args.voters or (500 if args.quick else 2000)
    modes = sorted(set(args.processes))
    if 2 in modes and not redis_reachable(REDIS_URL):
        print(
            f"Redis at {REDIS_URL} not reachable: the two-process mode is skipped.", file=sys.stderr
        )
        modes.remove(2)
    if not modes:
        raise SystemExit("no mode left to run")
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    database_create(args.database_url)
    var_dir = REPO / "var" / "bench" / "ballots"
    var_dir.mkdir(parents=True, exist_ok=True)
    # Production setting for live sessions (deploy/.env.example): connections are reused.
    env = live_environment(args.database_url, var_dir, DATABASE_CONN_MAX_AGE="60")
    print("Migrating …", file=sys.stderr)
    database_migrate(env)

    baseline = percentiles(asyncio.run(inserts(args.database_url, voters)))
    figures: dict[str, dict[str, Any]] = {}
    for processes in modes:
        print(f"{processes} process(es): seeding {voters} voters …", file=sys.stderr)
        figures[MODE_LABELS[processes]] = run_mode(
            processes, env, args.database_url, voters, var_dir
        )
    ratio = {
        mode: round(row["p99_ms"] / max(baseline["p99_ms"], 0.1), 2)
        for mode, row in figures.items()
    }
    met = {
        mode: row["p99_ms"] < GOAL_P99_MS and row["nothing_lost"] for mode, row in figures.items()
    }

    print(f"\n{voters} voters casting within {SPREAD_S:.0f} s (ms until acknowledged)")
    print(f"{'':<32}{'p50':>9}{'p99':>9}{'max':>9}  stored = acknowledged")
    rows: list[tuple[str, dict[str, Any]]] = [("plain INSERT (baseline)", baseline)]
    rows += [(ROW_LABELS[row["processes"]], row) for row in figures.values()]
    for label, row in rows:
        summary = ""
        if "acknowledged" in row:
            summary = (
                f"  {row['ballots']} = {row['acknowledged']} (receipts {row['receipts']}, "
                f"voters {row['voters']}, errors {row['errors'] or 'none'}); "
                f"server CPU {row['server_cpu_ms_per_ballot']} ms per ballot"
            )
        print(
            f"{label:<32}{row['p50_ms']:>9.1f}{row['p99_ms']:>9.1f}{row['max_ms']:>9.1f}{summary}"
        )
    print()
    line = {
        "bench": "ballots",
        "params": {
            "voters": voters,
            "spread_s": SPREAD_S,
            "database": "postgresql",
            "processes": modes,
            "cpus": os.cpu_count(),
        },
        "figures": figures,
        "baseline": baseline,
        "ratio": ratio,
        "goal": GOAL,
        "met": met,
    }
    print(json.dumps(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
