"""The demo town's next council meeting can be run live from start to finish, as the clerk
does it in the browser (docs/live-session.md, "Running the demo town's next meeting"): the
same services the console and the tablets call over the websocket."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from documents.models import Consultation
from ratsinfo.models import Membership, Organization, User
from ratsinfo.visibility import visible
from sessions.live import agenda_current_set, attendance_record, meeting_close, meeting_start
from sessions.models import AgendaItem, Meeting
from sessions.selectors import meeting_list_upcoming
from votes.models import Poll
from votes.selectors import meeting_live_state
from votes.services import ballot_cast, poll_close, poll_create, poll_open, poll_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def council() -> Organization:
    # The demo as `make run` builds it: around today, so that its next meetings lie ahead.
    call_command("seed_demo", "--verbosity", "0", stdout=io.StringIO())
    return Organization.objects.get(classification="Rat")


def test_the_councils_next_meeting_is_invited_with_a_paper_and_a_non_public_item(council):
    meeting = meeting_list_upcoming(user=AnonymousUser(), organization_id=council.pk).first()

    assert meeting is not None
    assert meeting.state == Meeting.State.INVITED and meeting.published_at is not None
    public = list(visible(AnonymousUser(), meeting.agenda_items.all()))
    assert any(Consultation.objects.filter(agenda_item=item).exists() for item in public)
    assert meeting.agenda_items.filter(public=False).exists()
    assert all(item.public for item in public)


def test_every_council_member_can_log_in_to_vote(council):
    members = set(
        Membership.objects.filter(organization=council, voting_right=True).values_list(
            "person_id", flat=True
        )
    )
    users = User.objects.filter(person_id__in=members)

    assert set(users.values_list("person_id", flat=True)) == members
    for user in users:
        password = "demo-ratsmitglied" if user.username == "ratsmitglied" else "demo-rat"
        assert user.check_password(password), user.username
    assert User.objects.get(username="sitzungsdienst").check_password("demo-sitzungsdienst")


def test_the_clerk_runs_the_councils_next_meeting_with_two_members_voting(council):
    clerk = User.objects.get(username="sitzungsdienst")
    meeting = meeting_list_upcoming(user=clerk, organization_id=council.pk).first()
    assert meeting is not None
    item = next(
        item
        for item in meeting.agenda_items.filter(public=True).order_by("order")
        if Consultation.objects.filter(agenda_item=item).exists()
    )
    roll = Membership.objects.filter(organization=council).values_list("person_id", flat=True)
    voters = list(User.objects.filter(person_id__in=roll).order_by("username")[:2])

    meeting_start(meeting_id=meeting.pk, user=clerk)
    for person_id in roll:
        attendance_record(meeting_id=meeting.pk, person_id=person_id, status="present", user=clerk)
    agenda_current_set(meeting_id=meeting.pk, agenda_item_id=item.pk, user=clerk)
    poll = poll_create(user=clerk, title=f"Beschluss: {item.name}", agenda_item_id=item.pk)
    poll_open(poll_id=poll.pk, user=clerk)
    acks = [ballot_cast(poll_id=poll.pk, user=voter, choice="yes") for voter in voters]
    poll_close(poll_id=poll.pk, user=clerk)
    poll_publish(poll_id=poll.pk, user=clerk)
    meeting_close(meeting_id=meeting.pk, user=clerk)

    assert [ack.status for ack in acks] == ["recorded", "recorded"]
    poll.refresh_from_db()
    assert (poll.state, poll.eligible_count, poll.yes_count, poll.accepted) == (
        Poll.State.PUBLISHED,
        33,
        2,
        True,
    )
    assert AgendaItem.objects.get(pk=item.pk).result == "Angenommen (2 Ja, 0 Nein, 0 Enthaltungen)"
    public = meeting_live_state(meeting_id=meeting.pk, user=AnonymousUser())
    assert public["meeting"]["state"] == Meeting.State.COMPLETED
    assert public["last_result"] is not None
    assert public["last_result"]["poll"]["title"] == f"Beschluss: {item.name}"
