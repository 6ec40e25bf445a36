"""The live websocket of a meeting, `ws/sitzungen/<meeting_id>/` (DESIGN.md §5; the protocol is
in docs/live-session.md, "Websocket protocol").

Thin by design: authenticate and authorize once in `connect`, then for every client message
parse, gate by the viewer's role, call one service or selector in a worker thread
(`votes.live_actions`) and reply `ok` or a clear error; forward every group event redacted for
this viewer. Nothing a client sends can crash the connection or the server.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from ratsinfo.errors import DomainError
from ratsinfo.events import meeting_group
from sessions.selectors import LiveViewer, live_viewer_get
from votes.batching import batcher_for
from votes.fanout import MeetingHub, event_text, hub_for, hub_leave
from votes.live_actions import ACTIONS, Action, Context, InvalidMessage, params_parse
from votes.selectors import meeting_live_state

logger = logging.getLogger(__name__)

# Close codes sent after accepting (a refused handshake carries no code a browser could read).
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404

# A tablet's messages are small; a ballot is under 200 bytes.
MAX_MESSAGE_BYTES = 16 * 1024
# Per connection: a burst of BURST messages, then RATE per second (the chair's "all present"
# sends one attendance message per member at once).
RATE_PER_SECOND = 20.0
BURST = 60.0
MAX_ID_LENGTH = 100


class TokenBucket:
    """Allows `burst` messages at once and `rate` per second after that."""

    def __init__(self, *, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class Refused(Exception):
    """A message answered with an error reply of `code`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


ROLE_REFUSALS = {
    "member": lambda: _(
        "Nur Mitglieder der Gremien dieser Sitzung und der Sitzungsdienst können hier etwas "
        "auslösen. Bitte melden Sie sich an."
    ),
    "chair": lambda: _("Das darf nur die Sitzungsleitung oder der Sitzungsdienst."),
}


def _connect(meeting_id: int, user: Any) -> tuple[LiveViewer, dict[str, Any]]:
    viewer = live_viewer_get(meeting_id=meeting_id, user=user)
    return viewer, dict(meeting_live_state(meeting_id=meeting_id, user=user))


