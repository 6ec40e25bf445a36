"""Casting ballots, and the clerk's count of a show of hands.

Exactly one ballot per member and poll is the database's job: the unique receipt per poll and
voter. A retried or duplicated message is answered like the first; a different choice
changes the vote only while the poll is open and its rules allow it, and a vote the member
cast themselves only by the member.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from ratsinfo.audit import audit_build, audit_record
from ratsinfo.models import AuditEvent, Person
from ratsinfo.visibility import is_clerk_of
from sessions.models import ConflictDeclaration
from votes import rules
from votes.errors import PollRejected, VoteRejected
from votes.models import Ballot, BallotReceipt, Candidate, Choice, EligibleVoter, Poll, SecretBallot
from votes.progress import progress_mark_on_commit
from votes.services.polls import lock_poll, require_chair

Kind = Poll.Kind


@dataclass(frozen=True)
class BallotAck:
    """What the voter's tablet shows once the ballot is committed."""

    poll_id: int
    person_id: int
    choice: str
    candidate_id: int | None
    status: Literal["recorded", "changed", "duplicate"]
    message: str


@dataclass(frozen=True)
class BallotRequest:
    """One `ballot_cast` call, for `ballots_cast`."""

    user: Any
    choice: str = ""
    candidate_id: int | None = None
    person_id: int | None = None
    idempotency_key: str = ""


# Per request: the acknowledgement, or the exception `ballot_cast` would raise.
Outcome = BallotAck | PermissionDenied | VoteRejected


def ballot_cast(
    *,
    poll_id: int,
    user: Any,
    choice: str = "",
    candidate_id: int | None = None,
    person_id: int | None = None,
    idempotency_key: str = "",
) -> BallotAck:
    """Record the user's vote: yes/no/abstain, or for an election a candidate (or abstain).
    Returns only after the ballot is committed. Members vote for themselves; the chair may
    record the vote of a member without a tablet (`person_id`), except in secret polls.
    Repeating a vote (same choice, or same `idempotency_key`) is answered as before.

    Raises PermissionDenied for anonymous users and for voting on someone else's behalf,
    VoteRejected if the poll is not open, the person is not eligible or conflicted, the
    choice is invalid, or a different vote is cast where changing it is not allowed."""
    request = BallotRequest(user, choice, candidate_id, person_id, idempotency_key)
    (outcome,) = ballots_cast(poll_id=poll_id, requests=[request])
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def ballots_cast(*, poll_id: int, requests: list[BallotRequest]) -> list[Outcome]:
    """`ballot_cast` for many ballots of one poll in one transaction (group commit: the live
    websocket collects the ballots arriving within a few milliseconds, votes/batching.py).
    Returns one outcome per request, in order: its acknowledgement, or the PermissionDenied or
    VoteRejected that `ballot_cast` would raise for it alone; a rejected request never costs
    the others theirs. The requests are judged as if cast one after the other: a voter's
    second request in the batch is a repeat of the first. Returns only after the batch is
    committed; raises Poll.DoesNotExist (for all) if there is no such poll."""
    # Durable: the acknowledgement must mean "committed", never "committed if the caller's
    # transaction does".
    with transaction.atomic(durable=True):
        return _cast_many(poll_id, requests)


def _voter(user: Any, poll: Poll, person_id: int | None) -> int:
    own: int | None = user.person_id
    if person_id is None or person_id == own:
        if own is None:
            raise PermissionDenied(_("Ihr Zugang ist mit keinem Ratsmitglied verknüpft."))
        return own
    if not is_clerk_of(user, poll.body_id):
        raise PermissionDenied(_("Mitglieder können nur für sich selbst abstimmen."))
    if poll.kind == Kind.SECRET:
        raise PermissionDenied(
            _(
                "Eine geheime Stimme gibt jedes Mitglied selbst ab; der Sitzungsdienst kann sie "
                "nicht erfassen."
            )
        )
    return person_id


def _validate_choice(
    poll: Poll, choice: str, candidate_id: int | None, candidates: dict[int, str]
) -> None:
    if poll.kind == Kind.SHOW_OF_HANDS:
        raise VoteRejected(
            _("Bei einer Abstimmung per Handzeichen erfasst der Sitzungsdienst das Ergebnis.")
        )
    if candidate_id is not None:
        if poll.kind != Kind.ELECTION or choice:
            raise VoteRejected(_("Ungültige Stimme."))
        if candidate_id not in candidates:
            raise VoteRejected(_("Diese Bewerberin oder dieser Bewerber steht nicht zur Wahl."))
        return
    allowed = (rules.ABSTAIN,) if poll.kind == Kind.ELECTION else rules.CHOICES
    if choice not in allowed:
        raise VoteRejected(_("Ungültige Stimme. Bitte wählen Sie Ja, Nein oder Enthaltung."))


