"""How long until every screen of a meeting has seen a ballot land, against a bare websocket
broadcast of the same message to the same number of clients?

N websocket clients (anonymous viewers, the room screens and public live views) follow one
meeting on one daphne process. A member casts a ballot over their own websocket; the figure is
the time from sending the ballot until each viewer has received the `poll.progress` that counts
it (p50, p99, max over all viewers and rounds). The baseline, in the same run: a bare
`websockets` server in its own process that broadcasts the same message to the same N clients
when a trigger client asks: the physical cost of fan-out on this machine. Also measured: two
daphne processes sharing the groups through Redis, viewers split between them, the ballot cast
through the first.

    python bench/fanout.py             # 100, 1,000 and 2,000 viewers
    python bench/fanout.py --quick     # 100 and 500 viewers, fewer rounds; under a minute
    python bench/fanout.py --sizes 2000 --rounds 10 --no-redis

Ends with one JSON line (DESIGN.md §9); the ratio is daphne's p99 over the baseline's at the
largest N on one process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from websockets.asyncio.client import ClientConnection, connect  # noqa: E402

from tests.live.server import (  # noqa: E402
    HOST,
    ORIGIN,
    Server,
    cookie_header,
    database_migrate,
    live_environment,
    redis_reachable,
    town_seed,
)

GOAL_P99_MS = 250.0
GOAL_RATIO = 3.0
GOAL = f"p99 < {GOAL_P99_MS:.0f} ms at the largest N and ratio <= {GOAL_RATIO:.0f}"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
ROUND_TIMEOUT_S = 20.0
# Connecting is not measured; this many handshakes at a time keep daphne's backlog short.
CONNECT_BATCH = 100
# Longer than the progress coalescing interval (votes/progress.py), so each ballot's progress
# is a leading, immediate send rather than folded into a trailing one.
PAUSE_S = 0.4


class RoundTimeout(Exception):
    """Not every viewer saw the event in time."""


@dataclass
class Stats:
    latencies_ms: list[float]

    def figures(self) -> dict[str, float]:
        ordered = sorted(self.latencies_ms)
        p99 = statistics.quantiles(ordered, n=100, method="inclusive")[98]
        return {
            "samples": len(ordered),
            "p50_ms": round(statistics.median(ordered), 1),
            "p99_ms": round(p99, 1),
            "max_ms": round(ordered[-1], 1),
        }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--quick", action="store_true", help="100 and 500 viewers, 3 rounds")
    parser.add_argument(
        "--sizes", type=int, nargs="+", help="viewer counts (default 100 1000 2000)"
    )
    parser.add_argument("--rounds", type=int, help="ballots per size (default 5)")
    parser.add_argument("--no-redis", action="store_true", help="skip the two-process run")
    parser.add_argument("--serve-bare", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def raise_fd_limit() -> int:
    """Every viewer costs a descriptor here and one in the server: lift the soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# --- Clients ----------------------------------------------------------------------------------


class Viewer:
    """One screen: records when the awaited progress count arrives."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.expect: str = ""
        self.arrived: asyncio.Future[float] | None = None
        self.task = asyncio.create_task(self.read())

    async def read(self) -> None:
        async for raw in self.ws:
            text = raw if isinstance(raw, str) else raw.decode()
            if self.arrived is not None and not self.arrived.done() and self.expect in text:
                self.arrived.set_result(time.perf_counter())

    def await_text(self, needle: str) -> asyncio.Future[float]:
        self.expect = needle
        self.arrived = asyncio.get_running_loop().create_future()
        return self.arrived


async def open_viewers(urls: list[str], count: int, skip_first: bool) -> list[Viewer]:
    viewers: list[Viewer] = []
    for start in range(0, count, CONNECT_BATCH):
        batch = [urls[n % len(urls)] for n in range(start, min(count, start + CONNECT_BATCH))]
        sockets = await asyncio.gather(
            *(connect(url, origin=ORIGIN, open_timeout=60, max_queue=None) for url in batch)  # type: ignore[arg-type]  # Origin is a str alias
        )
        for ws in sockets:
            if skip_first:
                await ws.recv()
            viewers.append(Viewer(ws))
    return viewers


async def close_all(viewers: list[Viewer]) -> None:
    for start in range(0, len(viewers), CONNECT_BATCH):
        await asyncio.gather(*(v.ws.close() for v in viewers[start : start + CONNECT_BATCH]))
    for viewer in viewers:
        viewer.task.cancel()


async def measure(
    viewers: list[Viewer], rounds: int, trigger: Callable[[int], Awaitable[str]]
) -> Stats:
    """Per round: arm every viewer, pull the trigger (it returns the text that marks arrival)
    and collect each viewer's delay from the moment just before the trigger."""
    latencies: list[float] = []
    for n in range(rounds):
        await asyncio.sleep(PAUSE_S)
        started = time.perf_counter()
        needle = await trigger(n)
        futures = [viewer.await_text(needle) for viewer in viewers]
        try:
            done = await asyncio.wait_for(asyncio.gather(*futures), ROUND_TIMEOUT_S)
        except TimeoutError:
            arrived = sum(1 for f in futures if f.done())
            raise RoundTimeout(
                f"round {n}: only {arrived} of {len(viewers)} viewers saw {needle!r} within "
                f"{ROUND_TIMEOUT_S:.0f} s"
            ) from None
        latencies.extend((arrived - started) * 1000 for arrived in done)
    return Stats(latencies)


