"""The meeting calendar (month view) and the meeting list."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ratsinfo.models import Body, Organization, User
from ratsinfo.services import object_soft_delete
from sessions.models import Meeting
from tests.factories import LocationFactory, MeetingFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int = 18, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def calendar_page(client: Client, **params: Any) -> str:
    response = client.get(reverse("meeting-calendar"), params)
    assert response.status_code == 200
    return response.content.decode()


def list_page(client: Client, **params: Any) -> str:
    response = client.get(reverse("meeting-list"), params)
    assert response.status_code == 200
    return response.content.decode()


def day_meetings(response: Any, day: datetime.date) -> list[Meeting]:
    for week in response.context["month"].weeks:
        for cell in week:
            if cell.date == day:
                return list(cell.meetings)
    raise AssertionError(f"{day} is not in the grid")


# Month view ------------------------------------------------------------------------------------


def test_month_shows_the_meeting_on_its_day_with_time_and_link(
    client: Client, body: Body, committee: Organization
) -> None:
    meeting = MeetingFactory(
        body=body,
        name="Sitzung des Bauausschusses",
        organizations=[committee],
        start=at(2099, 3, 5),
    )

    response = client.get(reverse("meeting-calendar"), {"monat": "2099-03"})

    assert day_meetings(response, datetime.date(2099, 3, 5)) == [meeting]
    assert day_meetings(response, datetime.date(2099, 3, 6)) == []
    content = response.content.decode()
    assert "<caption>März 2099</caption>" in content
    assert f'href="/sitzungen/{meeting.pk}/"' in content
    assert "18:00 Uhr" in content
    assert "Donnerstag, 5. März" in content


def test_month_grid_is_a_table_with_weekday_headers(client: Client, body: Body) -> None:
    content = calendar_page(client, monat="2099-03")

    assert '<table class="month">' in content
    assert content.count('<th scope="col">') == 7
    assert '<span class="visually-hidden">Montag</span>' in content
    assert '<span class="visually-hidden">Sonntag</span>' in content


def test_meeting_late_in_the_evening_stays_on_its_local_day(client: Client, body: Body) -> None:
    # 23:30 in Berlin is already the next day in UTC.
    meeting = MeetingFactory(body=body, start=at(2099, 3, 31, 23, 30), end=None)

    response = client.get(reverse("meeting-calendar"), {"monat": "2099-03"})

    assert day_meetings(response, datetime.date(2099, 3, 31)) == [meeting]


def test_month_defaults_to_the_current_month(client: Client, body: Body) -> None:
    today = timezone.localdate()
    meeting = MeetingFactory(
        body=body,
        name="Heutige Sitzung",
        start=timezone.make_aware(datetime.datetime.combine(today, datetime.time(12))),
    )

    response = client.get(reverse("meeting-calendar"))

    assert response.context["month"].first == today.replace(day=1)
    assert day_meetings(response, today) == [meeting]
    assert 'aria-current="date"' in response.content.decode()


def test_unpublished_meeting_is_hidden_from_anonymous_visitors(client: Client, body: Body) -> None:
    MeetingFactory(body=body, name="Vorbesprechung in Vorbereitung", start=at(2099, 3, 5))
    Meeting.objects.update(published_at=None)

    content = calendar_page(client, monat="2099-03")

    assert "Vorbesprechung in Vorbereitung" not in content
    assert "In diesem Monat sind keine Sitzungen angesetzt." in content


def test_unpublished_meeting_is_shown_to_the_clerk(
    client_for: Any, body: Body, clerk: User
) -> None:
    MeetingFactory(
        body=body, name="Vorbesprechung in Vorbereitung", start=at(2099, 3, 5), published_at=None
    )

    content = calendar_page(client_for(clerk), monat="2099-03")

    assert "Vorbesprechung in Vorbereitung" in content


def test_cancelled_meeting_is_struck_through_and_says_so(client: Client, body: Body) -> None:
    MeetingFactory(body=body, name="Ausgefallene Sitzung", start=at(2099, 3, 5), state="cancelled")

    content = calendar_page(client, monat="2099-03")

    assert '<li class="day__meeting is-cancelled">' in content
    assert '<span class="state-label">abgesagt</span>' in content


def test_filter_by_organization_shows_only_its_meetings(
    client: Client, body: Body, committee: Organization, other_committee: Organization
) -> None:
    MeetingFactory(body=body, name="Bau tagt", organizations=[committee], start=at(2099, 3, 5))
    MeetingFactory(
        body=body, name="Soziales tagt", organizations=[other_committee], start=at(2099, 3, 6)
    )

    content = calendar_page(client, monat="2099-03", gremium=committee.pk)

    assert "Bau tagt" in content
    assert "Soziales tagt" not in content
    assert f'<option value="{committee.pk}" selected>Bauausschuss</option>' in content
    assert reverse("organization-ical", args=[committee.pk]) in content
    assert "<caption>März 2099 – Bauausschuss</caption>" in content


def test_filter_offers_only_organizations_with_visible_meetings(
    client: Client, body: Body, committee: Organization, other_committee: Organization
) -> None:
    MeetingFactory(body=body, organizations=[committee], start=at(2099, 3, 5))
    MeetingFactory(body=body, organizations=[other_committee], published_at=None)

    content = calendar_page(client, monat="2099-03")

    assert f'<option value="{committee.pk}">Bauausschuss</option>' in content
    assert "Sozialausschuss" not in content
    assert '<label for="filter-gremium">Gremium</label>' in content


def test_filter_by_an_organization_without_meetings_shows_an_empty_month(
    client: Client, body: Body, committee: Organization
) -> None:
    content = calendar_page(client, monat="2099-03", gremium=committee.pk)

    assert "wurde nicht gefunden" not in content
    assert "keine Sitzungen des Gremiums „Bauausschuss“ angesetzt" in content


def test_previous_month_of_january_is_december_of_the_year_before(
    client: Client, body: Body, committee: Organization
) -> None:
    content = calendar_page(client, monat="2099-01", gremium=committee.pk)

    assert f'href="?monat=2098-12&amp;gremium={committee.pk}" rel="prev"' in content
    assert f'href="?monat=2099-02&amp;gremium={committee.pk}" rel="next"' in content
    assert "Dezember 2098" in content


def test_next_month_of_december_is_january_of_the_year_after(client: Client, body: Body) -> None:
    content = calendar_page(client, monat="2098-12")

    assert 'href="?monat=2099-01" rel="next"' in content
    assert 'href="?monat=2098-11" rel="prev"' in content


@pytest.mark.parametrize(
    "value", ["abc", "2026-13", "0000-01", "2026-1-1", "99999-01", "２０２６-11"]
)
def test_invalid_month_shows_the_current_month_with_a_message(
    client: Client, body: Body, value: str
) -> None:
    response = client.get(reverse("meeting-calendar"), {"monat": value})

    assert response.status_code == 200
    assert response.context["month"].first == timezone.localdate().replace(day=1)
    assert "Der angegebene Monat wurde nicht erkannt" in response.content.decode()


@pytest.mark.parametrize("value", ["xyz", "-1", "999999", "1.5", "９"])
def test_invalid_organization_shows_all_meetings_with_a_message(
    client: Client, body: Body, value: str
) -> None:
    MeetingFactory(body=body, name="Sitzung ohne Filter", start=at(2099, 3, 5))

    content = calendar_page(client, monat="2099-03", gremium=value)

    assert "Das gewählte Gremium wurde nicht gefunden." in content
    assert "Sitzung ohne Filter" in content


def test_deleted_organization_is_not_a_filter(
    client: Client, body: Body, committee: Organization
) -> None:
    MeetingFactory(body=body, name="Bau tagt", organizations=[committee], start=at(2099, 3, 5))
    object_soft_delete(obj=committee)

    content = calendar_page(client, monat="2099-03", gremium=committee.pk)

    assert "Das gewählte Gremium wurde nicht gefunden." in content


def test_month_links_to_the_list_and_the_feed(client: Client, body: Body) -> None:
    content = calendar_page(client, monat="2099-03")

    assert f'href="{reverse("meeting-list")}"' in content
    assert f'href="{reverse("meeting-ical-all")}"' in content


@pytest.mark.parametrize("rows", [3, 40])
def test_month_costs_constant_queries(
    client: Client,
    body: Body,
    committee: Organization,
    rows: int,
    django_assert_max_num_queries: Any,
) -> None:
    for index in range(rows):
        MeetingFactory(
            body=body,
            organizations=[committee, OrganizationFactory(body=body)],
            location=LocationFactory(),
            start=at(2099, 3, 1 + index % 28, 9 + index % 10),
        )

    # Site body, organizations for the filter, meetings, their organizations.
    with django_assert_max_num_queries(4):
        calendar_page(client, monat="2099-03")


@pytest.mark.parametrize("rows", [3, 40])
def test_month_costs_constant_queries_for_members(
    client_for: Any,
    body: Body,
    committee: Organization,
    member: User,
    rows: int,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(member)
    for index in range(rows):
        MeetingFactory(
            body=body, organizations=[committee], start=at(2099, 3, 1 + index % 28, 9 + index % 10)
        )

    # Session, user, the user's rights, then the four queries of the page.
    with django_assert_max_num_queries(7):
        calendar_page(client, monat="2099-03", gremium=committee.pk)


# List view -------------------------------------------------------------------------------------


def test_list_shows_upcoming_meetings_first_then_past_ones(client: Client, body: Body) -> None:
    now = timezone.now()
    MeetingFactory(body=body, name="Letzte Sitzung", start=now - datetime.timedelta(days=10))
    MeetingFactory(body=body, name="Nächste Sitzung", start=now + datetime.timedelta(days=10))

    content = list_page(client)

    assert (
        content.index("Kommende Sitzungen")
        < content.index("Nächste Sitzung")
        < content.index("Vergangene Sitzungen")
        < content.index("Letzte Sitzung")
    )


def test_list_row_has_date_name_organizations_location_and_state(
    client: Client, body: Body, committee: Organization
) -> None:
    location = LocationFactory(description="Rathaus", room="Ratssaal")
    meeting = MeetingFactory(
        body=body,
        name="Sitzung des Bauausschusses",
        organizations=[committee],
        location=location,
        start=at(2099, 3, 5),
        state="cancelled",
    )

    content = list_page(client)

    assert "Do, 05.03.2099, 18:00 Uhr" in content
    assert f'<a class="meeting-table__name" href="/sitzungen/{meeting.pk}/">' in content
    assert f'<a href="/gremien/{committee.pk}/">Bauausschuss</a>' in content
    assert "Ratssaal" in content
    assert '<tr class="is-cancelled">' in content
    assert '<span class="state-label state-label--cancelled">abgesagt</span>' in content


def test_list_hides_unpublished_meetings_from_anonymous_visitors(
    client: Client, body: Body
) -> None:
    MeetingFactory(body=body, name="Vorbesprechung in Vorbereitung", published_at=None)

    assert "Vorbesprechung in Vorbereitung" not in list_page(client)


def test_past_meetings_are_paginated_by_25(client: Client, body: Body) -> None:
    now = timezone.now()
    for days in range(1, 31):
        MeetingFactory(body=body, name=f"Alt {days:02d}", start=now - datetime.timedelta(days=days))
    MeetingFactory(body=body, name="Kommt noch", start=now + datetime.timedelta(days=1))

    first = client.get(reverse("meeting-list"))
    second = client.get(reverse("meeting-list"), {"seite": 2})

    assert len(first.context["past"].object_list) == 25
    assert "Alt 01" in first.content.decode()
    assert "Alt 26" not in first.content.decode()
    assert "Seite 1 von 2" in first.content.decode()
    assert 'href="?seite=2#vergangene-sitzungen" rel="next"' in first.content.decode()
    assert [m.name for m in second.context["past"].object_list] == [
        f"Alt {days:02d}" for days in range(26, 31)
    ]
    assert "Kommt noch" not in second.content.decode()


@pytest.mark.parametrize("value", ["abc", "0", "99"])
def test_invalid_page_shows_a_page_without_error(client: Client, body: Body, value: str) -> None:
    response = client.get(reverse("meeting-list"), {"seite": value})

    assert response.status_code == 200


def test_list_filters_by_year(client: Client, body: Body) -> None:
    MeetingFactory(body=body, name="Sitzung 2098", start=at(2098, 6, 1))
    MeetingFactory(body=body, name="Sitzung 2099", start=at(2099, 6, 1))

    content = list_page(client, jahr=2098)

    assert "Sitzung 2098" in content
    assert "Sitzung 2099" not in content
    assert '<option value="2098" selected>2098</option>' in content


def test_list_filters_by_organization(
    client: Client, body: Body, committee: Organization, other_committee: Organization
) -> None:
    MeetingFactory(body=body, name="Bau tagt", organizations=[committee])
    MeetingFactory(body=body, name="Soziales tagt", organizations=[other_committee])

    content = list_page(client, gremium=committee.pk)

    assert "Bau tagt" in content
    assert "Soziales tagt" not in content


@pytest.mark.parametrize("params", [{"jahr": "abc"}, {"jahr": "12"}, {"gremium": "xyz"}])
def test_list_with_invalid_filter_shows_all_meetings_with_a_message(
    client: Client, body: Body, params: dict[str, str]
) -> None:
    MeetingFactory(body=body, name="Sitzung ohne Filter")

    content = list_page(client, **params)

    assert "wurde nicht erkannt" in content or "wurde nicht gefunden" in content
    assert "Sitzung ohne Filter" in content


@pytest.mark.parametrize("rows", [3, 40])
def test_list_costs_constant_queries(
    client: Client,
    body: Body,
    committee: Organization,
    rows: int,
    django_assert_max_num_queries: Any,
) -> None:
    now = timezone.now()
    for index in range(rows):
        for sign in (1, -1):
            MeetingFactory(
                body=body,
                organizations=[committee, OrganizationFactory(body=body)],
                location=LocationFactory(),
                start=now + sign * datetime.timedelta(days=index + 1),
            )

    # Site body, filter organizations, years, page count, past page and its organizations,
    # upcoming meetings and their organizations.
    with django_assert_max_num_queries(8):
        list_page(client)