def _label(candidates: dict[int, str], choice: str, candidate_id: int | None) -> str:
    if candidate_id is not None:
        return candidates[candidate_id]
    return str(Choice(choice).label)


def _cast_many(poll_id: int, requests: list[BallotRequest]) -> list[Outcome]:
    poll = _poll_share_locked(poll_id)
    candidates: dict[int, str] = (
        dict(Candidate.objects.filter(poll=poll).values_list("pk", "name"))
        if poll.kind == Kind.ELECTION
        else {}
    )
    outcomes: list[Outcome | None] = [None] * len(requests)
    voters: list[int] = [0] * len(requests)
    for n, request in enumerate(requests):
        try:
            if not getattr(request.user, "is_authenticated", False):
                raise PermissionDenied(_("Nur angemeldete Mitglieder können abstimmen."))
            voters[n] = _voter(request.user, poll, request.person_id)
            _validate_choice(poll, request.choice, request.candidate_id, candidates)
        except (PermissionDenied, VoteRejected) as exc:
            outcomes[n] = exc
    wanted = {voters[n] for n in range(len(requests)) if outcomes[n] is None}
    voted = set(
        BallotReceipt.objects.filter(poll=poll, voter_id__in=wanted).values_list(
            "voter_id", flat=True
        )
    )
    is_open = poll.state == Poll.State.OPEN
    eligible: set[int] = set()
    conflicted: set[int] = set()
    if is_open and wanted:
        eligible = set(
            EligibleVoter.objects.filter(poll=poll, person_id__in=wanted).values_list(
                "person_id", flat=True
            )
        )
        conflicted = set(
            ConflictDeclaration.objects.filter(
                agenda_item_id=poll.agenda_item_id, person_id__in=wanted
            ).values_list("person_id", flat=True)
        )
    firsts: dict[int, int] = {}  # voter -> the request that records their ballot
    repeats: list[int] = []
    for n in range(len(requests)):
        if outcomes[n] is not None:
            continue
        voter = voters[n]
        if not is_open:
            if voter in voted:
                repeats.append(n)
            else:
                outcomes[n] = VoteRejected(
                    _("Die Abstimmung „%(poll)s“ ist nicht geöffnet.") % {"poll": poll}
                )
        elif voter not in eligible:
            outcomes[n] = VoteRejected(_("Sie sind bei dieser Abstimmung nicht stimmberechtigt."))
        elif voter in conflicted:
            outcomes[n] = VoteRejected(
                _("Wegen Befangenheit nehmen Sie an dieser Abstimmung nicht teil.")
            )
        elif voter in voted or voter in firsts:
            repeats.append(n)
        else:
            firsts[voter] = n
    if firsts:
        recorded = _record(poll, requests, firsts, candidates)
        for voter, n in firsts.items():
            if voter in recorded:
                outcomes[n] = recorded[voter]
            else:
                # A concurrent transaction recorded this voter first.
                repeats.append(n)
    for n in sorted(repeats):
        request = requests[n]
        try:
            outcomes[n] = _repeat(
                poll,
                request.user,
                voters[n],
                request.choice,
                request.candidate_id,
                request.idempotency_key[:100],
                candidates,
            )
        except VoteRejected as exc:
            outcomes[n] = exc
    assert all(outcome is not None for outcome in outcomes)
    return [outcome for outcome in outcomes if outcome is not None]


