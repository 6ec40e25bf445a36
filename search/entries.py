"""What is indexed for each kind of object: one `EntryData` per object, built the same way for
every backend. An entry holds only the object's own text, never that of its children, because
a child can be non-public where its parent is public (a non-public attachment of a public
paper has its own entry and its own visibility)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import formats, timezone

from documents.downloads import download_name
from documents.models import File, Paper
from ratsinfo.models import Organization, Person
from search.models import Kind
from sessions.models import AgendaItem, Meeting, Minutes

MODELS: dict[str, type[models.Model]] = {
    Kind.PAPER: Paper,
    Kind.FILE: File,
    Kind.MEETING: Meeting,
    Kind.AGENDA_ITEM: AgendaItem,
    Kind.MINUTES: Minutes,
    Kind.ORGANIZATION: Organization,
    Kind.PERSON: Person,
}
KINDS: dict[type[models.Model], str] = {model: kind for kind, model in MODELS.items()}

# Short names of file types for the facet, by MIME type.
FILE_TYPES = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PPTX",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/tiff": "TIFF",
    "text/plain": "TXT",
}
# Pages of a file's text are joined with a form feed, which is stripped from the pages
# themselves: the page of an offset is the number of separators before it (segment 0 is the
# file name), see `search.snippets.page_at`.
PAGE_SEPARATOR = "\f"


@dataclass(frozen=True)
class EntryData:
    kind: str
    object_id: int
    body_id: int | None
    title: str
    text: str
    context: str
    url: str
    date: datetime.datetime | None
    published_at: datetime.datetime | None
    paper_type: str = ""
    file_type: str = ""
    organization_ids: tuple[int, ...] = ()

    @property
    def year(self) -> int | None:
        return timezone.localtime(self.date).year if self.date else None

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.object_id)


def kind_of(obj: models.Model) -> str | None:
    return KINDS.get(type(obj))


def key_of(obj: models.Model) -> tuple[str, int] | None:
    kind = kind_of(obj)
    return (kind, int(obj.pk)) if kind else None


def _at(day: datetime.date | None) -> datetime.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _later(*moments: datetime.datetime | None) -> datetime.datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None


def _day(moment: datetime.datetime | None) -> str:
    return formats.date_format(timezone.localtime(moment), "j. F Y") if moment else ""


def _ids(manager: object) -> tuple[int, ...]:
    # Prefetched managers: iterate (no query) instead of values_list (a query each).
    return tuple(sorted({int(o.pk) for o in manager.all() if not o.deleted}))  # type: ignore[attr-defined]


def _paper_org_ids(paper: Paper) -> tuple[int, ...]:
    ids: set[int] = set()
    for consultation in paper.consultations.all():
        if not consultation.deleted:
            ids.update(_ids(consultation.organizations))
    ids.update(_ids(paper.originator_organizations))
    ids.update(_ids(paper.under_direction_of))
    return tuple(sorted(ids))


def _paper(paper: Paper) -> EntryData:
    parts = [paper.reference, paper.get_paper_type_display()]
    return EntryData(
        kind=Kind.PAPER,
        object_id=paper.pk,
        body_id=paper.body_id,
        title=f"{paper.reference} {paper.name}".strip(),
        text=" ".join(p for p in parts if p),
        context=paper.get_paper_type_display(),
        url=reverse("paper-detail", args=[paper.pk]),
        date=_at(paper.date) or paper.published_at,
        published_at=paper.published_at,
        paper_type=paper.paper_type,
        organization_ids=_paper_org_ids(paper),
    )


def _file(file: File) -> EntryData:
    pages = sorted(file.pages.all(), key=lambda p: p.number)
    if pages:
        text = PAGE_SEPARATOR.join(p.text.replace(PAGE_SEPARATOR, " ") for p in pages)
        text = f"{file.file_name}{PAGE_SEPARATOR}{text}"
    elif file.text:
        # Text without pages: no separator, so no page is claimed for a snippet.
        text = f"{file.file_name}\n\n{file.text.replace(PAGE_SEPARATOR, ' ')}"
    else:
        text = file.file_name
    if file.paper_id is not None:
        paper = file.paper
        assert paper is not None
        owner_context = f"Anlage zu Vorlage {paper.reference}: {paper.name}"
        body_id, published = paper.body_id, paper.published_at
        org_ids = _paper_org_ids(paper)
        date = _at(file.date) or _at(paper.date) or published
    elif file.meeting_id is not None:
        meeting = file.meeting
        assert meeting is not None
        owner_context = f"Datei zur Sitzung {meeting.name} am {_day(meeting.start)}"
        body_id, published = meeting.body_id, meeting.published_at
        org_ids = _ids(meeting.organizations)
        date = _at(file.date) or meeting.start
    else:
        item = file.agenda_item
        assert item is not None
        meeting = item.meeting
        owner_context = f"Datei zu TOP {item.number} {item.name}, Sitzung am {_day(meeting.start)}"
        body_id, published = meeting.body_id, meeting.published_at
        org_ids = _ids(meeting.organizations)
        date = _at(file.date) or meeting.start
    return EntryData(
        kind=Kind.FILE,
        object_id=file.pk,
        body_id=body_id,
        title=file.name or file.file_name,
        text=text,
        context=owner_context,
        url=reverse("file-download", args=[file.pk, download_name(file)]),
        date=date,
        published_at=published,
        file_type=FILE_TYPES.get(file.mime_type, file.mime_type.rpartition("/")[2].upper()),
        organization_ids=org_ids,
    )


def _meeting(meeting: Meeting) -> EntryData:
    location = meeting.location
    where = " ".join(
        p
        for p in (
            location.description if location else "",
            location.room if location else "",
            location.street_address if location else "",
            location.locality if location else "",
        )
        if p
    )
    return EntryData(
        kind=Kind.MEETING,
        object_id=meeting.pk,
        body_id=meeting.body_id,
        title=meeting.name,
        text=where,
        context=f"Sitzung am {_day(meeting.start)}" if meeting.start else "Sitzung",
        url=reverse("meeting-detail", args=[meeting.pk]),
        date=meeting.start,
        published_at=meeting.published_at,
        organization_ids=_ids(meeting.organizations),
    )


def _agenda_item(item: AgendaItem) -> EntryData:
    meeting = item.meeting
    return EntryData(
        kind=Kind.AGENDA_ITEM,
        object_id=item.pk,
        body_id=meeting.body_id,
        title=f"TOP {item.number} {item.name}".strip() if item.number else item.name,
        text=" ".join(p for p in (item.result, item.resolution_text) if p),
        context=f"{meeting.name} am {_day(meeting.start)}",
        url=reverse("meeting-detail", args=[meeting.pk]) + f"#top-{item.pk}",
        date=meeting.start,
        published_at=meeting.published_at,
        organization_ids=_ids(meeting.organizations),
    )


def _minutes(minutes: Minutes) -> EntryData:
    meeting = minutes.meeting
    return EntryData(
        kind=Kind.MINUTES,
        object_id=minutes.pk,
        body_id=meeting.body_id,
        title=f"Niederschrift: {meeting.name}",
        text=" ".join(p for p in (minutes.introduction, minutes.closing, minutes.recorder) if p),
        context=f"Sitzung am {_day(meeting.start)}",
        url=reverse("minutes-detail", args=[meeting.pk]),
        date=meeting.start,
        published_at=_later(minutes.published_at, meeting.published_at),
        organization_ids=_ids(meeting.organizations),
    )


def _organization(org: Organization) -> EntryData:
    return EntryData(
        kind=Kind.ORGANIZATION,
        object_id=org.pk,
        body_id=org.body_id,
        title=org.name,
        text=" ".join(p for p in (org.short_name, org.organization_type, org.classification) if p),
        context=org.get_organization_type_display(),
        url=reverse("organization-detail", args=[org.pk]),
        date=_at(org.start_date),
        published_at=org.created,
        organization_ids=(org.pk,),
    )


def _person(person: Person) -> EntryData:
    memberships = [m for m in person.memberships.all() if not m.deleted]
    return EntryData(
        kind=Kind.PERSON,
        object_id=person.pk,
        body_id=person.body_id,
        title=person.name,
        # Contact data stays out: it is public only with consent (Person.contact_public).
        text=" ".join(
            p
            for p in (*map(str, person.title), person.affix, *map(str, person.status), person.life)
            if p
        ),
        context="Person",
        url=reverse("person-detail", args=[person.pk]),
        date=None,
        published_at=person.created,
        organization_ids=tuple(sorted({m.organization_id for m in memberships})),
    )


def _queryset(kind: str) -> models.QuerySet[models.Model]:
    """Every live object of a kind, with what its entry needs fetched in a constant number of
    queries per batch."""
    model = MODELS[kind]
    qs: models.QuerySet[models.Model] = model._default_manager.all()
    if kind == Kind.PAPER:
        qs = qs.prefetch_related(
            "consultations__organizations", "originator_organizations", "under_direction_of"
        )
    elif kind == Kind.FILE:
        qs = qs.select_related("paper", "meeting", "agenda_item__meeting").prefetch_related(
            "pages",
            "paper__consultations__organizations",
            "paper__originator_organizations",
            "paper__under_direction_of",
            "meeting__organizations",
            "agenda_item__meeting__organizations",
        )
    elif kind == Kind.MEETING:
        qs = qs.select_related("location").prefetch_related("organizations")
    elif kind in (Kind.AGENDA_ITEM, Kind.MINUTES):
        qs = qs.select_related("meeting").prefetch_related("meeting__organizations")
    elif kind == Kind.PERSON:
        qs = qs.prefetch_related("memberships")
    return qs.order_by("pk")


_BUILDERS: dict[str, Any] = {
    Kind.PAPER: _paper,
    Kind.FILE: _file,
    Kind.MEETING: _meeting,
    Kind.AGENDA_ITEM: _agenda_item,
    Kind.MINUTES: _minutes,
    Kind.ORGANIZATION: _organization,
    Kind.PERSON: _person,
}


def build(obj: models.Model) -> EntryData:
    kind = kind_of(obj)
    if kind is None:
        raise TypeError(f"{type(obj).__name__} is not indexed")
    builder: Any = _BUILDERS[kind]
    result: EntryData = builder(obj)
    return result


def entries_for(objs: Iterable[models.Model]) -> tuple[list[EntryData], list[tuple[str, int]]]:
    """Entries of the objects that are live, and the keys of those that are gone (deleted,
    soft-deleted or hanging on something deleted), refetched with their relations."""
    by_kind: dict[str, set[int]] = {}
    for obj in objs:
        key = key_of(obj)
        if key:
            by_kind.setdefault(key[0], set()).add(key[1])
    entries: list[EntryData] = []
    gone: list[tuple[str, int]] = []
    for kind, ids in by_kind.items():
        found = {o.pk: o for o in _queryset(kind).filter(pk__in=ids)}
        for pk in sorted(ids):
            found_obj = found.get(pk)
            if found_obj is None or _hangs_on_deleted(found_obj):
                gone.append((kind, pk))
            else:
                entries.append(build(found_obj))
    return entries, gone


def _hangs_on_deleted(obj: models.Model) -> bool:
    if isinstance(obj, File):
        owner = obj.paper or obj.meeting or obj.agenda_item
        if isinstance(owner, AgendaItem) and owner.meeting.deleted:
            return True
        return owner is None or bool(owner.deleted)
    if isinstance(obj, AgendaItem | Minutes):
        return bool(obj.meeting.deleted)
    return False


def count_all() -> int:
    return sum(_queryset(kind).count() for kind in MODELS)


def iter_all(batch_size: int = 500) -> Iterator[EntryData]:
    """Every entry of the database, in batches so memory stays flat on a large town."""
    for kind in MODELS:
        qs = _queryset(kind)
        last = 0
        while True:
            batch = list(qs.filter(pk__gt=last)[:batch_size])
            if not batch:
                break
            last = batch[-1].pk
            for obj in batch:
                if not _hangs_on_deleted(obj):
                    yield build(obj)


def dependents(obj: models.Model) -> list[models.Model]:
    """Objects whose entries copy something of `obj` (its name into their context, its
    organizations into their facets) and must be indexed again when it changes."""
    if isinstance(obj, Paper):
        return list(File.objects.filter(paper=obj))
    if isinstance(obj, Meeting):
        out: list[models.Model] = []
        out += AgendaItem.objects.filter(meeting=obj)
        out += Minutes.objects.filter(meeting=obj)
        out += File.objects.filter(meeting=obj)
        out += File.objects.filter(agenda_item__meeting=obj)
        return out
    if isinstance(obj, AgendaItem):
        return list(File.objects.filter(agenda_item=obj))
    return []