# --- Ratsinfo on daphne -----------------------------------------------------------------------


async def ratsinfo_round_trip(
    town: dict[str, Any], ws_urls: list[str], viewers_n: int, rounds: int, voter_offset: int
) -> Stats:
    viewers = await open_viewers(ws_urls, viewers_n, skip_first=True)
    try:
        voters = [
            await connect(
                ws_urls[0],
                origin=ORIGIN,  # type: ignore[arg-type]  # Origin is a str alias
                additional_headers=cookie_header(town["member_cookies"][voter_offset + n]),
                max_queue=None,
            )
            for n in range(rounds)
        ]
        for voter in voters:
            await voter.recv()
        poll_id = town["poll_id"]

        async def cast(n: int) -> str:
            # The viewers are armed before the ballot is sent: the needle names the count the
            # progress event of this ballot carries, and the reply can only come after commit.
            voted = voter_offset + n + 1
            needle = f'"voted": {voted},'
            asyncio.get_running_loop().call_soon(
                lambda: asyncio.ensure_future(
                    voters[n].send(
                        json.dumps(
                            {"id": n, "action": "ballot.cast", "poll_id": poll_id, "choice": "yes"}
                        )
                    )
                )
            )
            return needle

        stats = await measure(viewers, rounds, cast)
        for voter in voters:
            await voter.close()
        return stats
    finally:
        await close_all(viewers)


# --- The bare baseline ------------------------------------------------------------------------


def sample_message(town: dict[str, Any]) -> str:
    """What daphne sends each viewer for a progress event, byte for byte the same shape."""
    event = {
        "type": "poll.progress",
        "meeting_id": town["meeting_id"],
        "agenda_item_id": town["agenda_item_id"],
        "item_public": True,
        "poll_id": town["poll_id"],
        "voted": 0,
        "eligible": town["eligible"],
    }
    return json.dumps({"type": "event", "event": event})


def serve_bare(fd: int) -> None:
    """The baseline server (its own process, like daphne): a message from any client is
    broadcast to every connected client."""
    from websockets.asyncio.server import ServerConnection, broadcast, serve

    clients: set[ServerConnection] = set()

    async def handler(ws: ServerConnection) -> None:
        clients.add(ws)
        try:
            async for message in ws:
                broadcast(clients, message)
        finally:
            clients.discard(ws)

    async def main() -> None:
        listener = socket.socket(fileno=fd)
        async with serve(handler, sock=listener, max_queue=None) as server:
            await server.serve_forever()

    asyncio.run(main())


async def bare_round_trip(port: int, town: dict[str, Any], viewers_n: int, rounds: int) -> Stats:
    url = f"ws://{HOST}:{port}/"
    viewers = await open_viewers([url], viewers_n, skip_first=False)
    try:
        trigger_ws = await connect(url, origin=ORIGIN)  # type: ignore[arg-type]  # str alias
        template = sample_message(town)

        async def trigger(n: int) -> str:
            text = template.replace('"voted": 0,', f'"voted": {n + 1},')
            asyncio.get_running_loop().call_soon(
                lambda: asyncio.ensure_future(trigger_ws.send(text))
            )
            return f'"voted": {n + 1},'

        stats = await measure(viewers, rounds, trigger)
        await trigger_ws.close()
        return stats
    finally:
        await close_all(viewers)