def _record(
    poll: Poll, requests: list[BallotRequest], firsts: dict[int, int], candidates: dict[int, str]
) -> dict[int, BallotAck]:
    """Write the receipts, ballots and audit events of first ballots, in bulk; the
    acknowledgement per voter recorded (voters another transaction recorded first are
    missing: their requests are repeats)."""
    # The name is all the audit trail and a receipt's str() need. Rows are built from ids:
    # at 2,000 ballots a second, model instances and related descriptors per voter count.
    names: dict[int, str] = dict(
        Person.objects.filter(pk__in=list(firsts)).values_list("id", "name")
    )

    def receipt_of(voter: int) -> BallotReceipt:
        request = requests[firsts[voter]]
        return BallotReceipt(
            poll_id=poll.pk,
            voter_id=voter,
            idempotency_key=request.idempotency_key[:100],
            recorded_by_id=request.user.pk,
        )

    receipts: list[BallotReceipt] = []
    try:
        with transaction.atomic():
            receipts = BallotReceipt.objects.bulk_create([receipt_of(v) for v in firsts])
    except IntegrityError:
        # Another transaction recorded one of them since we read: one at a time, so the
        # others are still recorded.
        for voter in firsts:
            try:
                with transaction.atomic():
                    receipt = receipt_of(voter)
                    receipt.save(force_insert=True)
            except IntegrityError:
                continue
            receipts.append(receipt)
    if not receipts:
        return {}
    if poll.kind == Kind.SECRET:
        secret = [
            SecretBallot(
                poll_id=poll.pk,
                choice=requests[firsts[r.voter_id]].choice,
                candidate_id=requests[firsts[r.voter_id]].candidate_id,
            )
            for r in receipts
        ]
        # Neither a column nor the row order links a secret ballot to its receipt.
        random.SystemRandom().shuffle(secret)
        SecretBallot.objects.bulk_create(secret)
    else:
        Ballot.objects.bulk_create(
            [
                Ballot(
                    poll_id=poll.pk,
                    voter_id=r.voter_id,
                    choice=requests[firsts[r.voter_id]].choice,
                    candidate_id=requests[firsts[r.voter_id]].candidate_id,
                )
                for r in receipts
            ]
        )
    acks: dict[int, BallotAck] = {}
    audits: list[AuditEvent] = []
    poll_repr = str(poll)
    # One translation per distinct choice, not per ballot.
    confirmations: dict[str, str] = {}
    for receipt in receipts:
        request = requests[firsts[receipt.voter_id]]
        label = _label(candidates, request.choice, request.candidate_id)
        name = names[receipt.voter_id]
        audits.append(
            _audit_build(request.user, poll, receipt, name, label, None, f"{name} – {poll_repr}")
        )
        if label not in confirmations:
            confirmations[label] = _("Ihre Stimme „%(choice)s“ wurde gezählt.") % {"choice": label}
        acks[receipt.voter_id] = BallotAck(
            poll.pk,
            receipt.voter_id,
            request.choice,
            request.candidate_id,
            "recorded",
            confirmations[label],
        )
    AuditEvent.objects.bulk_create(audits)
    progress_mark_on_commit(poll.pk)
    return acks


