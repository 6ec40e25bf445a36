"""Reads for the meeting and minutes pages: a meeting with its agenda, the paper consulted under
each agenda item and the files of all three, each filtered by the visibility rule. A page costs
the same few queries whatever the length of its agenda."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.utils import timezone

from documents.models import Consultation, File, Note, Paper
from documents.selectors.files import file_list_for_owners
from ratsinfo.models import Organization
from ratsinfo.visibility import visible
from sessions.models import AgendaItem, Meeting, Minutes


@dataclass
class AgendaEntry:
    """One agenda item as a page shows it. `note` is the viewer's own note, set by the view."""

    item: AgendaItem
    consultation: Consultation | None = None
    paper_files: list[File] = field(default_factory=list)
    files: list[File] = field(default_factory=list)
    note: Note | None = None

    @property
    def paper(self) -> Paper | None:
        return self.consultation.paper if self.consultation else None


@dataclass(frozen=True)
class Agenda:
    """The agenda items a user may see, the public part first as the sitting runs it."""

    public: list[AgendaEntry]
    non_public: list[AgendaEntry]

    @property
    def entries(self) -> list[AgendaEntry]:
        return [*self.public, *self.non_public]


@dataclass(frozen=True)
class MeetingPage:
    meeting: Meeting
    organizations: list[Organization]
    files: list[File]
    agenda: Agenda
    minutes: Minutes | None

    @property
    def minutes_published(self) -> bool:
        published_at = self.minutes.published_at if self.minutes else None
        return published_at is not None and published_at <= timezone.now()


def meeting_get_for_user(*, user: Any, meeting_id: int) -> Meeting:
    """The meeting with its location if the user may see it. Raises Http404 otherwise."""
    meeting = (
        visible(user, Meeting.objects.filter(pk=meeting_id)).select_related("location").first()
    )
    if meeting is None:
        raise Http404("meeting not visible")
    return meeting


def meeting_organizations_for_user(*, user: Any, meeting: Meeting) -> list[Organization]:
    """The organizations a meeting is held by."""
    return list(visible(user, meeting.organizations.all()).order_by("name"))


def agenda_for_user(*, user: Any, meeting: Meeting, with_files: bool = True) -> Agenda:
    """The agenda items of `meeting` the user may see, each with its visible consultation and
    paper and, if asked, the visible files of item and paper (three queries)."""
    items = list(visible(user, AgendaItem.objects.filter(meeting=meeting)).order_by("order", "pk"))
    entries = {item.pk: AgendaEntry(item=item) for item in items}
    # A consultation is visible only if its paper and its agenda item are: a public paper on a
    # non-public item stays hidden, and so does a non-public paper on a public item.
    consultations = visible(
        user, Consultation.objects.filter(agenda_item_id__in=list(entries))
    ).select_related("paper")
    by_paper: dict[int, list[AgendaEntry]] = {}
    for consultation in consultations:
        assert consultation.agenda_item_id is not None
        entry = entries[consultation.agenda_item_id]
        entry.consultation = consultation
        by_paper.setdefault(consultation.paper_id, []).append(entry)
    if with_files and entries:
        for file in file_list_for_owners(
            user=user, paper_ids=list(by_paper), agenda_item_ids=list(entries)
        ):
            if file.agenda_item_id is not None:
                entries[file.agenda_item_id].files.append(file)
            elif file.paper_id is not None:
                for entry in by_paper[file.paper_id]:
                    entry.paper_files.append(file)
    # The flag decides the section, not the filter: the rule above decided what is shown.
    return Agenda(
        public=[entry for entry in entries.values() if entry.item.public],
        non_public=[entry for entry in entries.values() if not entry.item.public],
    )


def meeting_page_for_user(*, user: Any, meeting_id: int) -> MeetingPage:
    """Everything the meeting page shows, for one user (a constant number of queries).
    Raises Http404 if the user may not see the meeting."""
    meeting = meeting_get_for_user(user=user, meeting_id=meeting_id)
    return MeetingPage(
        meeting=meeting,
        organizations=meeting_organizations_for_user(user=user, meeting=meeting),
        files=list(file_list_for_owners(user=user, meeting_ids=[meeting.pk])),
        agenda=agenda_for_user(user=user, meeting=meeting),
        minutes=visible(user, Minutes.objects.filter(meeting=meeting)).first(),
    )


def agenda_item_get_for_user(*, user: Any, agenda_item_id: int) -> AgendaItem:
    """The agenda item with its meeting if the user may see it. Raises Http404 otherwise."""
    item = (
        visible(user, AgendaItem.objects.filter(pk=agenda_item_id))
        .select_related("meeting")
        .first()
    )
    if item is None:
        raise Http404("agenda item not visible")
    return item
