"""Live tests: real daphne processes on 127.0.0.1 against a SQLite file of their own, talked to
with real websocket clients (DESIGN.md §9). The Redis test needs the Redis on 127.0.0.1:6379: it
skips without it, except under CI=true, where a missing Redis fails the run."""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tests.live.server import Server, database_migrate, live_environment, redis_reachable

REDIS_URL = os.environ.get("LIVE_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


class LiveDatabase:
    """The SQLite file the servers share, read directly to check what was stored."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def count(self, table: str, poll_id: int) -> int:
        with sqlite3.connect(self.path) as connection:
            query = f"SELECT COUNT(*) FROM {table} WHERE poll_id = ?"  # noqa: S608 (fixed names)
            return int(connection.execute(query, (poll_id,)).fetchone()[0])

    def duplicates(self, poll_id: int) -> int:
        with sqlite3.connect(self.path) as connection:
            row = connection.execute(
                "SELECT COUNT(*) FROM (SELECT voter_id FROM votes_ballot WHERE poll_id = ? "
                "GROUP BY voter_id HAVING COUNT(*) > 1)",
                (poll_id,),
            ).fetchone()
            return int(row[0])


@pytest.fixture(scope="module")
def live_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A migrated SQLite file for the module's servers (migrated once: it takes seconds)."""
    var_dir = tmp_path_factory.mktemp("live")
    env = live_environment(f"sqlite:///{var_dir / 'live.sqlite3'}", var_dir)
    database_migrate(env)
    return env


@pytest.fixture
def live_db(live_env: dict[str, str]) -> LiveDatabase:
    return LiveDatabase(Path(live_env["RATSINFO_VAR_DIR"]) / "live.sqlite3")


@pytest.fixture
def start_server(live_env: dict[str, str]) -> Iterator[Callable[..., Server]]:
    """Starts daphne processes (extra environment as keyword arguments); all are stopped at the
    end of the test."""
    servers: list[Server] = []

    def start(**extra: str) -> Server:
        log_path = Path(live_env["RATSINFO_VAR_DIR"]) / f"daphne-{len(servers)}.log"
        server = Server({**live_env, **extra}, log_path).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def redis_env() -> dict[str, str]:
    """Channel-layer settings on the local Redis with a prefix of this run's own, so parallel
    runs never share groups."""
    if not redis_reachable(REDIS_URL):
        reason = f"the two-process test needs Redis at {REDIS_URL} (apt install redis-server)"
        if IN_CI:
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return {"REDIS_URL": REDIS_URL, "REDIS_CHANNEL_PREFIX": f"test-{secrets.token_hex(6)}"}
