"""iCalendar feeds: all meetings, one organization's meetings, one meeting as a download."""

from __future__ import annotations

import datetime
from typing import Any

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ratsinfo.models import Body, Organization, User
from ratsinfo.services import object_soft_delete
from sessions.models import Meeting
from tests.factories import (
    AgendaItemFactory,
    LocationFactory,
    MeetingFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int = 18, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def fetch(client: Client, url: str) -> icalendar.Calendar:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(event["summary"]): event for event in calendar.events}


def feed(client: Client) -> dict[str, icalendar.Event]:
    return events(fetch(client, reverse("meeting-ical-all")))


@pytest.fixture
def meeting(body: Body, committee: Organization) -> Meeting:
    location = LocationFactory(
        description="Rathaus",
        room="Ratssaal",
        street_address="Marktplatz 1",
        postal_code="12345",
        locality="Musterstadt",
    )
    meeting = MeetingFactory(
        body=body,
        name="Sitzung des Bauausschusses",
        organizations=[committee],
        location=location,
        start=at(2099, 3, 5, 18),
        end=at(2099, 3, 5, 21),
    )
    AgendaItemFactory(meeting=meeting, order=1, number="Ö 1", name="Eröffnung der Sitzung")
    AgendaItemFactory(
        meeting=meeting, order=2, number="N 1", name="Grundstücksankauf Nord", public=False
    )
    return meeting


def test_feed_event_has_start_end_summary_location_and_link(
    client: Client, meeting: Meeting
) -> None:
    event = feed(client)["Sitzung des Bauausschusses"]

    assert event.decoded("dtstart") == at(2099, 3, 5, 18)
    assert event["dtstart"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("dtend") == at(2099, 3, 5, 21)
    assert str(event["location"]) == "Rathaus, Ratssaal, Marktplatz 1, 12345 Musterstadt"
    assert str(event["url"]) == f"http://testserver/sitzungen/{meeting.pk}/"
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["uid"]) == f"meeting-{meeting.pk}@testserver"


def test_feed_declares_the_time_zone_it_uses(client: Client, meeting: Meeting) -> None:
    calendar = fetch(client, reverse("meeting-ical-all"))

    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["prodid"])


def test_feed_is_identical_across_requests(client: Client, meeting: Meeting) -> None:
    first = client.get(reverse("meeting-ical-all")).content
    second = client.get(reverse("meeting-ical-all")).content

    assert first == second
    assert f"UID:meeting-{meeting.pk}@testserver".encode() in first


def test_edit_raises_sequence_and_last_modified(client: Client, meeting: Meeting) -> None:
    before = feed(client)["Sitzung des Bauausschusses"]
    Meeting.objects.filter(pk=meeting.pk).update(
        modified=meeting.modified + datetime.timedelta(minutes=5)
    )

    after = feed(client)["Sitzung des Bauausschusses"]

    assert after.decoded("sequence") > before.decoded("sequence")
    assert after.decoded("last-modified") > before.decoded("last-modified")
    assert after.decoded("dtstamp") == after.decoded("last-modified")
    assert str(after["uid"]) == str(before["uid"])


def test_cancelled_meeting_has_status_cancelled(client: Client, meeting: Meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.CANCELLED)

    event = feed(client)["Sitzung des Bauausschusses"]

    assert str(event["status"]) == "CANCELLED"


def test_description_lists_only_public_agenda_items_for_anonymous_visitors(
    client: Client, meeting: Meeting
) -> None:
    description = str(feed(client)["Sitzung des Bauausschusses"]["description"])

    assert "Ö 1 Eröffnung der Sitzung" in description
    assert "Grundstücksankauf Nord" not in description


def test_description_lists_non_public_items_for_a_member_of_the_committee(
    client_for: Any, meeting: Meeting, member: User
) -> None:
    description = str(feed(client_for(member))["Sitzung des Bauausschusses"]["description"])

    assert "N 1 Grundstücksankauf Nord" in description


def test_description_hides_non_public_items_from_members_of_other_committees(
    client_for: Any, meeting: Meeting, other_member: User
) -> None:
    description = str(feed(client_for(other_member))["Sitzung des Bauausschusses"]["description"])

    assert "Grundstücksankauf Nord" not in description


def test_feed_leaves_out_unpublished_and_deleted_meetings(client: Client, body: Body) -> None:
    MeetingFactory(body=body, name="Öffentlich angekündigt")
    MeetingFactory(body=body, name="In Vorbereitung", published_at=None)
    deleted = MeetingFactory(body=body, name="Gelöscht")
    object_soft_delete(obj=deleted)

    assert set(feed(client)) == {"Öffentlich angekündigt"}


