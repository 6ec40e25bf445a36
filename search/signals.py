"""Receivers that feed `search.indexing`: saves, deletions and relation changes of every
indexed object and of what its entry copies (consultations, memberships, pages)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

from documents.models import Consultation, File, FilePage, Paper
from ratsinfo.models import Membership, Organization, Person
from search import indexing
from sessions.models import AgendaItem, Meeting, Minutes

INDEXED = (Paper, File, Meeting, AgendaItem, Minutes, Organization, Person)
UID = "search.%s.%s"


def _changed(sender: Any, instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loaddata
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


def _m2m(sender: Any, instance: models.Model, action: str, **kwargs: Any) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, Consultation):
        indexing.queue([Paper(pk=instance.paper_id)])
    elif isinstance(instance, INDEXED):
        indexing.queue([instance])


def connect() -> None:
    for model in INDEXED:
        post_save.connect(_changed, sender=model, dispatch_uid=UID % ("save", model.__name__))
        post_delete.connect(_changed, sender=model, dispatch_uid=UID % ("del", model.__name__))
    post_save.connect(_consultation, sender=Consultation, dispatch_uid=UID % ("save", "Cons"))
    post_delete.connect(_consultation, sender=Consultation, dispatch_uid=UID % ("del", "Cons"))
    post_save.connect(_membership, sender=Membership, dispatch_uid=UID % ("save", "Memb"))
    post_delete.connect(_membership, sender=Membership, dispatch_uid=UID % ("del", "Memb"))
    post_save.connect(_page, sender=FilePage, dispatch_uid=UID % ("save", "FilePage"))
    for through in (
        Paper.originator_organizations.through,
        Paper.under_direction_of.through,
        Consultation.organizations.through,
        Meeting.organizations.through,
    ):
        m2m_changed.connect(_m2m, sender=through, dispatch_uid=UID % ("m2m", through.__name__))
