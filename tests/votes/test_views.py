"""The live screens render the live state on the server (useful without script) and let in
only who may use them: the console the clerks, the tablet the members, the room screen and
the public view whoever may see the meeting."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sessions.live import agenda_current_set, meeting_close
from votes.services import ballot_cast, poll_close, poll_create, poll_open

pytestmark = pytest.mark.django_db

LABEL = "nicht öffentlicher Tagesordnungspunkt"


def _url(name, live):
    return reverse(name, args=[live.meeting.pk])


def test_console_lets_in_the_clerk_with_roll_and_agenda(live, client_for):
    response = client_for(live.chair).get(_url("live-console", live))

    assert response.status_code == 200
    page = response.content.decode()
    assert live.members[0].person.name in page
    assert "Neubau Kita Lindenweg" in page
    assert 'data-action="attendance.record"' in page
    assert f"/ws/sitzungen/{live.meeting.pk}/" in page


def test_console_refuses_members(live, client_for):
    response = client_for(live.members[0]).get(_url("live-console", live))

    assert response.status_code == 403


def test_console_sends_anonymous_visitors_to_the_login(live, client_for):
    response = client_for(None).get(_url("live-console", live))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_tablet_lets_in_members(live, client_for):
    response = client_for(live.members[0]).get(_url("live-tablet", live))

    assert response.status_code == 200
    assert 'data-action="ballot.cast"' in response.content.decode()


def _tablet_page(live, client_for):
    return client_for(live.members[0]).get(_url("live-tablet", live)).content.decode()


def test_tablet_offers_speaking_and_conflicts_only_on_a_called_item(live, client_for):
    page = _tablet_page(live, client_for)

    assert '<div class="live-actions" data-needs-item hidden>' in page
    assert 'data-unavailable="no-item">Sie können sich zu Wort melden, sobald' in page
    assert 'data-unavailable="no-item">Sie können sich für befangen erklären, sobald' in page
    # The declaration form (its data-success ends "… dieses Punktes nicht teil.").
    assert 'Punktes nicht teil." hidden>' in page

    agenda_current_set(
        meeting_id=live.meeting.pk, agenda_item_id=live.public_item.pk, user=live.chair
    )
    page = _tablet_page(live, client_for)

    assert '<div class="live-actions" data-needs-item>' in page
    assert 'data-unavailable="no-item">' not in page
    assert 'data-unavailable="not-running">' not in page
    assert 'Punktes nicht teil.">' in page


def test_tablet_of_a_closed_meeting_says_why_it_offers_no_speaking(live, client_for):
    meeting_close(meeting_id=live.meeting.pk, user=live.chair)

    page = _tablet_page(live, client_for)

    assert '<div class="live-actions" data-needs-item hidden>' in page
    assert 'data-unavailable="not-running">Wortmeldungen sind nur während der Sitzung' in page
    assert 'data-unavailable="not-running">Befangenheit können Sie nur während' in page
    assert 'data-unavailable="no-item">' not in page
    assert 'Punktes nicht teil." hidden>' in page


def test_console_speaker_and_conflict_forms_start_without_a_person(live, client_for):
    page = client_for(live.chair).get(_url("live-console", live)).content.decode()

    for select in ("redner-person", "befangen-person"):
        assert (
            f'<select id="{select}" name="person_id" required>'
            '<option value="">Bitte wählen Sie die Person aus.</option>'
        ) in page


def test_tablet_refuses_members_of_other_organizations(live, client_for, other_member):
    response = client_for(other_member).get(_url("live-tablet", live))

    assert response.status_code == 403


def test_tablet_shows_the_own_vote_after_a_reload(live, open_poll, client_for):
    poll = open_poll()
    ballot_cast(poll_id=poll.pk, user=live.members[0], choice="yes")

    page = client_for(live.members[0]).get(_url("live-tablet", live)).content.decode()

    assert "Ihre gespeicherte Stimme: „Ja“" in page


def test_public_view_shows_how_many_voted_never_how(live, open_poll, client_for):
    poll = open_poll(kind="named")
    ballot_cast(poll_id=poll.pk, user=live.members[0], choice="no")
    ballot_cast(poll_id=poll.pk, user=live.members[1], choice="no")

    page = client_for(None).get(_url("live-public", live)).content.decode()

    assert "2 von 5 haben abgestimmt" in page
    assert live.members[0].person.name not in page.split('id="live-state"')[0]
    assert '"choice"' not in page


def test_public_view_shows_the_result_with_names_of_a_named_vote(live, open_poll, client_for):
    poll = open_poll(kind="named")
    for member in live.members[:3]:
        ballot_cast(poll_id=poll.pk, user=member, choice="yes")
    poll_close(poll_id=poll.pk, user=live.chair)

    page = client_for(None).get(_url("live-public", live)).content.decode()

    assert "Neubau Kita Lindenweg beschließen" in page
    assert 'class="live-chart__value">3<' in page
    assert live.members[0].person.name in page
    assert "nicht abgestimmt" in page


def test_public_view_names_a_non_public_item_only_as_such(live, client_for):
    agenda_current_set(
        meeting_id=live.meeting.pk, agenda_item_id=live.secret_item.pk, user=live.chair
    )
    poll = poll_create(
        user=live.chair, title="Kaufpreis 1,2 Mio. €", agenda_item_id=live.secret_item.pk
    )
    poll_open(poll_id=poll.pk, user=live.chair)

    for name in ("live-public", "live-room"):
        page = client_for(None).get(_url(name, live)).content.decode()

        assert LABEL in page
        assert "Grundstückskauf Kanalstraße" not in page
        assert "Kaufpreis" not in page


def test_room_screen_is_a_page_of_its_own(live, client_for):
    response = client_for(None).get(_url("live-room", live))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="room"' in page
    assert 'data-role="room"' in page


def test_public_view_costs_a_bounded_number_of_queries(
    live, open_poll, client_for, django_assert_max_num_queries
):
    open_poll()
    client = client_for(None)

    with django_assert_max_num_queries(25):
        client.get(_url("live-public", live))


def test_meeting_page_links_the_live_views_for_its_clerk(live, client_for):
    page = client_for(live.chair).get(reverse("meeting-detail", args=[live.meeting.pk]))

    content = page.content.decode()
    assert _url("live-public", live) in content
    assert _url("live-console", live) in content


@pytest.mark.parametrize(
    ("name", "user"), [("live-console", "chair"), ("live-tablet", "member"), ("live-public", None)]
)
def test_live_pages_in_the_portal_frame_style_their_breadcrumbs(live, client_for, name, user):
    """The breadcrumbs' styles are in documents.css; without it they are a numbered list."""
    viewer = {"chair": live.chair, "member": live.members[0], None: None}[user]

    page = client_for(viewer).get(_url(name, live)).content.decode()

    assert 'class="breadcrumbs"' in page
    assert "css/documents.css" in page
