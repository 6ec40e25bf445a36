"""The poll lifecycle: draft → open → closed → published, annulled with a reason from any
state before publication. One transaction per step, the poll row locked, an audit event per
transition and a live event after commit."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ratsinfo.audit import audit_record
from ratsinfo.events import meeting_group, send_event_on_commit
from ratsinfo.models import Membership, Organization
from ratsinfo.visibility import is_clerk_of
from sessions.live import lock_meeting, require_running
from sessions.models import AgendaItem, Meeting
from sessions.selectors import conflicted_person_ids, present_person_ids
from votes import events, rules
from votes.errors import PollRejected, QuorumNotReached
from votes.models import (
    Ballot,
    BodyVotingRules,
    Candidate,
    EligibleVoter,
    MajorityMethod,
    Poll,
    SecretBallot,
)

State = Poll.State
Kind = Poll.Kind

# The lifecycle as a table: action → (states it may start from, state it leads to). A
# published result stands; correcting it takes a new poll.
POLL_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "open": (frozenset({State.DRAFT}), State.OPEN),
    "close": (frozenset({State.OPEN}), State.CLOSED),
    "publish": (frozenset({State.CLOSED}), State.PUBLISHED),
    "annul": (frozenset({State.DRAFT, State.OPEN, State.CLOSED}), State.ANNULLED),
}
ResultEvent = Literal["poll.closed", "poll.published", "poll.annulled"]


def require_chair(user: Any, body_id: int) -> None:
    if not is_clerk_of(user, body_id):
        raise PermissionDenied(
            _("Nur die Sitzungsleitung oder der Sitzungsdienst darf Abstimmungen leiten.")
        )


def lock_poll(poll_id: int) -> Poll:
    """The poll, locked; its meeting is locked first, in the order every live service uses.
    Raises Poll.DoesNotExist."""
    meeting_id = Poll.objects.values_list("meeting_id", flat=True).get(pk=poll_id)
    if meeting_id is not None:
        lock_meeting(meeting_id)
    return (
        Poll.objects.select_for_update(of=("self",))
        .select_related("agenda_item", "meeting", "organization")
        .get(pk=poll_id)
    )


def _transition(*, poll: Poll, action: str, user: Any, message: str, **after: Any) -> None:
    sources, target = POLL_TRANSITIONS[action]
    if poll.state not in sources:
        raise PollRejected(
            _("Die Abstimmung „%(poll)s“ ist „%(state)s“ und kann nicht %(action)s werden.")
            % {"poll": poll, "state": poll.get_state_display(), "action": _action_word(action)}
        )
    before = poll.state
    poll.state = target
    poll.save()
    audit_record(
        actor=user,
        action=f"poll.{action}",
        obj=poll,
        before={"state": before},
        after={"state": target, **after},
        message=message,
        body_id=poll.body_id,
        meeting_id=poll.meeting_id,
    )


def _action_word(action: str) -> str:
    return {
        "open": _("geöffnet"),
        "close": _("geschlossen"),
        "publish": _("veröffentlicht"),
        "annul": _("aufgehoben"),
    }[action]


def _broadcast(poll: Poll, event: Any) -> None:
    if poll.meeting_id is not None:
        send_event_on_commit(meeting_group(poll.meeting_id), event)


@transaction.atomic
def poll_create(
    *,
    user: Any,
    title: str,
    meeting_id: int | None = None,
    agenda_item_id: int | None = None,
    organization_id: int | None = None,
    kind: str = Kind.NAMED,
    majority_method: str | None = None,
    allow_vote_change: bool | None = None,
    candidates: Sequence[str] = (),
    resolution_text: str = "",
) -> Poll:
    """A draft poll on an agenda item (or, without a meeting, a circular resolution of
    `organization_id`). Majority method and vote change default to the body's rules; secret
    votes can never be changed, elections need candidates.

    Raises PermissionDenied for anyone but the chair, PollRejected for an invalid setup,
    *.DoesNotExist for unknown ids."""
    item = None
    meeting = None
    if agenda_item_id is not None:
        item = AgendaItem.objects.select_related("meeting").get(pk=agenda_item_id)
        meeting = item.meeting
        if meeting_id is not None and meeting_id != meeting.pk:
            raise PollRejected(_("Der Tagesordnungspunkt gehört nicht zu dieser Sitzung."))
    elif meeting_id is not None:
        meeting = Meeting.objects.get(pk=meeting_id)
    organization = _voting_organization(meeting, organization_id)
    require_chair(user, organization.body_id)
    if meeting is not None and meeting.state in (Meeting.State.COMPLETED, Meeting.State.CANCELLED):
        raise PollRejected(_("Die Sitzung ist beendet; es sind keine Abstimmungen mehr möglich."))
    if kind not in Kind.values:
        raise PollRejected(_("Unbekannte Abstimmungsart „%(kind)s“.") % {"kind": kind})
    names = [name.strip() for name in candidates if name.strip()]
    if (kind == Kind.ELECTION) != bool(names):
        raise PollRejected(
            _("Nur Wahlen haben Bewerberinnen und Bewerber, und jede Wahl mindestens eine.")
        )
    if len(set(names)) != len(names):
        raise PollRejected(_("Jede Bewerberin und jeder Bewerber darf nur einmal antreten."))
    defaults = BodyVotingRules.objects.filter(body_id=organization.body_id).first()
    method = majority_method or (defaults.majority_method if defaults else MajorityMethod.SIMPLE)
    if method not in MajorityMethod.values:
        raise PollRejected(_("Unbekannte Mehrheitsregel „%(m)s“.") % {"m": method})
    if allow_vote_change is None:
        allow_vote_change = defaults.allow_vote_change if defaults else True
    if not title.strip():
        raise PollRejected(_("Bitte geben Sie den Gegenstand der Abstimmung an."))
    poll = Poll.objects.create(
        body_id=organization.body_id,
        organization=organization,
        meeting=meeting,
        agenda_item=item,
        title=title.strip()[:500],
        kind=kind,
        majority_method=method,
        # A secret ballot has no link to its voter, so there is nothing to change.
        allow_vote_change=allow_vote_change and kind != Kind.SECRET,
        resolution_text=resolution_text,
    )
    Candidate.objects.bulk_create(
        [Candidate(poll=poll, name=name[:255], order=n) for n, name in enumerate(names, 1)]
    )
    audit_record(
        actor=user,
        action="poll.create",
        obj=poll,
        after={"state": poll.state, "kind": kind, "majority_method": method},
        message=_("Abstimmung angelegt: %(poll)s") % {"poll": poll},
        body_id=poll.body_id,
        meeting_id=poll.meeting_id,
    )
    if poll.meeting_id is not None:
        # Other consoles of the meeting list the new draft; nobody else learns of it.
        _broadcast(poll, events.poll_drafts_changed(poll.meeting_id, "poll.created"))
    return poll


def _voting_organization(meeting: Meeting | None, organization_id: int | None) -> Organization:
    if meeting is None:
        if organization_id is None:
            raise PollRejected(_("Bitte wählen Sie das Gremium, das abstimmt."))
        return Organization.objects.get(pk=organization_id)
    organizations = list(meeting.organizations.all())
    if organization_id is not None:
        chosen = [o for o in organizations if o.pk == organization_id]
        if not chosen:
            raise PollRejected(_("Dieses Gremium tagt nicht in dieser Sitzung."))
        return chosen[0]
    if len(organizations) != 1:
        raise PollRejected(_("Bitte wählen Sie das Gremium, das abstimmt."))
    return organizations[0]


def voting_members(organization: Organization, day: datetime.date) -> list[Membership]:
    """Current memberships of the organization, one per person (voting right wins)."""
    rows = (
        Membership.objects.filter(organization=organization, person__deleted=False)
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=day))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .order_by("person_id", "-voting_right")
    )
    by_person: dict[int, Membership] = {}
    for row in rows:
        by_person.setdefault(row.person_id, row)
    return list(by_person.values())


def statutory_members(organization: Organization, members: list[Membership]) -> int:
    """The statutory size (gesetzliche Mitgliederzahl): as recorded on the organization, else
    the number of current members with voting right."""
    if organization.statutory_members:
        return organization.statutory_members
    return sum(1 for m in members if m.voting_right)


@transaction.atomic
def poll_open(*, poll_id: int, user: Any, now: datetime.datetime | None = None) -> Poll:
    """Open the poll: check the quorum, fix who is eligible (voting right, present, not
    conflicted) and start accepting ballots.

    Raises PermissionDenied for anyone but the chair, PollRejected if the poll is not a draft,
    the meeting does not run or another poll is open, QuorumNotReached without quorum."""
    poll = lock_poll(poll_id)
    require_chair(user, poll.body_id)
    now = now or timezone.now()
    members = voting_members(poll.organization, timezone.localdate(now))
    statutory = statutory_members(poll.organization, members)
    if poll.meeting is not None:
        require_running(poll.meeting)
        running = Poll.objects.filter(meeting=poll.meeting, state=State.OPEN).first()
        if running is not None:
            raise PollRejected(_("Es läuft bereits die Abstimmung „%(poll)s“.") % {"poll": running})
        present = present_person_ids(meeting_id=poll.meeting.pk)
    else:
        # A circular resolution is voted in writing by every member; nobody is "absent".
        present = frozenset(m.person_id for m in members)
    conflicted = conflicted_person_ids(agenda_item_id=poll.agenda_item_id)
    eligible = rules.eligible(
        rules.Member(m.person_id, m.voting_right, m.person_id in present, m.person_id in conflicted)
        for m in members
    )
    quorum = rules.quorum(statutory=statutory, present_eligible=len(eligible))
    if poll.meeting is not None and not quorum.reached:
        raise QuorumNotReached(quorum.text)
    EligibleVoter.objects.bulk_create(
        [EligibleVoter(poll=poll, person_id=person_id) for person_id in sorted(eligible)]
    )
    poll.statutory_members = statutory
    poll.eligible_count = len(eligible)
    poll.opened_at = now
    _transition(
        poll=poll,
        action="open",
        user=user,
        message=_("Abstimmung geöffnet. %(quorum)s") % {"quorum": quorum.text},
        eligible=len(eligible),
        statutory=statutory,
    )
    _broadcast(poll, events.poll_opened(poll))
    return poll


def _tally(poll: Poll) -> tuple[rules.Tally, dict[int, int]]:
    """Yes/no/abstain and the votes per candidate."""
    if poll.kind == Kind.SHOW_OF_HANDS:
        tally = rules.Tally(poll.yes_count or 0, poll.no_count or 0, poll.abstain_count or 0)
        return tally, {}
    source = SecretBallot.objects if poll.kind == Kind.SECRET else Ballot.objects
    rows = source.filter(poll=poll).values("choice", "candidate_id").annotate(n=Count("pk"))
    choices = {r["choice"]: r["n"] for r in rows if r["candidate_id"] is None}
    per_candidate = {r["candidate_id"]: r["n"] for r in rows if r["candidate_id"] is not None}
    tally = rules.Tally(
        choices.get(rules.YES, 0), choices.get(rules.NO, 0), choices.get(rules.ABSTAIN, 0)
    )
    return tally, per_candidate


@transaction.atomic
def poll_close(*, poll_id: int, user: Any, now: datetime.datetime | None = None) -> Poll:
    """Stop accepting ballots and compute the result under the poll's majority method (or,
    for an election, the winner or the run-off).

    Raises PermissionDenied for anyone but the chair, PollRejected if the poll is not open or
    a show of hands has no counts yet."""
    # The lock waits for ballots in flight: each holds a share lock on the poll row until it
    # commits (votes/services/ballots.py), so every acknowledged ballot is counted here.
    poll = lock_poll(poll_id)
    require_chair(user, poll.body_id)
    if poll.kind == Kind.SHOW_OF_HANDS and poll.state == State.OPEN and poll.yes_count is None:
        raise PollRejected(
            _("Bitte erfassen Sie zuerst das Ergebnis der Abstimmung per Handzeichen.")
        )
    tally, per_candidate = _tally(poll)
    detail: dict[str, Any] = {}
    if poll.kind == Kind.ELECTION:
        candidates = list(poll.candidates.all())
        names = {c.pk: c.name for c in candidates}
        votes = {c.pk: per_candidate.get(c.pk, 0) for c in candidates}
        election = rules.election_outcome(votes=votes, names=names, abstain=tally.abstain)
        poll.accepted = election.winner is not None
        poll.result_short, poll.result_text = election.short, election.text
        detail["candidates"] = [
            {"id": c.pk, "name": c.name, "votes": votes[c.pk]} for c in candidates
        ]
        detail["winner"] = election.winner
        detail["runoff"] = list(election.runoff)
    else:
        outcome = rules.motion_outcome(
            method=poll.majority_method,
            tally=tally,
            present=poll.eligible_count,
            statutory=poll.statutory_members,
        )
        poll.accepted = outcome.accepted
        poll.result_short, poll.result_text = outcome.short, outcome.text
        detail["required_yes"] = outcome.required
    if poll.kind == Kind.NAMED:
        detail["names"] = _names_by_choice(poll)
    poll.yes_count, poll.no_count, poll.abstain_count = tally.yes, tally.no, tally.abstain
    poll.result_detail = detail
    poll.closed_at = now or timezone.now()
    _transition(
        poll=poll,
        action="close",
        user=user,
        message=poll.result_text,
        yes=tally.yes,
        no=tally.no,
        abstain=tally.abstain,
        accepted=poll.accepted,
    )
    _broadcast(poll, events.poll_result(poll, "poll.closed"))
    return poll


def _names_by_choice(poll: Poll) -> dict[str, list[str]]:
    """Who voted how in a named vote, and who of the eligible did not vote."""
    names: dict[str, list[str]] = {choice: [] for choice in rules.CHOICES}
    voted = set()
    for ballot in Ballot.objects.filter(poll=poll).select_related("voter").order_by("voter__name"):
        names[ballot.choice].append(ballot.voter.name)
        voted.add(ballot.voter_id)
    eligible = EligibleVoter.objects.filter(poll=poll).select_related("person")
    names["not_voted"] = sorted(e.person.name for e in eligible if e.person_id not in voted)
    return names


@transaction.atomic
def poll_annul(*, poll_id: int, user: Any, reason: str) -> Poll:
    """Annul the poll with a reason (a wrong count, a procedural error); it stays on record.

    Raises PermissionDenied for anyone but the chair, PollRejected without a reason or once
    the result is published."""
    reason = reason.strip()
    if not reason:
        raise PollRejected(_("Bitte geben Sie einen Grund für die Aufhebung an."))
    poll = lock_poll(poll_id)
    require_chair(user, poll.body_id)
    was_draft = poll.state == State.DRAFT
    poll.annul_reason = reason
    poll.result_short = _("aufgehoben")
    _transition(
        poll=poll,
        action="annul",
        user=user,
        message=_("Abstimmung aufgehoben: %(reason)s") % {"reason": reason},
        reason=reason,
    )
    if was_draft and poll.meeting_id is not None:
        # A draft was never shown outside the chair's consoles; only they drop it.
        _broadcast(poll, events.poll_drafts_changed(poll.meeting_id, "poll.draft_annulled"))
    else:
        _broadcast(poll, events.poll_result(poll, "poll.annulled"))
    return poll


@transaction.atomic
def poll_publish(*, poll_id: int, user: Any, now: datetime.datetime | None = None) -> Poll:
    """Publish the result and write it down onto the agenda item (OParl `result` and
    `resolutionText`), where minutes and meeting packs read it (DESIGN.md §1).

    Raises PermissionDenied for anyone but the chair, PollRejected unless the poll is
    closed."""
    poll = lock_poll(poll_id)
    require_chair(user, poll.body_id)
    poll.published_at = now or timezone.now()
    _transition(poll=poll, action="publish", user=user, message=poll.result_text)
    if poll.agenda_item_id is not None:
        item = AgendaItem.objects.select_for_update().get(pk=poll.agenda_item_id)
        tally = rules.Tally(poll.yes_count or 0, poll.no_count or 0, poll.abstain_count or 0)
        summary = (
            poll.result_short
            if poll.kind == Kind.ELECTION
            else f"{poll.result_short} ({tally.text})"
        )
        item.result = summary[:1].upper() + summary[1:255]
        if poll.accepted and poll.resolution_text:
            item.resolution_text = poll.resolution_text
        item.save(update_fields=["result", "resolution_text", "modified"])
    _broadcast(poll, events.poll_result(poll, "poll.published"))
    return poll


def refuse_withdraw_during_open_poll(
    sender: Any, meeting: Meeting, agenda_item: AgendaItem, person_id: int, **kwargs: Any
) -> None:
    """Receiver of sessions' `conflict_withdrawing`: while a poll on the item is open, a
    conflict stays, whoever it concerns. Eligibility is fixed when a poll opens: withdrawing a
    conflict declared after the opening would let the person vote mid-poll, one declared
    before it would leave them neither conflicted nor eligible."""
    running = Poll.objects.filter(agenda_item=agenda_item, state=State.OPEN).first()
    if running is not None:
        raise PollRejected(
            _(
                "Während der Abstimmung „%(poll)s“ kann die Befangenheit nicht zurückgezogen "
                "werden. Bitte schließen Sie die Abstimmung oder heben Sie sie auf und ziehen "
                "Sie die Befangenheit dann zurück."
            )
            % {"poll": running}
        )


def refuse_close_with_open_poll(sender: Any, meeting: Meeting, **kwargs: Any) -> None:
    """Receiver of sessions' `meeting_closing`: a meeting does not close over a running poll."""
    running = Poll.objects.filter(meeting=meeting, state=State.OPEN).first()
    if running is not None:
        raise PollRejected(
            _("Die Abstimmung „%(poll)s“ läuft noch. Bitte schließen Sie sie zuerst.")
            % {"poll": running}
        )