def test_feed_shows_unpublished_meetings_to_the_clerk(
    client_for: Any, body: Body, clerk: User
) -> None:
    MeetingFactory(body=body, name="In Vorbereitung", published_at=None)

    assert "In Vorbereitung" in feed(client_for(clerk))


def test_feed_reaches_back_twelve_months(client: Client, body: Body) -> None:
    now = timezone.now()
    MeetingFactory(body=body, name="Vor elf Monaten", start=now - datetime.timedelta(days=330))
    MeetingFactory(body=body, name="Vor zwei Jahren", start=now - datetime.timedelta(days=730))
    MeetingFactory(body=body, name="In drei Jahren", start=now + datetime.timedelta(days=1095))
    MeetingFactory(body=body, name="Ohne Termin", start=None)

    assert set(feed(client)) == {"Vor elf Monaten", "In drei Jahren"}


def test_organization_feed_holds_only_its_meetings(
    client: Client, body: Body, committee: Organization, other_committee: Organization
) -> None:
    MeetingFactory(body=body, name="Bau tagt", organizations=[committee])
    MeetingFactory(body=body, name="Gemeinsame Sitzung", organizations=[committee, other_committee])
    MeetingFactory(body=body, name="Soziales tagt", organizations=[other_committee])

    calendar = fetch(client, reverse("organization-ical", args=[committee.pk]))

    assert set(events(calendar)) == {"Bau tagt", "Gemeinsame Sitzung"}
    assert str(calendar["x-wr-calname"]) == "Sitzungen – Bauausschuss"


def test_organization_feed_of_a_deleted_organization_is_not_found(
    client: Client, committee: Organization
) -> None:
    object_soft_delete(obj=committee)

    response = client.get(reverse("organization-ical", args=[committee.pk]))

    assert response.status_code == 404
    assert "Bauausschuss" not in response.content.decode()


def test_organization_feed_of_an_unknown_organization_is_not_found(
    client: Client, db: None
) -> None:
    assert client.get(reverse("organization-ical", args=[987654])).status_code == 404


def test_meeting_download_is_an_attachment_named_after_date_and_name(
    client: Client, meeting: Meeting
) -> None:
    response = client.get(reverse("meeting-ical", args=[meeting.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="2099-03-05-sitzung-des-bauausschusses.ics"'
    )
    calendar = icalendar.Calendar.from_ical(response.content)
    assert list(events(calendar)) == ["Sitzung des Bauausschusses"]


def test_meeting_download_url_is_the_one_named_in_the_routes(meeting: Meeting) -> None:
    assert reverse("meeting-ical", args=[meeting.pk]) == f"/sitzungen/{meeting.pk}/sitzung.ics"
    assert reverse("meeting-ical-all") == "/sitzungen/kalender.ics"


def test_meeting_download_of_an_unpublished_meeting_is_not_found_for_anonymous_visitors(
    client: Client, client_for: Any, body: Body, clerk: User
) -> None:
    meeting = MeetingFactory(body=body, name="In Vorbereitung", published_at=None)
    url = reverse("meeting-ical", args=[meeting.pk])

    assert client.get(url).status_code == 404
    assert client_for(clerk).get(url).status_code == 200


def test_meeting_download_of_a_past_meeting_still_works(client: Client, body: Body) -> None:
    meeting = MeetingFactory(body=body, name="Lange her", start=at(2001, 1, 1))

    calendar = fetch(client, reverse("meeting-ical", args=[meeting.pk]))

    assert list(events(calendar)) == ["Lange her"]


@pytest.mark.parametrize("rows", [3, 40])
def test_feeds_cost_constant_queries(
    client: Client,
    body: Body,
    committee: Organization,
    rows: int,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(rows):
        meeting = MeetingFactory(
            body=body,
            organizations=[committee, OrganizationFactory(body=body)],
            location=LocationFactory(),
        )
        AgendaItemFactory(meeting=meeting)
        AgendaItemFactory(meeting=meeting, public=False)

    # Meetings with their locations, then their agenda items.
    with django_assert_max_num_queries(2):
        assert len(feed(client)) == rows
    # The organization, then the same two.
    with django_assert_max_num_queries(3):
        fetch(client, reverse("organization-ical", args=[committee.pk]))


@pytest.mark.parametrize("rows", [3, 40])
def test_feed_costs_constant_queries_for_members(
    client_for: Any,
    body: Body,
    committee: Organization,
    member: User,
    rows: int,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(member)
    for _ in range(rows):
        meeting = MeetingFactory(body=body, organizations=[committee])
        AgendaItemFactory(meeting=meeting, public=False)

    # Session, user, the user's rights, meetings, agenda items.
    with django_assert_max_num_queries(5):
        assert len(feed(client)) == rows
