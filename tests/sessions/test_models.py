"""Meetings and agenda items: database constraints, soft deletion and names."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from sessions.models import AgendaItem, Meeting
from tests.factories import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db

START = timezone.make_aware(datetime.datetime(2026, 5, 4, 18, 0))
HOUR_BEFORE = START - datetime.timedelta(hours=1)


# --- agenda order and numbers ----------------------------------------------------------------


def test_duplicate_agenda_order_in_one_meeting_is_rejected():
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, order=1, number="Ö 1")

    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItemFactory(meeting=meeting, order=1, number="Ö 2")


def test_same_agenda_order_in_another_meeting_is_allowed():
    AgendaItemFactory(meeting=MeetingFactory(), order=1)

    item = AgendaItemFactory(meeting=MeetingFactory(), order=1)

    assert item.pk is not None


def test_agenda_order_is_free_again_after_soft_deletion():
    meeting = MeetingFactory()
    first = AgendaItemFactory(meeting=meeting, order=1, number="Ö 1")
    AgendaItem.objects.filter(pk=first.pk).update(deleted=True)

    second = AgendaItemFactory(meeting=meeting, order=1, number="Ö 1")

    assert second.pk != first.pk


def test_duplicate_agenda_number_in_one_meeting_is_rejected():
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, order=1, number="Ö 1")

    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItemFactory(meeting=meeting, order=2, number="Ö 1")


def test_empty_agenda_numbers_may_repeat_in_one_meeting():
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, order=1, number="")

    AgendaItemFactory(meeting=meeting, order=2, number="")

    assert meeting.agenda_items.filter(number="").count() == 2


# --- times and states ------------------------------------------------------------------------


def test_meeting_ending_before_it_starts_is_rejected():
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(start=START, end=HOUR_BEFORE)


def test_meeting_without_start_may_have_an_end():
    meeting = MeetingFactory(start=None, end=START)

    assert meeting.end == START


def test_agenda_item_ending_before_it_starts_is_rejected():
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItemFactory(start=START, end=HOUR_BEFORE)


def test_invalid_meeting_state_written_with_a_raw_update_is_rejected():
    meeting = MeetingFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(state="vertagt")


def test_every_declared_meeting_state_passes_the_database_check():
    meeting = MeetingFactory()

    for state in Meeting.State.values:
        Meeting.objects.filter(pk=meeting.pk).update(state=state)

    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.values[-1]


@pytest.mark.parametrize(
    ("state", "cancelled"),
    [(state, state == Meeting.State.CANCELLED) for state in Meeting.State],
)
def test_meeting_is_cancelled_only_in_state_cancelled(state, cancelled):
    assert Meeting(state=state).cancelled is cancelled


# --- soft deletion ---------------------------------------------------------------------------


def test_meeting_agenda_hides_deleted_items():
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, deleted=True)
    alive = AgendaItemFactory(meeting=meeting)

    assert list(meeting.agenda_items.all()) == [alive]
    assert meeting.agenda_items(manager="all_objects").count() == 2


def test_agenda_is_ordered_by_order():
    meeting = MeetingFactory()
    third = AgendaItemFactory(meeting=meeting, order=3)
    first = AgendaItemFactory(meeting=meeting, order=1)

    assert list(meeting.agenda_items.all()) == [first, third]


# --- names -----------------------------------------------------------------------------------


def test_meeting_str_is_its_name():
    assert str(MeetingFactory(name="3. Sitzung des Bauausschusses")) == (
        "3. Sitzung des Bauausschusses"
    )


def test_agenda_item_str_is_number_and_name():
    item = AgendaItemFactory(number="Ö 3.1", name="Bebauungsplan Nr. 12")

    assert str(item) == "Ö 3.1 Bebauungsplan Nr. 12"


def test_agenda_item_without_number_is_named_by_its_name_alone():
    item = AgendaItemFactory(number="", name="Einwohnerfragestunde")

    assert str(item) == "Einwohnerfragestunde"
