"""The poll lifecycle: draft → open → closed → published, annulled with a reason; quorum
checked on opening; each transition audited and broadcast after commit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from ratsinfo.events import meeting_group
from ratsinfo.models import AuditEvent
from sessions.live import attendance_record, conflict_declare, conflict_withdraw, meeting_close
from sessions.models import ConflictDeclaration
from votes.errors import PollRejected, QuorumNotReached
from votes.models import BodyVotingRules, EligibleVoter, Poll
from votes.services import (
    POLL_TRANSITIONS,
    ballot_cast,
    poll_annul,
    poll_close,
    poll_create,
    poll_open,
    poll_publish,
    show_of_hands_record,
)

pytestmark = pytest.mark.django_db


def vote(live, choices):
    for user, choice in zip(live.members, choices, strict=False):
        ballot_cast(poll_id=Poll.objects.get(state="open").pk, user=user, choice=choice)


def test_full_lifecycle_writes_the_result_onto_the_agenda_item(live, open_poll):
    poll = open_poll(resolution_text="Der Rat beschließt den Neubau.")
    vote(live, ["yes", "yes", "yes", "no", "abstain"])

    poll_close(poll_id=poll.pk, user=live.chair)
    poll_publish(poll_id=poll.pk, user=live.chair)

    poll.refresh_from_db()
    live.public_item.refresh_from_db()
    assert (poll.state, poll.accepted) == ("published", True)
    assert (poll.yes_count, poll.no_count, poll.abstain_count) == (3, 1, 1)
    assert live.public_item.result == "Angenommen (3 Ja, 1 Nein, 1 Enthaltung)"
    assert live.public_item.resolution_text == "Der Rat beschließt den Neubau."


def test_every_transition_writes_an_audit_event(live, open_poll):
    poll = open_poll()
    poll_close(poll_id=poll.pk, user=live.chair)
    poll_publish(poll_id=poll.pk, user=live.chair)

    trail = AuditEvent.objects.filter(object_type="votes.poll").order_by("pk")
    assert [(e.action, e.before, (e.after or {})["state"]) for e in trail] == [
        ("poll.create", None, "draft"),
        ("poll.open", {"state": "draft"}, "open"),
        ("poll.close", {"state": "open"}, "closed"),
        ("poll.publish", {"state": "closed"}, "published"),
    ]
    assert all(e.actor == live.chair for e in trail)


def test_audit_events_are_never_changed_or_deleted(live, open_poll):
    open_poll()
    event = AuditEvent.objects.first()
    assert event is not None

    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.update(message="")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("draft", "close"),
        ("draft", "publish"),
        ("open", "open"),
        ("open", "publish"),
        ("closed", "open"),
        ("closed", "close"),
        ("published", "annul"),
        ("published", "close"),
        ("annulled", "open"),
        ("annulled", "publish"),
    ],
)
def test_forbidden_transitions_are_rejected(live, state, action):
    poll = poll_create(user=live.chair, title="Antrag", agenda_item_id=live.public_item.pk)
    Poll.objects.filter(pk=poll.pk).update(
        state=state,
        closed_at=live.meeting.modified,
        annul_reason="Zählfehler" if state == "annulled" else "",
    )
    services = {
        "open": lambda: poll_open(poll_id=poll.pk, user=live.chair),
        "close": lambda: poll_close(poll_id=poll.pk, user=live.chair),
        "publish": lambda: poll_publish(poll_id=poll.pk, user=live.chair),
        "annul": lambda: poll_annul(poll_id=poll.pk, user=live.chair, reason="Fehler"),
    }

    assert state not in POLL_TRANSITIONS[action][0]
    with pytest.raises(PollRejected):
        services[action]()


def test_poll_does_not_open_without_quorum(body):
    from tests.sessions.live_builders import live_council

    live = live_council(body, members=5).start(present=2)
    poll = poll_create(user=live.chair, title="Antrag", agenda_item_id=live.public_item.pk)

    with pytest.raises(QuorumNotReached, match="Nicht beschlussfähig: nur 2 von 5"):
        poll_open(poll_id=poll.pk, user=live.chair)


def test_quorum_lost_mid_meeting_blocks_the_next_poll(live, open_poll):
    first = open_poll()
    poll_close(poll_id=first.pk, user=live.chair)
    for user in live.members[:3]:
        attendance_record(
            meeting_id=live.meeting.pk, person_id=user.person_id, status="absent", user=live.chair
        )

    with pytest.raises(QuorumNotReached):
        open_poll(title="Zweiter Antrag")


def test_statutory_members_come_from_the_organization_when_set(live, open_poll):
    live.council.statutory_members = 11
    live.council.save()

    with pytest.raises(QuorumNotReached, match="5 von 11"):
        open_poll()


def test_conflicted_and_advisory_members_are_not_eligible(live, open_poll):
    conflict_declare(agenda_item_id=live.public_item.pk, user=live.members[0])
    advisory = live.members[1].person.memberships.get()
    advisory.voting_right = False
    advisory.save()

    poll = open_poll()

    eligible = set(EligibleVoter.objects.filter(poll=poll).values_list("person_id", flat=True))
    assert eligible == {u.person_id for u in live.members[2:]}
    assert poll.eligible_count == 3


def test_a_withdrawn_conflict_makes_the_member_eligible_in_the_next_poll(live, open_poll):
    member = live.members[0]
    conflict_declare(agenda_item_id=live.public_item.pk, user=member)
    conflict_withdraw(agenda_item_id=live.public_item.pk, user=member)

    poll = open_poll()
    ack = ballot_cast(poll_id=poll.pk, user=member, choice="yes")

    assert EligibleVoter.objects.filter(poll=poll, person_id=member.person_id).exists()
    assert poll.eligible_count == 5
    assert ack.status == "recorded"


@pytest.mark.parametrize("declared", ["before_opening", "after_opening"])
def test_a_conflict_is_not_withdrawn_while_a_poll_on_its_item_is_open(live, open_poll, declared):
    member = live.members[0]
    if declared == "before_opening":
        conflict_declare(agenda_item_id=live.public_item.pk, user=member)
        poll = open_poll()
    else:
        poll = open_poll()
        conflict_declare(agenda_item_id=live.public_item.pk, user=member)

    for user, person_id in ((member, None), (live.chair, member.person_id)):
        with pytest.raises(PollRejected, match="schließen Sie die Abstimmung oder heben Sie sie"):
            conflict_withdraw(agenda_item_id=live.public_item.pk, user=user, person_id=person_id)

    assert ConflictDeclaration.objects.filter(person_id=member.person_id).exists()
    assert not AuditEvent.objects.filter(action="conflict.withdraw").exists()
    poll_close(poll_id=poll.pk, user=live.chair)
    conflict_withdraw(agenda_item_id=live.public_item.pk, user=member)
    assert not ConflictDeclaration.objects.exists()


def test_a_conflict_on_another_item_is_withdrawn_during_a_poll(live, open_poll):
    conflict_declare(agenda_item_id=live.secret_item.pk, user=live.members[0])
    open_poll()

    conflict_withdraw(agenda_item_id=live.secret_item.pk, user=live.members[0])

    assert not ConflictDeclaration.objects.exists()


def test_annul_needs_a_reason_and_keeps_the_poll_on_record(live, open_poll):
    poll = open_poll()

    with pytest.raises(PollRejected, match="Grund"):
        poll_annul(poll_id=poll.pk, user=live.chair, reason="  ")
    poll_annul(poll_id=poll.pk, user=live.chair, reason="Abstimmungsgerät ausgefallen")

    poll.refresh_from_db()
    assert poll.state == "annulled" and poll.annul_reason == "Abstimmungsgerät ausgefallen"


def test_only_one_poll_runs_per_meeting(live, open_poll):
    open_poll()

    with pytest.raises(PollRejected, match="läuft bereits"):
        open_poll(title="Zweiter Antrag")


def test_meeting_does_not_close_while_a_poll_is_open(live, open_poll):
    open_poll()

    with pytest.raises(PollRejected, match="läuft noch"):
        meeting_close(meeting_id=live.meeting.pk, user=live.chair)


def test_members_and_citizens_cannot_run_polls(live, citizen):
    for user in (live.members[0], citizen):
        with pytest.raises(PermissionDenied):
            poll_create(user=user, title="Antrag", agenda_item_id=live.public_item.pk)


def test_body_rules_are_the_defaults_of_a_new_poll(live):
    BodyVotingRules.objects.create(
        body=live.body, majority_method="absolute", allow_vote_change=False
    )

    poll = poll_create(user=live.chair, title="Satzung", agenda_item_id=live.public_item.pk)

    assert (poll.majority_method, poll.allow_vote_change) == ("absolute", False)


def test_secret_polls_never_allow_a_vote_change(live):
    poll = poll_create(
        user=live.chair, title="Wahl", agenda_item_id=live.public_item.pk, kind="secret"
    )

    assert poll.allow_vote_change is False


def test_election_with_a_tie_says_a_runoff_is_needed(live, open_poll):
    poll = open_poll(kind="election", candidates=["Anna Alt", "Bernd Berg"])
    anna, bernd = poll.candidates.order_by("order")
    for user, candidate in zip(live.members, [anna, bernd, anna, bernd], strict=False):
        ballot_cast(poll_id=poll.pk, user=user, candidate_id=candidate.pk)
    ballot_cast(poll_id=poll.pk, user=live.members[4], choice="abstain")

    poll_close(poll_id=poll.pk, user=live.chair)

    poll.refresh_from_db()
    assert poll.result_short == "Stichwahl erforderlich"
    assert poll.result_detail["runoff"] == [anna.pk, bernd.pk]
    assert poll.accepted is False


def test_show_of_hands_counts_are_entered_by_the_chair(live, open_poll):
    poll = open_poll(kind="show_of_hands", majority_method="two_thirds")

    with pytest.raises(PollRejected, match="Handzeichen"):
        poll_close(poll_id=poll.pk, user=live.chair)
    with pytest.raises(PollRejected, match="höchstens 5"):
        show_of_hands_record(poll_id=poll.pk, user=live.chair, yes=4, no=1, abstain=1)
    show_of_hands_record(poll_id=poll.pk, user=live.chair, yes=4, no=1, abstain=0)
    poll_close(poll_id=poll.pk, user=live.chair)

    poll.refresh_from_db()
    assert poll.accepted is True
    assert "Zweidrittelmehrheit der abgegebenen Ja- und Nein-Stimmen" in poll.result_text


def test_named_result_lists_who_voted_how(live, open_poll):
    poll = open_poll()
    vote(live, ["yes", "no"])

    poll_close(poll_id=poll.pk, user=live.chair)

    poll.refresh_from_db()
    names = poll.result_detail["names"]
    assert names["yes"] == [live.members[0].person.name]
    assert names["no"] == [live.members[1].person.name]
    assert len(names["not_voted"]) == 3


def test_transitions_are_broadcast_after_commit(
    live, open_poll, live_events, django_capture_on_commit_callbacks
):
    live_events.subscribe(meeting_group(live.meeting.pk))

    with django_capture_on_commit_callbacks(execute=True):
        poll = open_poll()
        poll_close(poll_id=poll.pk, user=live.chair)
        poll_publish(poll_id=poll.pk, user=live.chair)

    created, opened, closed, published = live_events.drain()
    assert created == {"type": "poll.created", "meeting_id": live.meeting.pk}
    assert opened["type"] == "poll.opened"
    assert opened["poll"]["title"] == "Neubau Kita Lindenweg beschließen"
    assert opened["poll"]["eligible"] == 5
    assert closed["type"] == "poll.closed"
    assert closed["result"]["short"] == "abgelehnt"
    assert closed["result"]["yes"] == 0
    assert closed["poll"]["title"] == "Neubau Kita Lindenweg beschließen"
    assert published["type"] == "poll.published"
    assert published["poll"]["title"] == "Neubau Kita Lindenweg beschließen"


def test_annulling_a_draft_tells_only_that_the_drafts_changed(
    live, live_events, django_capture_on_commit_callbacks
):
    draft = poll_create(user=live.chair, title="Vertagung", agenda_item_id=live.public_item.pk)
    live_events.subscribe(meeting_group(live.meeting.pk))

    with django_capture_on_commit_callbacks(execute=True):
        poll_annul(poll_id=draft.pk, user=live.chair, reason="doppelt angelegt")

    assert live_events.drain() == [{"type": "poll.draft_annulled", "meeting_id": live.meeting.pk}]


def test_annulling_an_opened_poll_names_it_with_the_reason(
    live, open_poll, live_events, django_capture_on_commit_callbacks
):
    poll = open_poll()
    live_events.subscribe(meeting_group(live.meeting.pk))

    with django_capture_on_commit_callbacks(execute=True):
        poll_annul(poll_id=poll.pk, user=live.chair, reason="Zählfehler")

    (annulled,) = live_events.drain()
    assert annulled["type"] == "poll.annulled"
    assert annulled["poll"]["title"] == "Neubau Kita Lindenweg beschließen"
    assert annulled["result"]["text"] == "Zählfehler"
