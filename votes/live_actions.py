"""What each client→server message of the live websocket does (docs/live-session.md,
"Websocket protocol"): the actions as a table of typed parameters, the role a connection
needs, and the one service or selector each calls.

Everything here is synchronous and runs in a worker thread (`votes.consumers` calls it through
`database_sync_to_async`); the consumer only parses, gates and replies.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from sessions import live, speakers
from sessions.models import Attendance, SpeakerRequest
from sessions.selectors import LiveViewer
from votes import events, rules, services
from votes.models import MajorityMethod, Poll
from votes.selectors import live_target_meeting_id, meeting_live_state

Role = Literal["viewer", "member", "chair"]
Result = dict[str, Any]


class InvalidMessage(ValueError):
    """The message is not what the protocol expects; the text says what to send instead."""


@dataclass(frozen=True)
class Param:
    """One parameter of an action: its JSON type and what values it may take."""

    kind: Literal["int", "str", "bool", "str_list"]
    required: bool = True
    nullable: bool = False
    choices: tuple[str, ...] = ()
    max_length: int = 500


@dataclass(frozen=True)
class Context:
    """Who sends the message on which meeting's connection."""

    user: Any
    viewer: LiveViewer


@dataclass(frozen=True)
class Action:
    run: Callable[[Context, dict[str, Any]], Result]
    params: dict[str, Param]
    role: Role
    # Ballots run in parallel worker threads (each its own durable transaction); everything
    # else shares Django's one thread-sensitive thread, as request handlers do.
    parallel: bool = False
    # If set, the consumer collects messages of this action on one poll into batches
    # (votes.batching) and runs this instead of `run`: one result or exception per message.
    batch: Callable[[list[tuple[Context, dict[str, Any]]]], list[Result | Exception]] | None = None


# Leniency for clients: a list of candidates longer than this is a mistake, not an election.
MAX_CANDIDATES = 50
ITEM = Param("int")
POLL = Param("int")


def params_parse(specs: dict[str, Param], message: dict[str, Any]) -> dict[str, Any]:
    """The typed parameters of `message`. Raises InvalidMessage naming the first bad one."""
    parsed: dict[str, Any] = {}
    for name, spec in specs.items():
        if name not in message:
            if spec.required:
                raise InvalidMessage(_("Der Parameter „%(p)s“ fehlt.") % {"p": name})
            continue
        value = message[name]
        if value is None:
            if not spec.nullable:
                raise InvalidMessage(_("Der Parameter „%(p)s“ darf nicht leer sein.") % {"p": name})
            parsed[name] = None
            continue
        parsed[name] = _typed(name, spec, value)
    return parsed


def _typed(name: str, spec: Param, value: Any) -> Any:
    wrong = InvalidMessage(_("Der Parameter „%(p)s“ hat einen ungültigen Wert.") % {"p": name})
    if spec.kind == "int":
        # bool is an int in Python, never in the protocol.
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
            raise wrong
        return value
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise wrong
        return value
    if spec.kind == "str":
        if not isinstance(value, str) or len(value) > spec.max_length:
            raise wrong
        if spec.choices and value not in spec.choices:
            raise InvalidMessage(
                _("„%(p)s“ muss einer dieser Werte sein: %(values)s.")
                % {"p": name, "values": ", ".join(spec.choices)}
            )
        return value
    if (
        not isinstance(value, list)
        or len(value) > MAX_CANDIDATES
        or not all(isinstance(v, str) and len(v) <= spec.max_length for v in value)
    ):
        raise wrong
    return value


def require_item(ctx: Context, agenda_item_id: int | None) -> None:
    """Items of another meeting, or ones the viewer may not see, do not exist for this
    connection."""
    if agenda_item_id is not None and agenda_item_id not in ctx.viewer.visible_item_ids:
        raise Http404


def require_in_meeting(
    ctx: Context, *, poll_id: int | None = None, speaker_id: int | None = None
) -> None:
    if live_target_meeting_id(poll_id=poll_id, speaker_id=speaker_id) != ctx.viewer.meeting_id:
        raise Http404


# --- viewer ---------------------------------------------------------------------------------


def state_get(ctx: Context, p: dict[str, Any]) -> Result:
    return {"state": meeting_live_state(meeting_id=ctx.viewer.meeting_id, user=ctx.user)}


# --- member (the chair may do the same for others) ------------------------------------------


def _ballot_request(ctx: Context, p: dict[str, Any]) -> services.BallotRequest:
    if p.get("choice") is None and p.get("candidate_id") is None:
        raise InvalidMessage(_("Bitte wählen Sie Ja, Nein, Enthaltung oder eine Person."))
    person_id = p.get("person_id")
    if person_id is not None and person_id != ctx.viewer.person_id and not ctx.viewer.is_chair:
        raise PermissionDenied(_("Mitglieder können nur für sich selbst abstimmen."))
    return services.BallotRequest(
        user=ctx.user,
        choice=p.get("choice") or "",
        candidate_id=p.get("candidate_id"),
        person_id=person_id,
        idempotency_key=p.get("idempotency_key") or "",
    )


