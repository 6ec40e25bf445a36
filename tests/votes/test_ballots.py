"""Casting ballots: members vote for themselves only, exactly once; repeats are idempotent;
changes only where allowed; secret ballots carry no voter."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from ratsinfo.events import meeting_group
from ratsinfo.models import AuditEvent
from sessions.live import conflict_declare
from votes.errors import VoteRejected
from votes.models import Ballot, BallotReceipt, SecretBallot
from votes.services import ballot_cast, poll_close

pytestmark = pytest.mark.django_db


def test_member_votes_and_gets_a_confirmation(live, open_poll):
    poll = open_poll()

    ack = ballot_cast(poll_id=poll.pk, user=live.members[0], choice="yes")

    assert ack.status == "recorded"
    assert ack.message == "Ihre Stimme „Ja“ wurde gezählt."
    assert Ballot.objects.get().voter_id == live.members[0].person_id


def test_member_cannot_vote_for_someone_else(live, open_poll):
    poll = open_poll()

    with pytest.raises(PermissionDenied, match="nur für sich selbst"):
        ballot_cast(
            poll_id=poll.pk,
            user=live.members[0],
            choice="yes",
            person_id=live.members[1].person_id,
        )


def test_citizen_cannot_vote(live, open_poll, citizen):
    poll = open_poll()

    with pytest.raises(PermissionDenied):
        ballot_cast(poll_id=poll.pk, user=citizen, choice="yes")


def test_member_of_another_committee_is_not_eligible(live, open_poll, other_member):
    poll = open_poll()

    with pytest.raises(VoteRejected, match="nicht stimmberechtigt"):
        ballot_cast(poll_id=poll.pk, user=other_member, choice="yes")


def test_chair_records_the_vote_of_a_member_without_a_tablet(live, open_poll):
    poll = open_poll()

    ballot_cast(poll_id=poll.pk, user=live.chair, choice="no", person_id=live.members[2].person_id)

    receipt = BallotReceipt.objects.get()
    assert (receipt.voter_id, receipt.recorded_by) == (live.members[2].person_id, live.chair)


def test_chair_records_an_election_vote_for_a_member_without_a_tablet(live, open_poll):
    poll = open_poll(kind="election", candidates=["Anna Alt", "Bernd Berg"])
    bernd = poll.candidates.get(name="Bernd Berg")
    person_id = live.members[2].person_id

    ack = ballot_cast(poll_id=poll.pk, user=live.chair, candidate_id=bernd.pk, person_id=person_id)

    ballot = Ballot.objects.get()
    assert (ballot.voter_id, ballot.candidate_id, ballot.choice) == (person_id, bernd.pk, "")
    assert BallotReceipt.objects.get().recorded_by == live.chair
    assert (ack.status, ack.candidate_id) == ("recorded", bernd.pk)
    audit = AuditEvent.objects.get(action="ballot.cast")
    assert (audit.actor, audit.after) == (live.chair, {"choice": "Bernd Berg"})


def test_chair_cannot_change_a_vote_the_member_cast_themselves(live, open_poll):
    poll = open_poll(allow_vote_change=True)
    member = live.members[0]
    ballot_cast(poll_id=poll.pk, user=member, choice="yes")

    with pytest.raises(VoteRejected, match="hat bereits selbst abgestimmt"):
        ballot_cast(poll_id=poll.pk, user=live.chair, choice="no", person_id=member.person_id)

    assert Ballot.objects.get().choice == "yes"
    assert not AuditEvent.objects.filter(action="ballot.change").exists()


def test_chair_corrects_a_vote_they_recorded_until_the_member_changes_it(live, open_poll):
    poll = open_poll(allow_vote_change=True)
    member = live.members[0]
    ballot_cast(poll_id=poll.pk, user=live.chair, choice="yes", person_id=member.person_id)

    ack = ballot_cast(poll_id=poll.pk, user=live.chair, choice="no", person_id=member.person_id)
    assert ack.status == "changed"
    ballot_cast(poll_id=poll.pk, user=member, choice="abstain")

    assert BallotReceipt.objects.get().recorded_by == member
    with pytest.raises(VoteRejected, match="hat bereits selbst abgestimmt"):
        ballot_cast(poll_id=poll.pk, user=live.chair, choice="yes", person_id=member.person_id)
    assert Ballot.objects.get().choice == "abstain"


def test_same_vote_twice_is_acknowledged_once(live, open_poll):
    poll = open_poll()
    ballot_cast(poll_id=poll.pk, user=live.members[0], choice="yes")

    ack = ballot_cast(poll_id=poll.pk, user=live.members[0], choice="yes")

    assert ack.status == "duplicate"
    assert Ballot.objects.count() == BallotReceipt.objects.count() == 1


def test_retried_message_with_the_same_key_is_acknowledged_as_before(live, open_poll):
    poll = open_poll(kind="secret")
    ballot_cast(poll_id=poll.pk, user=live.members[0], choice="no", idempotency_key="m-1")

    ack = ballot_cast(poll_id=poll.pk, user=live.members[0], choice="no", idempotency_key="m-1")

    assert ack.status == "duplicate"
    assert SecretBallot.objects.count() == 1


def test_vote_change_is_allowed_while_open_when_the_rules_allow_it(live, open_poll):
    poll = open_poll(allow_vote_change=True)
    ballot_cast(poll_id=poll.pk, user=live.members[0], choice="yes")

    ack = ballot_cast(poll_id=poll.pk, user=live.members[0], choice="no")

    assert ack.status == "changed"
    assert ack.message == "Ihre Stimme wurde von „Ja“ in „Nein“ geändert."
    assert Ballot.objects.get().choice == "no"
    change = AuditEvent.objects.get(action="ballot.change")
    assert (change.before, change.after) == ({"choice": "Ja"}, {"choice": "Nein"})


def test_vote_change_is_rejected_when_the_rules_forbid_it(live, open_poll):
    poll = open_poll(allow_vote_change=False)
    ballot_cast(poll_id=poll.pk, user=live.members[0], choice="yes")

    with pytest.raises(VoteRejected, match="bereits mit „Ja“ abgestimmt"):
        ballot_cast(poll_id=poll.pk, user=live.members[0], choice="no")


def test_secret_vote_cannot_be_changed(live, open_poll):
    poll = open_poll(kind="secret")
    ballot_cast(poll_id=poll.pk, user=live.members[0], choice="yes")

    with pytest.raises(VoteRejected, match="geheim"):
        ballot_cast(poll_id=poll.pk, user=live.members[0], choice="no")


def test_no_vote_after_the_poll_closed(live, open_poll):
    poll = open_poll()
    ballot_cast(poll_id=poll.pk, user=live.members[0], choice="yes")
    poll_close(poll_id=poll.pk, user=live.chair)

    with pytest.raises(VoteRejected, match="nicht geöffnet"):
        ballot_cast(poll_id=poll.pk, user=live.members[1], choice="yes")


def test_conflict_declared_after_opening_excludes_the_member(live, open_poll):
    poll = open_poll()
    conflict_declare(agenda_item_id=live.public_item.pk, user=live.members[0])

    with pytest.raises(VoteRejected, match="Befangenheit"):
        ballot_cast(poll_id=poll.pk, user=live.members[0], choice="yes")


@pytest.mark.parametrize("choice", ["", "maybe", "YES", "candidate"])
def test_invalid_choice_is_rejected(live, open_poll, choice):
    poll = open_poll()

    with pytest.raises(VoteRejected, match="Ungültige Stimme"):
        ballot_cast(poll_id=poll.pk, user=live.members[0], choice=choice)


def test_secret_ballot_has_no_link_to_its_voter(live, open_poll):
    poll = open_poll(kind="secret")

    ballot_cast(poll_id=poll.pk, user=live.members[0], choice="yes")

    field_names = {field.name for field in SecretBallot._meta.get_fields()}
    assert field_names == {"id", "poll", "choice", "candidate"}
    assert BallotReceipt.objects.get().voter_id == live.members[0].person_id
    assert not Ballot.objects.exists()
    audit = AuditEvent.objects.get(action="ballot.cast")
    assert audit.message.endswith("hat abgestimmt")
    assert "yes" not in str(audit.after) and "Ja" not in audit.message


def test_named_ballot_is_audited_with_its_choice(live, open_poll):
    poll = open_poll()

    ballot_cast(poll_id=poll.pk, user=live.members[0], choice="abstain")

    audit = AuditEvent.objects.get(action="ballot.cast")
    assert audit.after == {"choice": "Enthaltung"}
    assert audit.actor == live.members[0]


def test_ballot_is_acknowledged_only_outside_a_callers_transaction(live, open_poll):
    from django.db import transaction

    poll = open_poll()

    with pytest.raises(RuntimeError), transaction.atomic():
        ballot_cast(poll_id=poll.pk, user=live.members[0], choice="yes")


def test_progress_event_says_how_many_never_how(
    live, open_poll, live_events, django_capture_on_commit_callbacks
):
    poll = open_poll()
    live_events.subscribe(meeting_group(live.meeting.pk))

    with django_capture_on_commit_callbacks(execute=True):
        ballot_cast(poll_id=poll.pk, user=live.members[0], choice="yes")

    [event] = live_events.drain()
    assert event == {
        "type": "poll.progress",
        "meeting_id": live.meeting.pk,
        "agenda_item_id": live.public_item.pk,
        "item_public": True,
        "poll_id": poll.pk,
        "voted": 1,
        "eligible": 5,
    }