def bare_server_start(log: Path) -> tuple[subprocess.Popen[bytes], int]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind((HOST, 0))
    listener.listen(4096)
    port = listener.getsockname()[1]
    with log.open("a") as out:
        process = subprocess.Popen(
            [sys.executable, __file__, "--serve-bare", str(listener.fileno())],
            pass_fds=(listener.fileno(),),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    listener.close()
    return process, port


# --- The run ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve_bare is not None:
        serve_bare(args.serve_bare)
        return 0
    fds = raise_fd_limit()
    sizes = args.sizes or ([100, 500] if args.quick else [100, 1000, 2000])
    rounds = args.rounds or (3 if args.quick else 5)
    if fds < 2 * max(sizes) + 200:
        raise SystemExit(f"file-descriptor limit {fds} is too low for {max(sizes)} viewers")
    use_redis = not args.no_redis and redis_reachable(REDIS_URL)
    if not args.no_redis and not use_redis:
        print(
            f"Redis at {REDIS_URL} not reachable: the two-process run is skipped.", file=sys.stderr
        )

    var_dir = REPO / "var" / "bench" / "fanout"
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    env = live_environment(f"sqlite:///{var_dir / 'fanout.sqlite3'}", var_dir)
    database_migrate(env)
    configs = 2 if use_redis else 1
    town = town_seed(env, members=len(sizes) * rounds * configs + 1)

    results: dict[str, dict[str, dict[str, float]]] = {"one_process": {}, "baseline": {}}
    voter = 0
    bare, bare_port = bare_server_start(var_dir / "bare.log")
    server = Server(env, var_dir / "daphne.log").start()
    try:
        for n in sizes:
            print(f"{n} viewers: bare broadcast …", file=sys.stderr)
            stats = asyncio.run(bare_round_trip(bare_port, town, n, rounds))
            results["baseline"][str(n)] = stats.figures()
            print(f"{n} viewers: daphne, one process …", file=sys.stderr)
            urls = [server.ws_url(town["meeting_id"])]
            stats = asyncio.run(ratsinfo_round_trip(town, urls, n, rounds, voter))
            voter += rounds
            results["one_process"][str(n)] = stats.figures()
    finally:
        server.stop()
        bare.terminate()
        bare.wait()

    if use_redis:
        results["redis_two_processes"] = {}
        redis_env = {
            "REDIS_URL": REDIS_URL,
            "REDIS_CHANNEL_PREFIX": f"bench-{secrets.token_hex(6)}",
        }
        first = Server({**env, **redis_env}, var_dir / "daphne-a.log").start()
        second = Server({**env, **redis_env}, var_dir / "daphne-b.log").start()
        try:
            urls = [first.ws_url(town["meeting_id"]), second.ws_url(town["meeting_id"])]
            for n in sizes:
                print(f"{n} viewers: daphne, two processes over Redis …", file=sys.stderr)
                try:
                    stats = asyncio.run(ratsinfo_round_trip(town, urls, n, rounds, voter))
                except RoundTimeout as exc:
                    print(f"two processes, {n} viewers: {exc}", file=sys.stderr)
                    break
                finally:
                    voter += rounds
                results["redis_two_processes"][str(n)] = stats.figures()
        finally:
            first.stop()
            second.stop()

    report(results, sizes, rounds)
    largest = str(max(sizes))
    p99 = results["one_process"][largest]["p99_ms"]
    ratio = round(p99 / max(results["baseline"][largest]["p99_ms"], 0.1), 2)
    met = p99 < GOAL_P99_MS and ratio <= GOAL_RATIO
    baseline = results.pop("baseline")
    line = {
        "bench": "fanout",
        "params": {"sizes": sizes, "rounds": rounds, "redis": use_redis, "cpus": os.cpu_count()},
        "figures": results,
        "baseline": baseline,
        "ratio": ratio,
        "goal": GOAL,
        "met": met,
    }
    print(json.dumps(line))
    return 0


def report(results: dict[str, dict[str, dict[str, float]]], sizes: list[int], rounds: int) -> None:
    print(f"\nFan-out of one poll.progress, {rounds} ballots per size (ms from sending the ballot)")
    print(f"{'setup':<26}{'viewers':>8}{'p50':>9}{'p99':>9}{'max':>9}{'p99/bare':>10}")
    for n in sizes:
        bare = results["baseline"][str(n)]
        for name, label in [
            ("baseline", "bare websockets"),
            ("one_process", "daphne, 1 process"),
            ("redis_two_processes", "daphne, 2 procs + Redis"),
        ]:
            if str(n) not in results.get(name, {}):
                continue
            row = results[name][str(n)]
            ratio = row["p99_ms"] / max(bare["p99_ms"], 0.1)
            print(
                f"{label:<26}{n:>8}{row['p50_ms']:>9.1f}{row['p99_ms']:>9.1f}"
                f"{row['max_ms']:>9.1f}{ratio:>10.2f}"
            )
    print()


if __name__ == "__main__":
    raise SystemExit(main())