def ballot_cast(ctx: Context, p: dict[str, Any]) -> Result:
    request = _ballot_request(ctx, p)
    require_in_meeting(ctx, poll_id=p["poll_id"])
    (outcome,) = services.ballots_cast(poll_id=p["poll_id"], requests=[request])
    if isinstance(outcome, Exception):
        raise outcome
    return dataclasses.asdict(outcome)


def ballots_cast(messages: list[tuple[Context, dict[str, Any]]]) -> list[Result | Exception]:
    """`ballot_cast` for messages on one poll from connections to one meeting (the batcher's
    key), in one transaction: one result or exception per message."""
    outcomes: list[Result | Exception | None] = [None] * len(messages)
    requests: list[services.BallotRequest] = []
    indexes: list[int] = []
    for n, (ctx, p) in enumerate(messages):
        try:
            requests.append(_ballot_request(ctx, p))
            indexes.append(n)
        except (InvalidMessage, PermissionDenied) as exc:
            outcomes[n] = exc
    if requests:
        ctx, p = messages[indexes[0]]
        require_in_meeting(ctx, poll_id=p["poll_id"])
        acks = services.ballots_cast(poll_id=p["poll_id"], requests=requests)
        for n, ack in zip(indexes, acks, strict=True):
            outcomes[n] = ack if isinstance(ack, Exception) else dataclasses.asdict(ack)
    return [outcome for outcome in outcomes if outcome is not None]


def _speaker_result(request: SpeakerRequest | None) -> Result:
    if request is None:
        return {"speaker_id": None, "state": None}
    return {"speaker_id": request.pk, "state": request.state}


def speaker_request(ctx: Context, p: dict[str, Any]) -> Result:
    require_item(ctx, p["agenda_item_id"])
    request = speakers.speaker_add(
        agenda_item_id=p["agenda_item_id"],
        user=ctx.user,
        person_id=p.get("person_id"),
        kind=p.get("kind") or SpeakerRequest.Kind.NORMAL,
    )
    return _speaker_result(request)


def speaker_withdraw(ctx: Context, p: dict[str, Any]) -> Result:
    require_in_meeting(ctx, speaker_id=p["speaker_id"])
    return _speaker_result(speakers.speaker_remove(speaker_id=p["speaker_id"], user=ctx.user))


def conflict_declare(ctx: Context, p: dict[str, Any]) -> Result:
    require_item(ctx, p["agenda_item_id"])
    declaration = live.conflict_declare(
        agenda_item_id=p["agenda_item_id"],
        user=ctx.user,
        person_id=p.get("person_id"),
        reason=p.get("reason") or "",
    )
    return {
        "conflict_id": declaration.pk,
        "agenda_item_id": declaration.agenda_item_id,
        "person_id": declaration.person_id,
    }


def conflict_withdraw(ctx: Context, p: dict[str, Any]) -> Result:
    require_item(ctx, p["agenda_item_id"])
    declaration = live.conflict_withdraw(
        agenda_item_id=p["agenda_item_id"], user=ctx.user, person_id=p.get("person_id")
    )
    return {
        "conflict_id": declaration.pk,
        "agenda_item_id": declaration.agenda_item_id,
        "person_id": declaration.person_id,
    }


# --- chair ----------------------------------------------------------------------------------


def meeting_start(ctx: Context, p: dict[str, Any]) -> Result:
    meeting = live.meeting_start(meeting_id=ctx.viewer.meeting_id, user=ctx.user)
    return {"state": meeting.state}


def meeting_close(ctx: Context, p: dict[str, Any]) -> Result:
    meeting = live.meeting_close(meeting_id=ctx.viewer.meeting_id, user=ctx.user)
    return {"state": meeting.state}


def agenda_current(ctx: Context, p: dict[str, Any]) -> Result:
    require_item(ctx, p["agenda_item_id"])
    meeting = live.agenda_current_set(
        meeting_id=ctx.viewer.meeting_id, agenda_item_id=p["agenda_item_id"], user=ctx.user
    )
    return {"agenda_item_id": meeting.current_agenda_item_id}


def attendance_record(ctx: Context, p: dict[str, Any]) -> Result:
    attendance = live.attendance_record(
        meeting_id=ctx.viewer.meeting_id,
        person_id=p["person_id"],
        status=p["status"],
        user=ctx.user,
    )
    return {"person_id": attendance.person_id, "status": attendance.status}


def speaker_next(ctx: Context, p: dict[str, Any]) -> Result:
    require_item(ctx, p["agenda_item_id"])
    return _speaker_result(speakers.speaker_next(agenda_item_id=p["agenda_item_id"], user=ctx.user))


def _poll_result(poll: Poll) -> Result:
    return {"poll_id": poll.pk, "state": poll.state, "result": events.result_info(poll)}


