"""Receivers that feed `search.indexing`: saves, deletions and relation changes of every
indexed object and of what its entry copies (consultations, memberships, pages, locations).
Many-to-many changes are caught from both sides: `meeting.organizations.add(committee)` and
`committee.meetings.add(meeting)` change the same entries."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

from documents.models import Consultation, File, FilePage, Paper
from ratsinfo.models import Location, Membership, Organization, Person
from search import indexing
from sessions.models import AgendaItem, Meeting, Minutes

INDEXED = (Paper, File, Meeting, AgendaItem, Minutes, Organization, Person)
UID = "search.%s.%s"
# Saves that touch only these fields change nothing an entry holds: a live session moves the
# current agenda item and the extraction worker reports progress many times a minute, and each
# such save would otherwise re-index a meeting with all its agenda items and files.
UNINDEXED_FIELDS: dict[type[models.Model], frozenset[str]] = {
    Meeting: frozenset({"modified", "state", "current_agenda_item"}),
    AgendaItem: frozenset({"modified", "start", "end"}),
    File: frozenset({"modified", "pages_done", "extraction_state"}),
}


def _changed(
    sender: Any,
    instance: models.Model,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    if raw:  # loaddata
        return
    if update_fields and set(update_fields) <= UNINDEXED_FIELDS.get(type(instance), frozenset()):
        return
    indexing.queue([instance])


def _consultation(sender: Any, instance: Consultation, raw: bool = False, **kw: Any) -> None:
    if not raw:
        indexing.queue([Paper(pk=instance.paper_id)])


def _membership(sender: Any, instance: Membership, raw: bool = False, **kw: Any) -> None:
    if not raw:
        indexing.queue([Person(pk=instance.person_id)])


def _page(sender: Any, instance: FilePage, raw: bool = False, **kw: Any) -> None:
    if not raw:
        indexing.queue([File(pk=instance.file_id)])


def _location(sender: Any, instance: Location, raw: bool = False, **kw: Any) -> None:
    # A meeting's entry holds its location's address.
    if not raw:
        indexing.queue(Meeting.all_objects.filter(location_id=instance.pk))


def _m2m(
    sender: Any,
    instance: models.Model,
    action: str,
    reverse: bool,
    model: type[models.Model],
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    if reverse:
        # Changed from the organization's side (`committee.meetings.add(meeting)`): the objects
        # whose entries change are those named in pk_set, or on clear, those linked before it.
        if action == "pre_clear":
            instance._search_cleared = list(_linked(sender, instance, model))  # type: ignore[attr-defined]
            return
        if action == "post_clear":
            changed: list[models.Model] = getattr(instance, "_search_cleared", [])
        elif action.startswith("post_") and pk_set:
            changed = [model(pk=pk) for pk in pk_set]
        else:
            return
        for obj in changed:
            _m2m_owner_changed(obj)
        return
    if action.startswith("post_"):
        _m2m_owner_changed(instance)


def _m2m_owner_changed(obj: models.Model) -> None:
    if isinstance(obj, Consultation):
        paper_id = obj.paper_id if obj.paper_id else _paper_id_of(obj.pk)
        if paper_id is not None:
            indexing.queue([Paper(pk=paper_id)])
    elif isinstance(obj, INDEXED):
        indexing.queue([obj])


def _paper_id_of(consultation_id: Any) -> int | None:
    paper_id: int | None = (
        Consultation.all_objects.filter(pk=consultation_id)
        .values_list("paper_id", flat=True)
        .first()
    )
    return paper_id


def _linked(through: Any, instance: models.Model, model: type[models.Model]) -> list[models.Model]:
    """The `model` objects linked to `instance` through the many-to-many table `through`."""
    source = target = None
    for field in through._meta.concrete_fields:
        related = getattr(field, "related_model", None)
        if related is type(instance):
            source = field.attname
        elif related is model:
            target = field.attname
    if source is None or target is None:
        return []
    ids = through.objects.filter(**{source: instance.pk}).values_list(target, flat=True)
    return [model(pk=pk) for pk in ids]


def connect() -> None:
    for model in INDEXED:
        post_save.connect(_changed, sender=model, dispatch_uid=UID % ("save", model.__name__))
        post_delete.connect(_changed, sender=model, dispatch_uid=UID % ("del", model.__name__))
    post_save.connect(_consultation, sender=Consultation, dispatch_uid=UID % ("save", "Cons"))
    post_delete.connect(_consultation, sender=Consultation, dispatch_uid=UID % ("del", "Cons"))
    post_save.connect(_membership, sender=Membership, dispatch_uid=UID % ("save", "Memb"))
    post_delete.connect(_membership, sender=Membership, dispatch_uid=UID % ("del", "Memb"))
    post_save.connect(_page, sender=FilePage, dispatch_uid=UID % ("save", "FilePage"))
    post_save.connect(_location, sender=Location, dispatch_uid=UID % ("save", "Location"))
    for through in (
        Paper.originator_organizations.through,
        Paper.under_direction_of.through,
        Consultation.organizations.through,
        Meeting.organizations.through,
    ):
        m2m_changed.connect(_m2m, sender=through, dispatch_uid=UID % ("m2m", through.__name__))
