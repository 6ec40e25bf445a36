"""Reads of files (documents of papers, meetings and agenda items), filtered by the visibility
rule."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from documents.models import File, FileVersion
from ratsinfo.visibility import editable, visible


def file_get_for_user(*, user: Any, file_id: int) -> File:
    """The file if the user may see it. Raises Http404 otherwise, never PermissionDenied: a
    non-public file must not reveal that it exists."""
    file = visible(user, File.objects.filter(pk=file_id)).first()
    if file is None:
        raise Http404("file not visible")
    return file


def file_list_for_owners(
    *,
    user: Any,
    paper_ids: list[int] | None = None,
    meeting_ids: list[int] | None = None,
    agenda_item_ids: list[int] | None = None,
) -> QuerySet[File]:
    """The visible files of the given papers, meetings and agenda items, in display order (one
    query, whatever the number of owners)."""
    owners = Q(pk__in=[])
    if paper_ids:
        owners |= Q(paper_id__in=paper_ids)
    if meeting_ids:
        owners |= Q(meeting_id__in=meeting_ids)
    if agenda_item_ids:
        owners |= Q(agenda_item_id__in=agenda_item_ids)
    return visible(user, File.objects.filter(owners)).order_by("order", "pk")


def file_version_get_for_editor(*, user: Any, file_id: int, number: int) -> FileVersion:
    """An earlier upload of a file, for those who may edit the file (its body's clerks).
    Raises Http404 for everyone else, so that versions stay out of public reach."""
    files = editable(user, File.all_objects.filter(pk=file_id))
    version = FileVersion.objects.filter(file__in=files, number=number).first()
    if version is None:
        raise Http404("file version not available")
    return version