def poll_create(ctx: Context, p: dict[str, Any]) -> Result:
    require_item(ctx, p.get("agenda_item_id"))
    poll = services.poll_create(
        user=ctx.user,
        title=p["title"],
        meeting_id=ctx.viewer.meeting_id,
        agenda_item_id=p.get("agenda_item_id"),
        kind=p.get("kind") or Poll.Kind.NAMED,
        majority_method=p.get("majority_method"),
        allow_vote_change=p.get("allow_vote_change"),
        candidates=p.get("candidates") or (),
    )
    return {"poll_id": poll.pk, "state": poll.state}


def _poll_step(step: Callable[..., Poll]) -> Callable[[Context, dict[str, Any]], Result]:
    def run(ctx: Context, p: dict[str, Any]) -> Result:
        require_in_meeting(ctx, poll_id=p["poll_id"])
        extra = {"reason": p["reason"]} if "reason" in p else {}
        return _poll_result(step(poll_id=p["poll_id"], user=ctx.user, **extra))

    return run


def show_of_hands_record(ctx: Context, p: dict[str, Any]) -> Result:
    require_in_meeting(ctx, poll_id=p["poll_id"])
    poll = services.show_of_hands_record(
        poll_id=p["poll_id"], user=ctx.user, yes=p["yes"], no=p["no"], abstain=p["abstain"]
    )
    return {
        "poll_id": poll.pk,
        "yes": poll.yes_count,
        "no": poll.no_count,
        "abstain": poll.abstain_count,
    }


SPEAKER_KIND = Param("str", required=False, choices=tuple(SpeakerRequest.Kind.values))
REASON = Param("str", required=False, max_length=500)

ACTIONS: dict[str, Action] = {
    "state.get": Action(state_get, {}, "viewer"),
    "ballot.cast": Action(
        ballot_cast,
        {
            "poll_id": POLL,
            "choice": Param("str", required=False, nullable=True, choices=rules.CHOICES),
            "candidate_id": Param("int", required=False, nullable=True),
            "idempotency_key": Param("str", required=False, nullable=True, max_length=100),
            # Only the chair, for a member without a tablet; the service checks.
            "person_id": Param("int", required=False, nullable=True),
        },
        "member",
        parallel=True,
        batch=ballots_cast,
    ),
    "speaker.request": Action(
        speaker_request, {"agenda_item_id": ITEM, "kind": SPEAKER_KIND}, "member"
    ),
    "speaker.withdraw": Action(speaker_withdraw, {"speaker_id": Param("int")}, "member"),
    "conflict.declare": Action(
        conflict_declare, {"agenda_item_id": ITEM, "reason": REASON}, "member"
    ),
    "conflict.withdraw": Action(conflict_withdraw, {"agenda_item_id": ITEM}, "member"),
    "meeting.start": Action(meeting_start, {}, "chair"),
    "meeting.close": Action(meeting_close, {}, "chair"),
    "agenda.current": Action(
        agenda_current, {"agenda_item_id": Param("int", nullable=True)}, "chair"
    ),
    "attendance.record": Action(
        attendance_record,
        {
            "person_id": Param("int"),
            "status": Param("str", choices=tuple(Attendance.Status.values)),
        },
        "chair",
    ),
    "conflict.record": Action(
        conflict_declare,
        {"agenda_item_id": ITEM, "person_id": Param("int"), "reason": REASON},
        "chair",
    ),
    "conflict.remove": Action(
        conflict_withdraw, {"agenda_item_id": ITEM, "person_id": Param("int")}, "chair"
    ),
    "speaker.add": Action(
        speaker_request,
        {"agenda_item_id": ITEM, "person_id": Param("int"), "kind": SPEAKER_KIND},
        "chair",
    ),
    "speaker.next": Action(speaker_next, {"agenda_item_id": ITEM}, "chair"),
    "speaker.remove": Action(speaker_withdraw, {"speaker_id": Param("int")}, "chair"),
    "poll.create": Action(
        poll_create,
        {
            "agenda_item_id": Param("int", required=False, nullable=True),
            "title": Param("str"),
            "kind": Param("str", required=False, choices=tuple(Poll.Kind.values)),
            "majority_method": Param(
                "str", required=False, nullable=True, choices=tuple(MajorityMethod.values)
            ),
            "allow_vote_change": Param("bool", required=False, nullable=True),
            "candidates": Param("str_list", required=False, max_length=255),
        },
        "chair",
    ),
    "poll.open": Action(_poll_step(services.poll_open), {"poll_id": POLL}, "chair"),
    "poll.close": Action(_poll_step(services.poll_close), {"poll_id": POLL}, "chair"),
    "poll.publish": Action(_poll_step(services.poll_publish), {"poll_id": POLL}, "chair"),
    "poll.annul": Action(
        _poll_step(services.poll_annul),
        {"poll_id": POLL, "reason": Param("str", max_length=1000)},
        "chair",
    ),
    "show_of_hands.record": Action(
        show_of_hands_record,
        {"poll_id": POLL, "yes": Param("int"), "no": Param("int"), "abstain": Param("int")},
        "chair",
    ),
}
