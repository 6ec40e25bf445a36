"""Meetings as iCalendar (RFC 5545) data, for calendar subscriptions and single downloads.

The caller decides what goes in: the meetings and agenda items here were already filtered by the
visibility rule for the requesting user (`meeting_list_for_feed`, `meeting_get_for_feed`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import icalendar
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ratsinfo.models import Location
from sessions.models import AgendaItem, Meeting

PRODUCT_ID = "-//Ratsinfo//Sitzungskalender//DE"
# SEQUENCE must grow with every revision and stay a small integer (many clients store it in 32
# bits): seconds since this epoch will do until 2068.
_SEQUENCE_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def location_address(location: Location | None) -> str:
    """The location as one line: description, room, street, postal code and town."""
    if location is None:
        return ""
    town = " ".join(part for part in (location.postal_code, location.locality) if part)
    if location.sub_locality:
        town = f"{town} ({location.sub_locality})" if town else location.sub_locality
    parts = (location.description, location.room, location.street_address, town)
    return ", ".join(part for part in parts if part)


def meeting_filename(meeting: Meeting) -> str:
    """`2026-11-05-bauausschuss.ics`: the local start date and the name."""
    day = timezone.localtime(meeting.start).date().isoformat() if meeting.start else "sitzung"
    slug = slugify(meeting.name)[:60].strip("-")
    return f"{day}-{slug}.ics" if slug else f"{day}.ics"


def _agenda_text(items: Iterable[AgendaItem]) -> str:
    lines = [f"{item.number} {item.name}".strip() for item in items]
    if not lines:
        return ""
    return "\n".join([_("Tagesordnung:"), *lines])


def _revised(meeting: Meeting, items: list[AgendaItem]) -> datetime.datetime:
    # The description lists the agenda, so an edited item is a new revision of the event.
    return max([meeting.modified, *(item.modified for item in items)])


def _event(meeting: Meeting, *, host: str, base_url: str) -> icalendar.Event:
    assert meeting.start is not None  # the feed selectors leave undated meetings out
    items: list[AgendaItem] = getattr(meeting, "visible_agenda_items", [])
    revised = _revised(meeting, items).astimezone(datetime.UTC)
    event = icalendar.Event()
    event.add("uid", f"meeting-{meeting.pk}@{host}")
    event.add("dtstamp", revised)
    event.add("last-modified", revised)
    event.add("sequence", max(0, int((revised - _SEQUENCE_EPOCH).total_seconds())))
    event.add("dtstart", timezone.localtime(meeting.start))
    if meeting.end is not None:
        event.add("dtend", timezone.localtime(meeting.end))
    event.add("summary", meeting.name)
    address = location_address(meeting.location)
    if address:
        event.add("location", address)
    description = _agenda_text(items)
    if description:
        event.add("description", description)
    event.add("url", base_url + reverse("meeting-detail", args=[meeting.pk]))
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    return event


def calendar_build(*, meetings: Iterable[Meeting], name: str, host: str, base_url: str) -> bytes:
    """An iCalendar document with one event per meeting. `host` makes the UIDs unique across
    installations; `base_url` (scheme and host) makes the meeting links absolute."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODUCT_ID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", timezone.get_current_timezone_name())
    days = []
    for meeting in meetings:
        cal.add_component(_event(meeting, host=host, base_url=base_url))
        days.append(timezone.localdate(meeting.start))
    if days:
        # The time zone's rules for the span of the meetings only: the default span ends in
        # 2038 and would list decades of transitions nobody needs.
        cal.add_missing_timezones(
            first_date=min(days) - datetime.timedelta(days=366),
            last_date=max(days) + datetime.timedelta(days=366),
        )
    return cal.to_ical()
