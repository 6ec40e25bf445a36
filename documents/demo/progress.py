"""Progress output of the seeder: one line rewritten in place on a terminal, occasional
lines otherwise (logs, CI), nothing at verbosity 0."""

from __future__ import annotations

import time
from collections.abc import Callable

Write = Callable[[str, str], None]


class Progress:
    def __init__(self, write: Write, *, tty: bool, verbosity: int) -> None:
        self._write = write
        self._tty = tty
        self._quiet = verbosity < 1
        self._last = 0.0
        self._last_share = -1

    def phase(self, text: str) -> None:
        if not self._quiet:
            self._write(text, "\n")

    def count(self, label: str, done: int, total: int) -> None:
        if self._quiet or total <= 0:
            return
        share = done * 100 // total
        line = f"{label}: {done}/{total} ({share} %)"
        if self._tty:
            now = time.monotonic()
            if done >= total or now - self._last >= 0.2:
                self._last = now
                self._write(f"\r{line}", "\n" if done >= total else "")
        elif done >= total or share // 10 > self._last_share // 10:
            # Without a terminal: at most one line per ten percent.
            self._last_share = share
            self._write(line, "\n")
