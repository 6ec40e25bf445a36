"""Voting against real daphne processes over real websocket connections: a council of 33 at
the same moment, a server restart mid-poll, and two processes sharing their groups through
Redis (issue 7, "Reliability")."""

from __future__ import annotations

import asyncio

from tests.live.client import LiveClient
from tests.live.server import town_seed

COUNCIL = 33


def test_a_council_of_33_voting_at_once_is_counted_exactly_once(live_env, live_db, start_server):
    town = town_seed(live_env, members=COUNCIL)
    server = start_server()
    url = server.ws_url(town["meeting_id"])
    poll_id = town["poll_id"]

    async def scenario():
        room = await LiveClient.open(url)
        chair = await LiveClient.open(url, town["chair_cookie"])
        members = await asyncio.gather(
            *(LiveClient.open(url, cookie) for cookie in town["member_cookies"])
        )
        choices = ["yes"] * 20 + ["no"] * 10 + ["abstain"] * 3
        acks = await asyncio.gather(
            *(
                member.call("ballot.cast", poll_id=poll_id, choice=choice, idempotency_key="t1")
                for member, choice in zip(members, choices, strict=True)
            )
        )
        everyone = [room, chair, *members]
        await room.event("poll.progress", lambda e: e["voted"] == COUNCIL)
        closed = await chair.call("poll.close", poll_id=poll_id)
        results = await asyncio.gather(*(client.event("poll.closed") for client in everyone))
        replies_left = [client.replies for client in everyone]
        await asyncio.gather(*(client.close() for client in everyone))
        return acks, closed, results, replies_left

    acks, closed, results, replies_left = asyncio.run(scenario())

    assert [ack["ok"] for ack in acks] == [True] * COUNCIL
    assert sorted(ack["result"]["person_id"] for ack in acks) == sorted(town["person_ids"])
    assert {ack["result"]["status"] for ack in acks} == {"recorded"}
    assert replies_left == [{}] * (COUNCIL + 2), "a reply arrived more than once"
    assert live_db.count("votes_ballot", poll_id) == COUNCIL
    assert live_db.count("votes_ballotreceipt", poll_id) == COUNCIL
    assert live_db.duplicates(poll_id) == 0
    tally = closed["result"]["result"]
    assert (tally["yes"], tally["no"], tally["abstain"], tally["accepted"]) == (20, 10, 3, True)
    assert len(results) == COUNCIL + 2
    assert all(event["result"]["yes"] == 20 for event in results)
    assert all(len(event["result"]["detail"]["names"]["yes"]) == 20 for event in results)


def test_acknowledged_ballots_survive_a_server_restart_mid_poll(live_env, live_db, start_server):
    town = town_seed(live_env, members=COUNCIL)
    server = start_server()
    poll_id = town["poll_id"]
    cookies = town["member_cookies"]
    before, after = cookies[:12], cookies[12:]

    async def vote(cookies, url):
        members = await asyncio.gather(*(LiveClient.open(url, cookie) for cookie in cookies))
        acks = await asyncio.gather(
            *(m.call("ballot.cast", poll_id=poll_id, choice="yes") for m in members)
        )
        await asyncio.gather(*(m.close() for m in members))
        return acks

    first = asyncio.run(vote(before, server.ws_url(town["meeting_id"])))
    # As hard as a crash: no shutdown handler runs.
    server.kill()
    server.start()
    url = server.ws_url(town["meeting_id"])

    async def reconnect_and_finish():
        returning = await LiveClient.open(url, before[0])
        again = await returning.call("ballot.cast", poll_id=poll_id, choice="yes")
        await returning.close()
        rest = await vote(after, url)
        chair = await LiveClient.open(url, town["chair_cookie"])
        closed = await chair.call("poll.close", poll_id=poll_id)
        await chair.close()
        return returning.state, again, rest, closed

    state, again, rest, closed = asyncio.run(reconnect_and_finish())

    assert [ack["ok"] for ack in first] == [True] * len(before)
    assert state["my_vote"]["voted"] is True
    assert state["progress"]["voted"] == len(before)
    assert again["result"]["status"] == "duplicate"
    assert [ack["ok"] for ack in rest] == [True] * len(after)
    assert closed["result"]["result"]["yes"] == COUNCIL
    assert live_db.count("votes_ballotreceipt", poll_id) == COUNCIL


def test_a_ballot_through_one_process_reaches_a_viewer_of_another(
    live_env, live_db, start_server, redis_env
):
    town = town_seed(live_env, members=5)
    process_a = start_server(**redis_env)
    process_b = start_server(**redis_env)
    poll_id = town["poll_id"]

    async def scenario():
        viewer = await LiveClient.open(process_b.ws_url(town["meeting_id"]))
        voter = await LiveClient.open(
            process_a.ws_url(town["meeting_id"]), town["member_cookies"][0]
        )
        ack = await voter.call("ballot.cast", poll_id=poll_id, choice="no")
        progress = await viewer.event("poll.progress", lambda e: e["voted"] == 1)
        await asyncio.gather(viewer.close(), voter.close())
        return ack, progress

    ack, progress = asyncio.run(scenario())

    assert process_a.port != process_b.port
    assert ack["ok"] is True
    assert progress == {
        "type": "poll.progress",
        "meeting_id": town["meeting_id"],
        "agenda_item_id": town["agenda_item_id"],
        "item_public": True,
        "poll_id": poll_id,
        "voted": 1,
        "eligible": 5,
    }
    assert live_db.count("votes_ballot", poll_id) == 1