def _poll_share_locked(poll_id: int) -> Poll:
    """The poll, with a share lock on its row until the ballot commits. Ballots share it with
    each other, but poll_close's FOR UPDATE waits for every ballot in flight and ballots
    arriving later wait for the close: a ballot is either counted or sees the poll closed.
    SQLite has no row locks and serialises writers anyway. Raises Poll.DoesNotExist."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Poll._meta.db_table)
        with connection.cursor() as cursor:
            # Django has no FOR SHARE; the table name is the model's own, not user input.
            cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR SHARE", [poll_id])  # noqa: S608
    return Poll.objects.get(pk=poll_id)


def _repeat(
    poll: Poll,
    user: Any,
    voter: int,
    choice: str,
    candidate_id: int | None,
    key: str,
    candidates: dict[int, str],
) -> BallotAck:
    # No further lock on the poll: upgrading the share lock of two ballots at once would
    # deadlock. The share lock already keeps the poll's state as read.
    receipt = BallotReceipt.objects.get(poll=poll, voter_id=voter)
    label = _label(candidates, choice, candidate_id)
    duplicate = BallotAck(
        poll.pk,
        voter,
        choice,
        candidate_id,
        "duplicate",
        _("Ihre Stimme „%(choice)s“ war bereits gezählt.") % {"choice": label},
    )
    if key and receipt.idempotency_key == key:
        return duplicate
    if poll.kind == Kind.SECRET:
        raise VoteRejected(
            _(
                "Sie haben bereits geheim abgestimmt. Eine geheime Stimme kann nicht geändert "
                "werden."
            )
        )
    ballot = Ballot.objects.select_for_update().get(poll=poll, voter_id=voter)
    if ballot.choice == choice and ballot.candidate_id == candidate_id:
        return duplicate
    if voter != getattr(user, "person_id", None) and receipt.recorded_by.person_id == voter:
        # The clerk records votes of members without a tablet: what a member cast themselves
        # only they change (the console's member list would otherwise overwrite it unseen).
        raise VoteRejected(
            _("%(name)s hat bereits selbst abgestimmt. Diese Stimme kann nur das Mitglied ändern.")
            % {"name": Person.objects.values_list("name", flat=True).get(pk=voter)}
        )
    previous = _label(candidates, ballot.choice, ballot.candidate_id)
    if poll.state != Poll.State.OPEN:
        raise VoteRejected(
            _("Die Abstimmung ist geschlossen. Gezählt ist Ihre Stimme „%(choice)s“.")
            % {"choice": previous}
        )
    if not poll.allow_vote_change:
        raise VoteRejected(
            _(
                "Sie haben bereits mit „%(choice)s“ abgestimmt. Bei dieser Abstimmung kann die "
                "Stimme nicht geändert werden."
            )
            % {"choice": previous}
        )
    ballot.choice, ballot.candidate_id = choice, candidate_id
    ballot.save(update_fields=["choice", "candidate", "modified"])
    # The receipt names who set the ballot as it stands (the audit trail keeps every change).
    BallotReceipt.objects.filter(pk=receipt.pk).update(idempotency_key=key, recorded_by=user)
    _audit_ballot(user, poll, receipt, voter, label, changed_from=previous)
    return BallotAck(
        poll.pk,
        voter,
        choice,
        candidate_id,
        "changed",
        _("Ihre Stimme wurde von „%(old)s“ in „%(new)s“ geändert.")
        % {"old": previous, "new": label},
    )


def _audit_ballot(
    user: Any, poll: Poll, receipt: BallotReceipt, voter: int, label: str, changed_from: str | None
) -> None:
    name = Person.objects.values_list("name", flat=True).get(pk=voter)
    _audit_build(user, poll, receipt, name, label, changed_from).save()


def _audit_build(
    user: Any,
    poll: Poll,
    receipt: BallotReceipt,
    name: str,
    label: str,
    changed_from: str | None,
    receipt_repr: str | None = None,
) -> AuditEvent:
    named = poll.kind in (Kind.NAMED, Kind.ELECTION)
    before: dict[str, Any] | None
    after: dict[str, Any]
    if not named:
        # Secret and anonymous polls: the trail records that, never how, someone voted.
        message = (
            _("%(name)s hat abgestimmt")
            if changed_from is None
            else _("%(name)s hat die Stimme geändert")
        ) % {"name": name}
        before, after = None, {"voted": True}
    else:
        message = _("%(name)s hat mit „%(choice)s“ abgestimmt") % {"name": name, "choice": label}
        before = {"choice": changed_from} if changed_from is not None else None
        after = {"choice": label}
    return audit_build(
        actor=user,
        action="ballot.change" if changed_from is not None else "ballot.cast",
        obj=receipt,
        before=before,
        after=after,
        message=message,
        body_id=poll.body_id,
        meeting_id=poll.meeting_id,
        object_repr=receipt_repr,
    )


@transaction.atomic
def show_of_hands_record(*, poll_id: int, user: Any, yes: int, no: int, abstain: int) -> Poll:
    """Enter the counted hands of an open show-of-hands poll (again to correct them); closing
    the poll computes the result from them.

    Raises PermissionDenied for anyone but the chair, PollRejected for another kind of poll,
    a poll not open, negative counts or more votes than eligible members."""
    poll = lock_poll(poll_id)
    require_chair(user, poll.body_id)
    if poll.kind != Kind.SHOW_OF_HANDS:
        raise PollRejected(_("Nur bei Abstimmungen per Handzeichen werden Zahlen erfasst."))
    if poll.state != Poll.State.OPEN:
        raise PollRejected(_("Die Abstimmung „%(poll)s“ ist nicht geöffnet.") % {"poll": poll})
    if min(yes, no, abstain) < 0 or yes + no + abstain > poll.eligible_count:
        raise PollRejected(
            _("Die Zahlen passen nicht: höchstens %(n)d Stimmberechtigte, keine negativen Werte.")
            % {"n": poll.eligible_count}
        )
    before = {"yes": poll.yes_count, "no": poll.no_count, "abstain": poll.abstain_count}
    poll.yes_count, poll.no_count, poll.abstain_count = yes, no, abstain
    poll.save(update_fields=["yes_count", "no_count", "abstain_count", "modified"])
    audit_record(
        actor=user,
        action="poll.show_of_hands",
        obj=poll,
        before=before,
        after={"yes": yes, "no": no, "abstain": abstain},
        message=_("Handzeichen erfasst: %(t)s") % {"t": rules.Tally(yes, no, abstain).text},
        body_id=poll.body_id,
        meeting_id=poll.meeting_id,
    )
    return poll
