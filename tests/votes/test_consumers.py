"""The live websocket `ws/sitzungen/<id>/` (votes/consumers.py) over the real ASGI application:
session-cookie authentication, the state on connect, actions gated by role, every malformed
message answered with an error reply while the connection stays up, and events redacted for
each viewer."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers, get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.test import Client

from ratsinfo.asgi import application
from ratsinfo.events import meeting_group
from sessions.live import agenda_current_set, conflict_declare
from sessions.models import ConflictDeclaration
from tests.factories import MeetingFactory
from votes import live_actions
from votes.models import Ballot, BallotReceipt, Poll
from votes.services import poll_close, poll_create, poll_open

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 5


@pytest.fixture(autouse=True)
def _fresh_channel_layer(settings: Any) -> Iterator[None]:
    """Each test gets its own in-memory layer, bound to the event loop the test runs."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def origin() -> bytes:
    hosts = [h for h in django_settings.ALLOWED_HOSTS if h not in {"*", "testserver"}]
    return f"http://{hosts[0] if hosts else 'localhost'}".encode()


def session_cookie(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


class Screen:
    """One websocket connection as a client sees it."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.ws = communicator
        self.backlog: list[dict[str, Any]] = []
        self.counter = 0

    async def send(self, action: str | None = None, **params: Any) -> dict[str, Any]:
        """Send an action and return its reply (events arriving meanwhile are kept)."""
        self.counter += 1
        message = {"id": f"m{self.counter}", **params}
        if action is not None:
            message["action"] = action
        await self.ws.send_json_to(message)
        return await self.reply(f"m{self.counter}")

    async def send_raw(self, text: str) -> dict[str, Any]:
        await self.ws.send_to(text_data=text)
        return await self.reply(None)

    async def reply(self, message_id: Any) -> dict[str, Any]:
        return await self.next(lambda m: m["type"] == "reply" and m["id"] == message_id)

    async def event(self, kind: str) -> dict[str, Any]:
        found = await self.next(lambda m: m["type"] == "event" and m["event"]["type"] == kind)
        return found["event"]

    async def next(self, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        for n, message in enumerate(self.backlog):
            if wanted(message):
                return self.backlog.pop(n)
        while True:
            message = await self.ws.receive_json_from(timeout=TIMEOUT)
            if wanted(message):
                return message
            self.backlog.append(message)

    async def events(self) -> list[dict[str, Any]]:
        """Every event received so far, waiting briefly for stragglers."""
        while not await self.ws.receive_nothing(timeout=0.3):
            self.backlog.append(await self.ws.receive_json_from(timeout=TIMEOUT))
        return [m["event"] for m in self.backlog if m["type"] == "event"]


async def open_screen(meeting_id: int, cookie: str | None = None) -> tuple[Screen, dict[str, Any]]:
    headers = [(b"origin", origin())]
    if cookie:
        headers.append((b"cookie", f"{django_settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    ws = WebsocketCommunicator(application, f"/ws/sitzungen/{meeting_id}/", headers=headers)
    connected, _code = await ws.connect(timeout=TIMEOUT)
    assert connected
    first = await ws.receive_json_from(timeout=TIMEOUT)
    return Screen(ws), first


def run(scenario: Callable[[], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        try:
            return await scenario()
        finally:
            await asyncio.sleep(0)

    return asyncio.run(main())


@pytest.fixture
def cookies(live: Any) -> dict[str, str]:
    return {
        "chair": session_cookie(live.chair),
        **{f"member{n}": session_cookie(user) for n, user in enumerate(live.members)},
    }


# --- connecting -----------------------------------------------------------------------------


def test_citizen_connects_and_receives_the_state(live):
    async def scenario():
        screen, first = await open_screen(live.meeting.pk)
        await screen.ws.disconnect()
        return first

    first = run(scenario)

    assert first["type"] == "state"
    assert first["state"]["meeting"]["id"] == live.meeting.pk
    assert first["state"]["viewer"] == {"person_id": None, "is_chair": False, "is_member": False}


def test_member_and_clerk_are_recognised_on_connect(live, cookies):
    async def scenario():
        member, member_state = await open_screen(live.meeting.pk, cookies["member0"])
        chair, chair_state = await open_screen(live.meeting.pk, cookies["chair"])
        await member.ws.disconnect()
        await chair.ws.disconnect()
        return member_state["state"]["viewer"], chair_state["state"]["viewer"]

    member, chair = run(scenario)

    assert member == {
        "person_id": live.members[0].person_id,
        "is_chair": False,
        "is_member": True,
    }
    assert chair["is_chair"] is True


def test_member_of_another_committee_connects_as_a_viewer(live, other_member):
    cookie = session_cookie(other_member)

    async def scenario():
        screen, first = await open_screen(live.meeting.pk, cookie)
        reply = await screen.send("speaker.request", agenda_item_id=live.public_item.pk)
        await screen.ws.disconnect()
        return first, reply

    first, reply = run(scenario)

    assert first["state"]["viewer"]["is_member"] is False
    assert reply["ok"] is False
    assert reply["error"]["code"] == "forbidden"


@pytest.mark.parametrize("meeting", ["unknown", "unpublished"])
def test_meeting_the_user_may_not_see_is_closed_with_4404(body, meeting):
    meeting_id = (
        999_999 if meeting == "unknown" else MeetingFactory(body=body, published_at=None).pk
    )

    async def scenario():
        ws = WebsocketCommunicator(
            application, f"/ws/sitzungen/{meeting_id}/", headers=[(b"origin", origin())]
        )
        await ws.connect(timeout=TIMEOUT)
        closed = await ws.receive_output(timeout=TIMEOUT)
        await ws.wait()
        return closed

    closed = run(scenario)

    assert closed == {"type": "websocket.close", "code": 4404}


def test_public_sees_only_a_label_for_the_current_non_public_item(live):
    agenda_current_set(
        meeting_id=live.meeting.pk, agenda_item_id=live.secret_item.pk, user=live.chair
    )

    async def scenario():
        screen, first = await open_screen(live.meeting.pk)
        await screen.ws.disconnect()
        return first["state"]

    state = run(scenario)

    assert state["agenda"]["item"]["name"] == "nicht öffentlicher Tagesordnungspunkt"
    assert "Grundstückskauf" not in json.dumps(state)


# --- ballots --------------------------------------------------------------------------------


def test_member_ballot_is_acknowledged_once_committed(live, open_poll, cookies):
    poll = open_poll()

    async def scenario():
        screen, _state = await open_screen(live.meeting.pk, cookies["member0"])
        reply = await screen.send(
            "ballot.cast", poll_id=poll.pk, choice="yes", idempotency_key="k1"
        )
        stored = await database_sync_to_async(BallotReceipt.objects.filter(poll=poll).count)()
        await screen.ws.disconnect()
        return reply, stored

    reply, stored = run(scenario)

    assert reply["ok"] is True
    assert reply["result"]["status"] == "recorded"
    assert reply["result"]["person_id"] == live.members[0].person_id
    assert stored == 1


def test_repeated_ballot_with_the_same_key_is_answered_as_duplicate(live, open_poll, cookies):
    poll = open_poll()

    async def scenario():
        screen, _state = await open_screen(live.meeting.pk, cookies["member0"])
        first = await screen.send("ballot.cast", poll_id=poll.pk, choice="no", idempotency_key="k")
        again = await screen.send("ballot.cast", poll_id=poll.pk, choice="no", idempotency_key="k")
        await screen.ws.disconnect()
        return first, again

    first, again = run(scenario)

    assert first["result"]["status"] == "recorded"
    assert again["ok"] is True
    assert again["result"]["status"] == "duplicate"
    assert Ballot.objects.filter(poll=poll).count() == 1


def test_a_different_second_vote_is_rejected_where_changes_are_not_allowed(
    live, open_poll, cookies
):
    poll = open_poll(allow_vote_change=False)

    async def scenario():
        screen, _state = await open_screen(live.meeting.pk, cookies["member0"])
        await screen.send("ballot.cast", poll_id=poll.pk, choice="yes")
        second = await screen.send("ballot.cast", poll_id=poll.pk, choice="no")
        await screen.ws.disconnect()
        return second

    second = run(scenario)

    assert second["ok"] is False
    assert second["error"]["code"] == "rejected"
    assert "Ja" in second["error"]["message"]
    assert Ballot.objects.get(poll=poll).choice == "yes"


def test_member_cannot_vote_for_another_member(live, open_poll, cookies):
    poll = open_poll()
    colleague = live.members[1].person_id

    async def scenario():
        screen, _state = await open_screen(live.meeting.pk, cookies["member0"])
        reply = await screen.send("ballot.cast", poll_id=poll.pk, choice="yes", person_id=colleague)
        await screen.ws.disconnect()
        return reply

    reply = run(scenario)

    assert reply["error"]["code"] == "forbidden"
    assert not BallotReceipt.objects.filter(poll=poll).exists()


def test_chair_records_the_ballot_of_a_member_without_a_tablet(live, open_poll, cookies):
    poll = open_poll()
    member = live.members[2].person_id

    async def scenario():
        screen, _state = await open_screen(live.meeting.pk, cookies["chair"])
        reply = await screen.send("ballot.cast", poll_id=poll.pk, choice="no", person_id=member)
        await screen.ws.disconnect()
        return reply

    reply = run(scenario)

    assert reply["ok"] is True
    assert Ballot.objects.get(poll=poll).voter_id == member


@pytest.mark.parametrize(
    ("action", "params"),
    [
        ("ballot.cast", {"choice": "yes"}),
        ("speaker.request", {}),
        ("meeting.close", {}),
        ("poll.close", {}),
    ],
)
def test_citizen_can_never_send_a_state_changing_action(live, open_poll, action, params):
    poll = open_poll()
    params = {**params, "poll_id": poll.pk, "agenda_item_id": live.public_item.pk}

    async def scenario():
        screen, _state = await open_screen(live.meeting.pk)
        reply = await screen.send(action, **params)
        await screen.ws.disconnect()
        return reply

    reply = run(scenario)

    assert reply["ok"] is False
    assert reply["error"]["code"] == "forbidden"
    assert Poll.objects.get(pk=poll.pk).state == Poll.State.OPEN
    assert not BallotReceipt.objects.exists()


def test_member_cannot_run_the_meeting(live, cookies):
    async def scenario():
        screen, _state = await open_screen(live.meeting.pk, cookies["member0"])
        reply = await screen.send("meeting.close")
        await screen.ws.disconnect()
        return reply

    reply = run(scenario)

    assert reply["error"]["code"] == "forbidden"


# --- bad input ------------------------------------------------------------------------------


def test_bad_messages_get_error_replies_and_the_connection_stays_up(live, open_poll, cookies):
    poll = open_poll()

    async def scenario():
        screen, _state = await open_screen(live.meeting.pk, cookies["member0"])
        replies = {
            "malformed": await screen.send_raw("{not json"),
            "not_an_object": await screen.send_raw("[1, 2]"),
            "oversized": await screen.send_raw(json.dumps({"pad": "x" * 20_000})),
            "no_action": await screen.send(None),
            "unknown_action": await screen.send("poll.explode", poll_id=poll.pk),
            "string_id": await screen.send("ballot.cast", poll_id=str(poll.pk), choice="yes"),
            "bool_id": await screen.send("ballot.cast", poll_id=True, choice="yes"),
            "bad_choice": await screen.send("ballot.cast", poll_id=poll.pk, choice="maybe"),
            "missing": await screen.send("speaker.request"),
        }
        await screen.ws.send_to(bytes_data=b"\x00\x01")
        replies["binary"] = await screen.reply(None)
        still = await screen.send("state.get")
        await screen.ws.disconnect()
        return replies, still

    replies, still = run(scenario)

    codes = {name: reply["error"]["code"] for name, reply in replies.items()}
    assert codes == {
        "malformed": "invalid",
        "not_an_object": "invalid",
        "oversized": "too_large",
        "no_action": "invalid",
        "unknown_action": "invalid",
        "string_id": "invalid",
        "bool_id": "invalid",
        "bad_choice": "invalid",
        "missing": "invalid",
        "binary": "invalid",
    }
    assert all(reply["error"]["message"] for reply in replies.values())
    assert still["ok"] is True
    assert still["result"]["state"]["poll"]["poll"]["id"] == poll.pk
    assert not BallotReceipt.objects.exists()


def test_an_object_of_another_meeting_is_not_found(live, body, cookies):
    other_meeting = MeetingFactory(body=body, organizations=[live.council])
    other_poll = poll_create(user=live.chair, title="Fremd", meeting_id=other_meeting.pk)

    async def scenario():
        screen, _state = await open_screen(live.meeting.pk, cookies["chair"])
        reply = await screen.send("poll.open", poll_id=other_poll.pk)
        await screen.ws.disconnect()
        return reply

    reply = run(scenario)

    assert reply["error"]["code"] == "not_found"
    assert Poll.objects.get(pk=other_poll.pk).state == Poll.State.DRAFT


def test_a_failing_handler_answers_server_error_and_the_connection_stays_up(
    live, cookies, monkeypatch
):
    def explode(ctx, params):
        raise RuntimeError("boom")

    broken = live_actions.Action(explode, {}, "viewer")
    monkeypatch.setitem(live_actions.ACTIONS, "state.get", broken)

    async def scenario():
        screen, _state = await open_screen(live.meeting.pk, cookies["member0"])
        failed = await screen.send("state.get")
        monkeypatch.undo()
        after = await screen.send("state.get")
        await screen.ws.disconnect()
        return failed, after

    failed, after = run(scenario)

    assert failed["error"]["code"] == "server"
    assert after["ok"] is True


def test_a_flood_of_messages_is_rate_limited(live, cookies):
    async def scenario():
        screen, _state = await open_screen(live.meeting.pk)
        for n in range(80):
            await screen.ws.send_json_to({"id": n, "action": "no.such"})
        replies = [await screen.reply(n) for n in range(80)]
        await screen.ws.disconnect()
        return [r["error"]["code"] for r in replies]

    codes = run(scenario)

    assert "rate_limited" in codes
    assert codes[0] == "invalid"


# --- events ---------------------------------------------------------------------------------


def test_progress_reaches_other_screens_and_never_says_how(live, open_poll, cookies):
    poll = open_poll()

    async def scenario():
        room, _state = await open_screen(live.meeting.pk)
        voter, _state = await open_screen(live.meeting.pk, cookies["member0"])
        await voter.send("ballot.cast", poll_id=poll.pk, choice="no")
        progress = await room.event("poll.progress")
        await room.ws.disconnect()
        await voter.ws.disconnect()
        return progress

    progress = run(scenario)

    assert progress["poll_id"] == poll.pk
    assert progress["voted"] == 1
    assert progress["eligible"] == 5
    text = json.dumps(progress)
    assert "no" not in json.loads(text).values()
    assert not {"choice", "yes", "no", "abstain", "names", "result"} & set(progress)


def test_chair_runs_a_poll_and_every_screen_sees_the_result(live, cookies):
    async def scenario():
        chair, _state = await open_screen(live.meeting.pk, cookies["chair"])
        room, _state = await open_screen(live.meeting.pk)
        created = await chair.send(
            "poll.create", agenda_item_id=live.public_item.pk, title="Kita bauen"
        )
        poll_id = created["result"]["poll_id"]
        opened = await chair.send("poll.open", poll_id=poll_id)
        voters = [(await open_screen(live.meeting.pk, cookies[f"member{n}"]))[0] for n in range(3)]
        for voter in voters:
            assert (await voter.send("ballot.cast", poll_id=poll_id, choice="yes"))["ok"]
        closed = await chair.send("poll.close", poll_id=poll_id)
        seen = [await screen.event("poll.closed") for screen in [room, *voters]]
        for screen in [chair, room, *voters]:
            await screen.ws.disconnect()
        return opened, closed, seen

    opened, closed, seen = run(scenario)

    assert opened["result"]["state"] == "open"
    assert closed["result"]["result"]["yes"] == 3
    assert [event["result"]["yes"] for event in seen] == [3, 3, 3, 3]
    assert all(event["result"]["accepted"] for event in seen)


def test_events_on_a_non_public_item_are_redacted_for_the_public(live, cookies):
    poll = poll_create(
        user=live.chair, title="Kaufpreis Kanalstraße", agenda_item_id=live.secret_item.pk
    )
    agenda_current_set(
        meeting_id=live.meeting.pk, agenda_item_id=live.secret_item.pk, user=live.chair
    )

    async def scenario():
        room, _state = await open_screen(live.meeting.pk)
        member, _state = await open_screen(live.meeting.pk, cookies["member0"])
        chair, _state = await open_screen(live.meeting.pk, cookies["chair"])
        await chair.send("poll.open", poll_id=poll.pk)
        public_view = await room.event("poll.opened")
        member_view = await member.event("poll.opened")
        for screen in (room, member, chair):
            await screen.ws.disconnect()
        return public_view, member_view

    public_view, member_view = run(scenario)

    assert public_view["poll"]["title"] == "nicht öffentlicher Tagesordnungspunkt"
    assert "Kanalstraße" not in json.dumps(public_view)
    assert member_view["poll"]["title"] == "Kaufpreis Kanalstraße"


def test_member_requests_to_speak_and_withdraws(live, cookies):
    async def scenario():
        screen, _state = await open_screen(live.meeting.pk, cookies["member0"])
        requested = await screen.send("speaker.request", agenda_item_id=live.public_item.pk)
        listed = await screen.event("speakers.changed")
        withdrawn = await screen.send(
            "speaker.withdraw", speaker_id=requested["result"]["speaker_id"]
        )
        await screen.ws.disconnect()
        return requested, listed, withdrawn

    requested, listed, withdrawn = run(scenario)

    assert requested["result"]["state"] == "waiting"
    assert [s["person_id"] for s in listed["speakers"]] == [live.members[0].person_id]
    assert withdrawn["result"]["state"] == "removed"


def test_closing_a_poll_after_the_ballots_counts_each_once(live, open_poll, cookies):
    poll = open_poll()

    async def scenario():
        screens = [(await open_screen(live.meeting.pk, cookies[f"member{n}"]))[0] for n in range(5)]
        replies = await asyncio.gather(
            *(s.send("ballot.cast", poll_id=poll.pk, choice="yes") for s in screens)
        )
        for screen in screens:
            await screen.ws.disconnect()
        return replies

    replies = run(scenario)
    closed = poll_close(poll_id=poll.pk, user=live.chair)

    assert [r["ok"] for r in replies] == [True] * 5
    assert closed.yes_count == 5


def test_opening_needs_no_reconnect_state_get_returns_the_running_poll(live, cookies):
    async def scenario():
        screen, first = await open_screen(live.meeting.pk, cookies["member0"])
        await database_sync_to_async(_open_poll)(live)
        opened = await screen.event("poll.opened")
        state = await screen.send("state.get")
        await screen.ws.disconnect()
        return first, opened, state

    first, opened, state = run(scenario)

    assert first["state"]["poll"] is None
    assert state["result"]["state"]["poll"]["poll"]["id"] == opened["poll"]["id"]
    assert state["result"]["state"]["my_vote"] == {
        "voted": False,
        "eligible": True,
        "choice": None,
        "candidate_id": None,
    }


def _open_poll(live: Any) -> Poll:
    poll = poll_create(user=live.chair, title="Kita", agenda_item_id=live.public_item.pk)
    return poll_open(poll_id=poll.pk, user=live.chair)


# --- process-local fan-out (votes.fanout) ---------------------------------------------------


def test_screens_share_one_group_subscription_and_get_events_redacted_per_viewer(live, cookies):
    poll = poll_create(
        user=live.chair, title="Kaufpreis Kanalstraße", agenda_item_id=live.secret_item.pk
    )
    group = meeting_group(live.meeting.pk)

    async def scenario():
        layer = get_channel_layer()
        public = [(await open_screen(live.meeting.pk))[0] for _ in range(2)]
        members = [(await open_screen(live.meeting.pk, cookies[f"member{n}"]))[0] for n in (0, 1)]
        chair, _state = await open_screen(live.meeting.pk, cookies["chair"])
        subscribed = len(layer.groups.get(group, {}))
        await chair.send("poll.open", poll_id=poll.pk)
        public_views = [await screen.event("poll.opened") for screen in public]
        member_views = [await screen.event("poll.opened") for screen in members]
        for screen in (*public, *members, chair):
            await screen.ws.disconnect()
        return subscribed, public_views, member_views, len(layer.groups.get(group, {}))

    subscribed, public_views, member_views, left = run(scenario)

    assert subscribed == 1
    for view in public_views:
        assert view["poll"]["title"] == "nicht öffentlicher Tagesordnungspunkt"
        assert "Kanalstraße" not in json.dumps(view)
    assert [view["poll"]["title"] for view in member_views] == ["Kaufpreis Kanalstraße"] * 2
    assert left == 0


def test_the_voter_gets_the_reply_before_the_progress_that_counts_the_ballot(
    live, open_poll, cookies
):
    poll = open_poll()

    async def scenario():
        voter, _state = await open_screen(live.meeting.pk, cookies["member0"])
        await voter.ws.send_json_to(
            {"id": "b", "action": "ballot.cast", "poll_id": poll.pk, "choice": "yes"}
        )
        first = await voter.ws.receive_json_from(timeout=TIMEOUT)
        second = await voter.ws.receive_json_from(timeout=TIMEOUT)
        await voter.ws.disconnect()
        return first, second

    first, second = run(scenario)

    assert (first["type"], first["ok"]) == ("reply", True)
    assert (second["type"], second["event"]["type"]) == ("event", "poll.progress")


def test_ballots_sent_together_are_each_answered(live, open_poll, cookies):
    poll = open_poll()

    async def scenario():
        # Member 0 votes from two tablets at once: the same message twice.
        screens = [
            (await open_screen(live.meeting.pk, cookies[f"member{n}"]))[0]
            for n in (0, 1, 2, 3, 4, 0)
        ]
        replies = await asyncio.gather(
            *(
                screen.send("ballot.cast", poll_id=poll.pk, choice="yes", idempotency_key="x")
                for screen in screens
            )
        )
        for screen in screens:
            await screen.ws.disconnect()
        return replies

    replies = run(scenario)

    statuses = sorted(r["result"]["status"] for r in replies)
    assert statuses == ["duplicate"] + ["recorded"] * 5
    assert BallotReceipt.objects.filter(poll=poll).count() == 5


# --- drafts, conflicts, proxies and late screens ---------------------------------------------


def test_a_draft_prepared_on_one_console_appears_on_another_and_nowhere_else(live, cookies):
    async def scenario():
        first, _state = await open_screen(live.meeting.pk, cookies["chair"])
        second, _state = await open_screen(live.meeting.pk, cookies["chair"])
        member, _state = await open_screen(live.meeting.pk, cookies["member0"])
        public, _state = await open_screen(live.meeting.pk)
        created = await first.send(
            "poll.create", agenda_item_id=live.secret_item.pk, title="Kaufpreis Kanalstraße"
        )
        notice = await second.event("poll.created")
        fetched = await second.send("state.get")
        seen = [await member.events(), await public.events()]
        for screen in (first, second, member, public):
            await screen.ws.disconnect()
        return created, notice, fetched, seen

    created, notice, fetched, seen = run(scenario)

    assert notice == {"type": "poll.created", "meeting_id": live.meeting.pk}
    (draft,) = fetched["result"]["state"]["drafts"]
    assert (draft["id"], draft["title"]) == (created["result"]["poll_id"], "Kaufpreis Kanalstraße")
    for events in seen:
        assert events == [notice]


def test_member_withdraws_a_conflict_and_the_chair_removes_one(live, cookies):
    for member in live.members[:2]:
        conflict_declare(agenda_item_id=live.public_item.pk, user=member)

    async def scenario():
        member, _state = await open_screen(live.meeting.pk, cookies["member0"])
        chair, state = await open_screen(live.meeting.pk, cookies["chair"])
        withdrawn = await member.send("conflict.withdraw", agenda_item_id=live.public_item.pk)
        event = await chair.event("conflict.withdrawn")
        removed = await chair.send(
            "conflict.remove",
            agenda_item_id=live.public_item.pk,
            person_id=live.members[1].person_id,
        )
        refused = await member.send(
            "conflict.remove",
            agenda_item_id=live.public_item.pk,
            person_id=live.members[1].person_id,
        )
        for screen in (member, chair):
            await screen.ws.disconnect()
        return state, withdrawn, event, removed, refused

    state, withdrawn, event, removed, refused = run(scenario)

    assert len(state["state"]["conflicts"]) == 2
    assert withdrawn["result"]["person_id"] == live.members[0].person_id
    assert (event["person_id"], event["agenda_item_id"]) == (
        live.members[0].person_id,
        live.public_item.pk,
    )
    assert removed["ok"] and removed["result"]["person_id"] == live.members[1].person_id
    assert refused["error"]["code"] == "forbidden"
    assert not ConflictDeclaration.objects.exists()


def test_chair_records_an_election_vote_for_a_member_without_a_tablet(live, open_poll, cookies):
    poll = open_poll(kind="election", candidates=["Anna Alt", "Bernd Berg"])
    anna = poll.candidates.get(name="Anna Alt")
    member = live.members[3].person_id

    async def scenario():
        screen, _state = await open_screen(live.meeting.pk, cookies["chair"])
        reply = await screen.send(
            "ballot.cast", poll_id=poll.pk, candidate_id=anna.pk, person_id=member
        )
        await screen.ws.disconnect()
        return reply

    reply = run(scenario)

    assert reply["ok"] is True
    assert (reply["result"]["person_id"], reply["result"]["candidate_id"]) == (member, anna.pk)
    assert Ballot.objects.get(poll=poll).candidate_id == anna.pk


def test_a_screen_that_joined_after_the_opening_gets_the_poll_with_its_result(
    live, open_poll, cookies
):
    public_poll = open_poll(title="Kita bauen")
    poll_close(poll_id=public_poll.pk, user=live.chair)
    secret_poll = open_poll(title="Kaufpreis Kanalstraße", agenda_item_id=live.secret_item.pk)

    async def scenario():
        public, state = await open_screen(live.meeting.pk)
        chair, _state = await open_screen(live.meeting.pk, cookies["chair"])
        await chair.send("poll.close", poll_id=secret_poll.pk)
        closed = await public.event("poll.closed")
        for screen in (public, chair):
            await screen.ws.disconnect()
        return state, closed

    state, closed = run(scenario)

    assert state["state"]["last_result"]["poll"]["title"] == "Kita bauen"
    assert closed["poll"]["title"] == "nicht öffentlicher Tagesordnungspunkt"
    assert closed["poll"]["kind"] == "named"
    assert "Kanalstraße" not in json.dumps(closed)
