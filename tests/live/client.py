"""A websocket client of the live protocol (docs/live-session.md), as the tablets speak it: one
reader task matches replies to their request ids and keeps every event."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from tests.live.server import ORIGIN, cookie_header

TIMEOUT = 20.0


class LiveClient:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.state: dict[str, Any] = {}
        self.events: list[dict[str, Any]] = []
        self.replies: dict[Any, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._reader: asyncio.Task[None] | None = None
        self.closed_code: int | None = None

    @classmethod
    async def open(cls, url: str, cookie: str | None = None) -> LiveClient:
        ws = await connect(
            url,
            origin=Origin(ORIGIN),
            additional_headers=cookie_header(cookie),
            open_timeout=TIMEOUT,
        )
        client = cls(ws)
        first = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
        assert first["type"] == "state", first
        client.state = first["state"]
        client._reader = asyncio.create_task(client._read())
        return client

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                message = json.loads(raw)
                async with self._changed:
                    if message["type"] == "reply":
                        self.replies[message["id"]] = message
                    elif message["type"] == "event":
                        self.events.append(message["event"])
                    self._changed.notify_all()
        finally:
            self.closed_code = self.ws.close_code
            async with self._changed:
                self._changed.notify_all()

    async def call(self, action: str, **params: Any) -> dict[str, Any]:
        message_id = f"c{next(self._ids)}"
        await self.ws.send(json.dumps({"id": message_id, "action": action, **params}))
        return await self._until(lambda: self.replies.pop(message_id, None))

    async def event(
        self, kind: str, where: Callable[[dict[str, Any]], bool] = lambda e: True
    ) -> dict[str, Any]:
        def found() -> dict[str, Any] | None:
            return next((e for e in self.events if e["type"] == kind and where(e)), None)

        return await self._until(found)

    async def _until(self, found: Callable[[], Any]) -> Any:
        async def wait() -> Any:
            async with self._changed:
                while True:
                    value = found()
                    if value is not None:
                        return value
                    if self._reader is not None and self._reader.done():
                        raise ConnectionError(f"connection closed ({self.closed_code})")
                    await self._changed.wait()

        return await asyncio.wait_for(wait(), TIMEOUT)

    async def close(self) -> None:
        await self.ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
