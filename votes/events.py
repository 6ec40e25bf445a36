"""Payloads of the live events of polls (DESIGN.md §5), built here and nowhere else.

`poll.progress` says how many have voted, never how. Results name voters only for named polls.
Every event carries `agenda_item_id` and `item_public`; `redact_for_viewer` strips them for
viewers who may not see a non-public item.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from sessions import events as session_events
from votes.models import Poll


class CandidateInfo(TypedDict):
    id: int
    name: str


class PollInfo(TypedDict):
    id: int
    title: str
    kind: str
    state: str
    majority_method: str
    allow_vote_change: bool
    candidates: list[CandidateInfo]
    eligible: int
    statutory: int


class ResultInfo(TypedDict):
    yes: int | None
    no: int | None
    abstain: int | None
    accepted: bool | None
    short: str
    text: str
    detail: dict[str, Any]


class PollOpenedEvent(TypedDict):
    type: Literal["poll.opened"]
    meeting_id: int | None
    agenda_item_id: int | None
    item_public: bool
    poll: PollInfo


class PollProgressEvent(TypedDict):
    type: Literal["poll.progress"]
    meeting_id: int | None
    agenda_item_id: int | None
    item_public: bool
    poll_id: int
    voted: int
    eligible: int


class PollResultEvent(TypedDict):
    # poll.closed and poll.published carry the result; poll.annulled the reason in its text.
    # `poll` (title, kind, candidates) lets a screen that joined after the opening show it.
    type: Literal["poll.closed", "poll.published", "poll.annulled"]
    meeting_id: int | None
    agenda_item_id: int | None
    item_public: bool
    poll_id: int
    state: str
    poll: PollInfo
    result: ResultInfo


class PollDraftsEvent(TypedDict):
    # A draft poll was created or annulled. Drafts are the chair's preparation: the broadcast
    # reaches every screen, and the fan-out tells viewers apart only by the agenda items they
    # may see (votes/fanout.py), not by role. So it carries nothing about the draft; the
    # chair's console fetches the drafts with `state.get` (LiveState["drafts"], chairs only).
    type: Literal["poll.created", "poll.draft_annulled"]
    meeting_id: int


class DraftPoll(TypedDict):
    """A prepared poll as the chair's console lists it."""

    id: int
    title: str
    kind: str
    agenda_item_id: int | None
    item_number: str


def _item_public(poll: Poll) -> bool:
    return poll.agenda_item.public if poll.agenda_item is not None else True


def poll_info(poll: Poll) -> PollInfo:
    return {
        "id": poll.pk,
        "title": poll.title,
        "kind": poll.kind,
        "state": poll.state,
        "majority_method": poll.majority_method,
        "allow_vote_change": poll.allow_vote_change,
        "candidates": [{"id": c.pk, "name": c.name} for c in poll.candidates.all()],
        "eligible": poll.eligible_count,
        "statutory": poll.statutory_members,
    }


def result_info(poll: Poll) -> ResultInfo:
    return {
        "yes": poll.yes_count,
        "no": poll.no_count,
        "abstain": poll.abstain_count,
        "accepted": poll.accepted,
        "short": poll.result_short,
        "text": poll.annul_reason if poll.state == Poll.State.ANNULLED else poll.result_text,
        "detail": poll.result_detail,
    }


def poll_opened(poll: Poll) -> PollOpenedEvent:
    return {
        "type": "poll.opened",
        "meeting_id": poll.meeting_id,
        "agenda_item_id": poll.agenda_item_id,
        "item_public": _item_public(poll),
        "poll": poll_info(poll),
    }


def poll_progress(poll: Poll, voted: int) -> PollProgressEvent:
    return {
        "type": "poll.progress",
        "meeting_id": poll.meeting_id,
        "agenda_item_id": poll.agenda_item_id,
        "item_public": _item_public(poll),
        "poll_id": poll.pk,
        "voted": voted,
        "eligible": poll.eligible_count,
    }


def poll_result(
    poll: Poll, kind: Literal["poll.closed", "poll.published", "poll.annulled"]
) -> PollResultEvent:
    return {
        "type": kind,
        "meeting_id": poll.meeting_id,
        "agenda_item_id": poll.agenda_item_id,
        "item_public": _item_public(poll),
        "poll_id": poll.pk,
        "state": poll.state,
        "poll": poll_info(poll),
        "result": result_info(poll),
    }


def poll_drafts_changed(
    meeting_id: int, kind: Literal["poll.created", "poll.draft_annulled"]
) -> PollDraftsEvent:
    return {"type": kind, "meeting_id": meeting_id}


def draft_poll(poll: Poll) -> DraftPoll:
    item = poll.agenda_item
    return {
        "id": poll.pk,
        "title": poll.title,
        "kind": poll.kind,
        "agenda_item_id": poll.agenda_item_id,
        "item_number": item.number if item is not None else "",
    }


_HIDDEN_RESULT: dict[str, Any] = {"text": "", "detail": {}}


def redact_for_viewer(event: dict[str, Any], *, visible_item_ids: frozenset[int]) -> dict[str, Any]:
    """Any live event (sessions or votes) as a viewer sees it who may see exactly the agenda
    items `visible_item_ids`; see sessions.events.redact_for_viewer. Poll titles, candidates,
    result texts and named votes on other non-public items are dropped; counts stay."""
    redacted = session_events.redact_for_viewer(event, visible_item_ids=visible_item_ids)
    if redacted is event:
        return event
    if "poll" in redacted:
        label = session_events.non_public_item_label()
        redacted["poll"] = {**redacted["poll"], "title": label, "candidates": []}
    if "result" in redacted:
        redacted["result"] = {**redacted["result"], **_HIDDEN_RESULT}
    return redacted
