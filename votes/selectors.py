"""Reads of the votes app: the whole live state of a meeting, which screens fetch when they
connect or reconnect and then keep current with the live events."""

from __future__ import annotations

from typing import Any, TypedDict

from sessions import events as session_events
from sessions.models import Meeting, SpeakerRequest
from sessions.selectors import (
    LiveViewer,
    attendance_summary,
    conflict_list,
    conflicted_item_ids,
    live_viewer_get,
    speaker_list,
)
from votes import events
from votes.models import Ballot, BallotReceipt, Poll


class ViewerInfo(TypedDict):
    person_id: int | None
    is_chair: bool
    is_member: bool


class MyVote(TypedDict):
    voted: bool
    eligible: bool
    # None for secret polls: not even the voter's own screen can ask how they voted.
    choice: str | None
    candidate_id: int | None


class LiveState(TypedDict):
    meeting: dict[str, Any]
    viewer: ViewerInfo
    agenda: dict[str, Any]
    attendance: session_events.AttendanceSummary
    speakers: dict[str, Any] | None
    poll: dict[str, Any] | None
    progress: dict[str, Any] | None
    my_vote: MyVote | None
    last_result: dict[str, Any] | None
    # The items on which the viewer's own person declared a conflict of interest.
    my_conflicts: list[int]
    # The chair's console only (None for everyone else): draft polls and every conflict.
    drafts: list[events.DraftPoll] | None
    conflicts: list[session_events.ConflictInfo] | None


def meeting_live_state(*, meeting_id: int, user: Any) -> LiveState:
    """Everything a live screen shows, as the latest event of each kind, redacted for the
    user like the broadcasts are (`votes.events.redact_for_viewer`); for the chair also the
    draft polls and the conflicts of interest their console lists.

    Raises Http404 if the user may not see the meeting."""
    viewer = live_viewer_get(meeting_id=meeting_id, user=user)
    meeting = Meeting.objects.select_related("current_agenda_item").get(pk=meeting_id)
    item = meeting.current_agenda_item

    def shown(event: Any) -> dict[str, Any]:
        return events.redact_for_viewer(dict(event), visible_item_ids=viewer.visible_item_ids)

    speakers = None
    if item is not None:
        speakers = shown(
            session_events.speakers_changed(item, speaker_list(agenda_item_id=item.pk))
        )
    polls = Poll.objects.filter(meeting=meeting).select_related("agenda_item")
    running = polls.filter(state=Poll.State.OPEN).prefetch_related("candidates").first()
    finished = (
        polls.filter(state__in=[Poll.State.CLOSED, Poll.State.PUBLISHED])
        .order_by("-closed_at", "-pk")
        .first()
    )
    progress = None
    if running is not None:
        voted = BallotReceipt.objects.filter(poll=running).count()
        progress = shown(events.poll_progress(running, voted))
    last_result = None
    if finished is not None:
        published = finished.state == Poll.State.PUBLISHED
        last_result = shown(
            events.poll_result(finished, "poll.published" if published else "poll.closed")
        )
    return {
        "meeting": {"id": meeting.pk, "name": meeting.name, "state": meeting.state},
        "viewer": {
            "person_id": viewer.person_id,
            "is_chair": viewer.is_chair,
            "is_member": viewer.is_member,
        },
        "agenda": shown(session_events.agenda_current(meeting, item)),
        "attendance": attendance_summary(meeting_id=meeting.pk),
        "speakers": speakers,
        "poll": shown(events.poll_opened(running)) if running is not None else None,
        "progress": progress,
        "my_vote": _my_vote(viewer, running),
        "last_result": last_result,
        "my_conflicts": conflicted_item_ids(meeting_id=meeting.pk, person_id=viewer.person_id),
        "drafts": poll_drafts(meeting_id=meeting.pk) if viewer.is_chair else None,
        "conflicts": conflict_list(meeting_id=meeting.pk) if viewer.is_chair else None,
    }


def poll_drafts(*, meeting_id: int) -> list[events.DraftPoll]:
    """The meeting's draft polls in the order they were prepared. For the chair only: callers
    check the role (drafts are never shown to members or the public)."""
    drafts = (
        Poll.objects.filter(meeting_id=meeting_id, state=Poll.State.DRAFT)
        .select_related("agenda_item")
        .order_by("created", "pk")
    )
    return [events.draft_poll(poll) for poll in drafts]


def _my_vote(viewer: LiveViewer, poll: Poll | None) -> MyVote | None:
    if poll is None or viewer.person_id is None:
        return None
    eligible = poll.eligible_voters.filter(person_id=viewer.person_id).exists()
    voted = BallotReceipt.objects.filter(poll=poll, voter_id=viewer.person_id).exists()
    ballot = None
    if voted and poll.kind != Poll.Kind.SECRET:
        ballot = Ballot.objects.filter(poll=poll, voter_id=viewer.person_id).first()
    return {
        "voted": voted,
        "eligible": eligible,
        "choice": ballot.choice if ballot is not None else None,
        "candidate_id": ballot.candidate_id if ballot is not None else None,
    }


def live_target_meeting_id(
    *, poll_id: int | None = None, speaker_id: int | None = None
) -> int | None:
    """The meeting a poll or speaker request belongs to (None if unknown or meeting-less), so
    that a live connection acts only on its own meeting."""
    if poll_id is not None:
        return Poll.objects.filter(pk=poll_id).values_list("meeting_id", flat=True).first()
    if speaker_id is not None:
        rows = SpeakerRequest.objects.filter(pk=speaker_id)
        return rows.values_list("agenda_item__meeting_id", flat=True).first()
    return None
