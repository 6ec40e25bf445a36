"""Real daphne processes for the live tests and the benches: a database of their own, the demo
meeting seeded by `tests/live/town.py`, and servers started and stopped on loopback ports.

The listening socket is made here and handed to daphne (`--fd`), so the port is known before
the server starts, no other process can take it, and a restarted server listens on the same
port.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent.parent
HOST = "127.0.0.1"
ORIGIN = f"http://{HOST}"


def live_environment(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """Settings of every process of a run: production mode on loopback, its own database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DATABASE_URL", "REDIS_URL", "REDIS_CHANNEL_PREFIX", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ratsinfo.settings",
        DATABASE_URL=database_url,
        RATSINFO_VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(var_dir / "media"),
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(REPO),
        **extra,
    )
    return env


def database_migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "migrate", "--noinput", "-v", "0"],
        env=env,
        cwd=REPO,
        check=True,
    )


def town_seed(env: dict[str, str], *, members: int, kind: str = "named", **flags: bool) -> Any:
    """Seed a running meeting with `members` present members and an open poll; its ids and
    session cookies (tests/live/town.py)."""
    command = [sys.executable, "-m", "tests.live.town", "--members", str(members), "--kind", kind]
    if flags.get("no_vote_change"):
        command.append("--no-vote-change")
    done = subprocess.run(command, env=env, cwd=REPO, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@dataclass
class Server:
    """One daphne process serving ratsinfo.asgi on a fixed loopback port."""

    env: dict[str, str]
    log_path: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    _listener: socket.socket | None = field(default=None, repr=False)

    def start(self) -> Server:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, self.port))
        listener.listen(4096)
        self.port = listener.getsockname()[1]
        daphne = Path(sys.executable).with_name("daphne")
        command = [str(daphne), "--fd", str(listener.fileno()), "-v", "0"]
        command.append("ratsinfo.asgi:application")
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                command,
                env=self.env,
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=(listener.fileno(),),
            )
        listener.close()
        self._wait_ready()
        return self

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def kill(self) -> None:
        """Stop without a goodbye, as a crash or `kill -9` would."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def ws_url(self, meeting_id: int) -> str:
        return f"ws://{HOST}:{self.port}/ws/sitzungen/{meeting_id}/"

    def _wait_ready(self) -> None:
        import http.client

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"daphne stopped (exit {self.process.returncode}); see {self.log_path}"
                )
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
                connection.request("GET", "/healthz")
                status = connection.getresponse().status
                connection.close()
            except OSError:
                time.sleep(0.1)
                continue
            if status == 200:
                return
            raise RuntimeError(f"/healthz answered {status}; see {self.log_path}")
        raise RuntimeError(f"daphne did not answer within 60 s; see {self.log_path}")


def cookie_header(cookie: str | None) -> dict[str, str]:
    """The handshake header of a browser logged in with session `cookie` (none: anonymous)."""
    return {"Cookie": f"sessionid={cookie}"} if cookie else {}


def redis_reachable(url: str) -> bool:
    parsed = urllib.parse.urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or HOST, parsed.port or 6379), 1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False