class MeetingConsumer(AsyncJsonWebsocketConsumer):
    # No channel of its own (Channels gives none for an alias that is not configured): group
    # events arrive through the process's hub of the meeting (votes.fanout). With Redis, a
    # channel per screen would be a reader per screen, and 1,000 of them time out.
    channel_layer_alias = "meeting-consumers-use-the-hub"
    viewer: LiveViewer | None = None
    group: str | None = None
    hub: MeetingHub | None = None
    # While answering one of its own messages, group events wait here (see votes.fanout).
    busy: bool = False
    held: list[str | dict[str, Any]] | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        meeting_id = int(self.scope["url_route"]["kwargs"]["meeting_id"])
        self.bucket = TokenBucket(rate=RATE_PER_SECOND, burst=BURST)
        # Events arriving before the viewer is known wait until the state is sent.
        self.busy = True
        try:
            await self._connect(meeting_id, user)
        finally:
            await self._release_held()

    async def _connect(self, meeting_id: int, user: Any) -> None:
        # Accept first: after a restart every screen reconnects at once, and the server drops
        # a handshake the application has not accepted within seconds. Joining the meeting's
        # hub (the process's one subscription to the group, votes.fanout) before reading the
        # state loses no event in between; events are held until the state is sent.
        self.group = meeting_group(meeting_id)
        layer = get_channel_layer()
        if layer is not None:
            self.hub = hub_for(layer, self.group)
            await self.hub.join(self)
        await self.accept()
        try:
            # Reads only, so screens connecting together need not queue in one thread.
            read = database_sync_to_async(_connect, thread_sensitive=False)
            viewer, state = await read(meeting_id, user)
        except (Http404, ObjectDoesNotExist):
            await self.close(code=CLOSE_NOT_FOUND)
            return
        except PermissionDenied:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.viewer = viewer
        await self.send_json({"type": "state", "state": state})

    async def disconnect(self, code: int) -> None:
        if self.hub is not None:
            hub, self.hub = self.hub, None
            await hub_leave(hub, self)

    # --- group events (through votes.fanout) -----------------------------------------------

    def visible_item_ids_or_none(self) -> frozenset[int] | None:
        return self.viewer.visible_item_ids if self.viewer is not None else None

    async def deliver_text(self, text: str | dict[str, Any]) -> None:
        """Send an event frame (pre-encoded, or a raw event to redact for this viewer), after
        the reply or state this consumer is busy with."""
        if self.busy:
            if self.held is None:
                self.held = []
            self.held.append(text)
            return
        await self._send_event(text)

    async def _send_event(self, text: str | dict[str, Any]) -> None:
        if isinstance(text, dict):
            if self.viewer is None:
                return
            text = event_text(text, self.viewer.visible_item_ids)
        await self._frame_send({"type": "websocket.send", "text": text})

    async def send_json(self, content: Any, close: bool = False) -> None:
        if close:
            await super().send_json(content, close=True)
            return
        await self._frame_send({"type": "websocket.send", "text": json.dumps(content)})

    def _frame_send(self, message: dict[str, Any]) -> Any:
        """The server's own send for frames. Channels' session middleware wraps `send` to save a
        changed session on HTTP responses (`http.response.start` only); it costs a quarter of a
        frame's way out and does nothing for a websocket frame, so frames skip it (accept and
        close still go through it)."""
        send: Any = self.base_send
        wrapper = getattr(send, "__self__", None)
        return getattr(wrapper, "real_send", send)(message)

    async def _release_held(self) -> None:
        # Still busy while flushing: events arriving meanwhile queue behind the held ones.
        while self.held:
            held, self.held = self.held, None
            for text in held:
                await self._send_event(text)
        self.busy = False

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale database connections before every message, a hop to a worker
        # thread and back per message (with 2,000 ballots in a second, a fifth of the event
        # loop). Every database access of this consumer runs through database_sync_to_async,
        # which does the same in its own thread, so the hop is skipped.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- client messages --------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.viewer is None:
            return
        self.busy = True
        try:
            await self._receive(text_data)
        finally:
            await self._release_held()

    async def _receive(self, text_data: str | None) -> None:
        message_id: Any = None
        try:
            if text_data is None:
                raise Refused("invalid", _("Bitte senden Sie Textnachrichten im JSON-Format."))
            if len(text_data.encode()) > MAX_MESSAGE_BYTES:
                raise Refused(
                    "too_large",
                    _("Die Nachricht ist zu groß (höchstens %(n)d KB).")
                    % {"n": MAX_MESSAGE_BYTES // 1024},
                )
            try:
                content = json.loads(text_data)
            except ValueError:
                raise Refused(
                    "invalid", _("Die Nachricht ist kein gültiges JSON-Objekt.")
                ) from None
            if not isinstance(content, dict):
                raise Refused("invalid", _("Die Nachricht ist kein gültiges JSON-Objekt."))
            message_id = _message_id(content.get("id"))
            if not self.bucket.take():
                raise Refused(
                    "rate_limited",
                    _("Zu viele Nachrichten in kurzer Zeit. Bitte warten Sie einen Moment."),
                )
            result = await self.handle(content)
        except Refused as refusal:
            await self.reply_error(message_id, refusal.code, refusal.message)
            return
        await self.send_json({"type": "reply", "id": message_id, "ok": True, "result": result})

    async def handle(self, content: dict[str, Any]) -> dict[str, Any]:
        """Run the message's action; raises Refused with the error reply's code."""
        assert self.viewer is not None
        name = content.get("action")
        action = ACTIONS.get(name) if isinstance(name, str) else None
        if action is None:
            raise Refused(
                "invalid",
                _("Unbekannte Aktion „%(a)s“. Bitte laden Sie die Seite neu.") % {"a": name},
            )
        _gate(action, self.viewer)
        try:
            params = params_parse(action.params, content)
            context = Context(self.scope.get("user"), self.viewer)
            result: dict[str, Any]
            if action.batch is not None:
                # Group commit (votes.batching): one transaction for the ballots arriving
                # together on this poll; the reply still waits for the commit.
                key = (name, self.viewer.meeting_id, params.get("poll_id"))
                batcher = batcher_for(key, action.batch, thread_sensitive=_sqlite)
                result = await batcher.submit((context, params))
            else:
                parallel = action.parallel and not _sqlite()
                run = database_sync_to_async(action.run, thread_sensitive=not parallel)
                result = await run(context, params)
        except InvalidMessage as exc:
            raise Refused("invalid", str(exc)) from None
        except DomainError as exc:
            raise Refused("rejected", exc.message) from None
        except PermissionDenied as exc:
            raise Refused("forbidden", str(exc) or _("Dazu sind Sie nicht berechtigt.")) from None
        except (Http404, ObjectDoesNotExist):
            raise Refused(
                "not_found",
                _("Das gesuchte Objekt gibt es in dieser Sitzung nicht. Bitte laden Sie neu."),
            ) from None
        except Exception:
            logger.exception("Live action %s on meeting %s failed", name, self.viewer.meeting_id)
            raise Refused(
                "server",
                _("Ein Fehler auf dem Server. Bitte versuchen Sie es noch einmal."),
            ) from None
        return result

    async def reply_error(self, message_id: Any, code: str, message: str) -> None:
        await self.send_json(
            {
                "type": "reply",
                "id": message_id,
                "ok": False,
                "error": {"code": code, "message": message},
            }
        )


def _gate(action: Action, viewer: LiveViewer) -> None:
    allowed = {
        "viewer": True,
        "member": viewer.is_member or viewer.is_chair,
        "chair": viewer.is_chair,
    }[action.role]
    if not allowed:
        raise Refused("forbidden", ROLE_REFUSALS[action.role]())


def _sqlite() -> bool:
    # SQLite takes one writer at a time and answers a second one racing it with "database is
    # locked" rather than waiting, so there ballots queue in Django's one sync thread.
    return bool(settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"))


def _message_id(raw: Any) -> Any:
    """The client's id to echo: a string or number; anything else is echoed as null."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float) or (isinstance(raw, str) and len(raw) <= MAX_ID_LENGTH):
        return raw
    return None
