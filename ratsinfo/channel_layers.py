"""The embedded channel layer (DESIGN.md §5): Channels' in-memory layer with its expiry sweep
run at most once a second.

The stock layer sweeps every channel and every group on each `receive` and `group_send`. With N
screens following a meeting, one broadcast wakes N receivers, each sweeping N channels: N²
steps, a quarter of a second per event at 500 screens (bench/fanout.py). Expired messages and
channels are still dropped, only up to a second later.
"""

from __future__ import annotations

import time
from typing import Any

from channels.layers import InMemoryChannelLayer as StockInMemoryChannelLayer

SWEEP_INTERVAL_SECONDS = 1.0


class InMemoryChannelLayer(StockInMemoryChannelLayer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._swept = -SWEEP_INTERVAL_SECONDS

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._swept < SWEEP_INTERVAL_SECONDS:
            return
        self._swept = now
        super()._clean_expired()
