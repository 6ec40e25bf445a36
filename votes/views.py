"""The live screens of a meeting: the chair's console, the member tablet, the room screen and
the public live view. Each renders the live state on the server, so it is useful without
script; `static/js/live.js` then keeps it current over the websocket and sends actions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from sessions.models import Attendance, Meeting, SpeakerRequest
from votes.models import Choice, MajorityMethod, Poll
from votes.screens import (
    LiveScreen,
    live_console_get,
    live_public_get,
    live_tablet_get,
)
from votes.selectors import LiveState


def _share(value: int | None, total: int | None) -> float:
    return round(100 * (value or 0) / total, 2) if total else 0.0


def _figures(state: LiveState) -> dict[str, Any]:
    """The widths of the drawn bars, in per cent, for the first render (the script redraws
    them from the same numbers)."""
    attendance = state["attendance"]
    total = attendance["present"] + attendance["absent"] + attendance["excused"]
    figures: dict[str, Any] = {
        "attendance": {
            "present": _share(attendance["present"], total),
            "absent": _share(attendance["absent"], total),
            "excused": _share(attendance["excused"], total),
        },
        "progress": 0.0,
        "result_rows": [],
    }
    progress = state["progress"]
    if progress is not None:
        figures["progress"] = _share(progress["voted"], progress["eligible"])
    if state["last_result"] is not None:
        result = state["last_result"]["result"]
        candidates = result["detail"].get("candidates") or []
        rows = [(c["name"], c["votes"], "candidate") for c in candidates]
        if not rows:
            rows = [(Choice.YES.label, result["yes"], "yes"), (Choice.NO.label, result["no"], "no")]
        rows.append((Choice.ABSTAIN.label, result["abstain"], "abstain"))
        largest = max([1, *(value or 0 for _, value, _ in rows)])
        figures["result_rows"] = [
            {"label": label, "value": value or 0, "kind": kind, "width": _share(value, largest)}
            for label, value, kind in rows
        ]
        names = result["detail"].get("names") or {}
        labels = {**dict(Choice.choices), "not_voted": _("nicht abgestimmt")}
        figures["names"] = [
            {"label": labels[key], "names": names[key]}
            for key in ("yes", "no", "abstain", "not_voted")
            if names.get(key)
        ]
    return figures


def _label_attributes() -> list[tuple[str, str]]:
    """Data attributes with the labels of every state, kind, rule and choice the script shows,
    named as live.js looks them up ("kind-open-anonymous" → dataset.kindOpenAnonymous)."""
    groups = (
        ("meeting-state", Meeting.State.choices),
        ("kind", Poll.Kind.choices),
        ("method", MajorityMethod.choices),
        ("choice", Choice.choices),
        ("attendance", Attendance.Status.choices),
    )
    return [
        (f"{prefix}-{value.replace('_', '-')}", str(label))
        for prefix, choices in groups
        for value, label in choices
    ]


def _unavailable(state: LiveState) -> str:
    """Why the tablet offers no speaker request or conflict declaration now: "not-running"
    (the meeting is not running), "no-item" (no item is called), else "" (live.js decides the
    same on every change)."""
    if state["meeting"]["state"] != Meeting.State.RUNNING:
        return "not-running"
    if state["agenda"]["agenda_item_id"] is None:
        return "no-item"
    return ""


def _context(screen: LiveScreen, role: str) -> dict[str, Any]:
    state = screen.state
    quorum_required = 0
    if state["poll"] is not None:
        quorum_required = state["poll"]["poll"]["statutory"] // 2 + 1
    return {
        "unavailable": _unavailable(state),
        "figures": _figures(state),
        "quorum_required": quorum_required,
        "label_attributes": _label_attributes(),
        "screen": screen,
        "meeting": screen.meeting,
        "state": screen.state,
        "role": role,
        "choices": Choice.choices,
        "poll_kinds": Poll.Kind.choices,
        "majority_methods": MajorityMethod.choices,
        "attendance_statuses": Attendance.Status.choices,
        "speaker_kinds": SpeakerRequest.Kind.choices,
    }


@never_cache
@login_required
def live_console(request: HttpRequest, meeting_id: int) -> HttpResponse:
    screen = live_console_get(meeting_id=meeting_id, user=request.user)
    return render(request, "votes/console.html", _context(screen, "console"))


@never_cache
@login_required
def live_tablet(request: HttpRequest, meeting_id: int) -> HttpResponse:
    screen = live_tablet_get(meeting_id=meeting_id, user=request.user)
    return render(request, "votes/tablet.html", _context(screen, "tablet"))


@never_cache
def live_room(request: HttpRequest, meeting_id: int) -> HttpResponse:
    screen = live_public_get(meeting_id=meeting_id, user=request.user)
    return render(request, "votes/room.html", _context(screen, "room"))


@never_cache
def live_public(request: HttpRequest, meeting_id: int) -> HttpResponse:
    screen = live_public_get(meeting_id=meeting_id, user=request.user)
    return render(request, "votes/public.html", _context(screen, "public"))
