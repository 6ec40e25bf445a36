"""What the two database backends share: entries stored as `search.Entry` rows, the
visibility rule applied to the indexed objects inside the query, facet filters and counts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.db.models import Count, Q
from django.utils import timezone

from ratsinfo.models import Organization
from ratsinfo.visibility import principal_for, visible
from search import entries as entry_builders
from search.backends.base import FACETS, FacetValue, Filters, Progress, SearchRequest
from search.entries import MODELS, EntryData
from search.models import Entry, Kind


def visible_object_ids(user: Any) -> dict[str, models.QuerySet[Any]] | None:
    """Per kind, the ids of the objects `user` may see, by `ratsinfo.visibility` itself; None
    for administrators, who see everything."""
    if principal_for(user).is_admin:
        return None
    return {
        kind: visible(user, model._default_manager.all()).order_by().values("pk")
        for kind, model in MODELS.items()
    }


def visible_entries_q(user: Any) -> Q:
    """Entries whose object `user` may see, by `ratsinfo.visibility` itself: one semi-join per
    kind on the object's visible ids."""
    by_kind = visible_object_ids(user)
    if by_kind is None:
        return Q()
    q = Q(pk__in=[])
    for kind, ids in by_kind.items():
        q |= Q(kind=kind, object_id__in=ids)
    return q


def filtered(qs: models.QuerySet[Entry], request: SearchRequest, *, skip: str = "") -> Any:
    """Apply the facet filters (all but `skip`) and the publication window."""
    filters = request.filters
    if filters.kind and skip != "kind":
        qs = qs.filter(kind__in=filters.kind)
    if filters.organization and skip != "organization":
        ids = [int(v) for v in filters.organization if v.isdigit()]
        qs = qs.filter(
            pk__in=Entry.organizations.through.objects.filter(organization_id__in=ids).values(
                "entry_id"
            )
        )
    if filters.paper_type and skip != "paper_type":
        qs = qs.filter(paper_type__in=filters.paper_type)
    if filters.year and skip != "year":
        qs = qs.filter(year__in=[int(v) for v in filters.year if v.isdigit()])
    if filters.file_type and skip != "file_type":
        qs = qs.filter(file_type__in=filters.file_type)
    if request.published_after is not None:
        qs = qs.filter(published_at__gt=request.published_after)
    return qs


def facet_counts(qs: models.QuerySet[Entry], *, user: Any) -> dict[str, list[FacetValue]]:
    """Counts per facet value over `qs` (already matched, visible and filtered)."""
    facets: dict[str, list[FacetValue]] = {}
    kinds = dict(Kind.choices)
    rows = qs.order_by().values_list("kind").annotate(n=Count("pk"))
    facets["kind"] = _sorted([FacetValue(k, str(kinds.get(k, k)), n) for k, n in rows])
    org_rows = (
        Entry.organizations.through.objects.filter(entry_id__in=qs.order_by().values("pk"))
        .values_list("organization_id")
        .annotate(n=Count("entry_id"))
    )
    counts = dict(org_rows)
    names = dict(
        visible(user, Organization.objects.filter(pk__in=counts)).values_list("pk", "name")
    )
    facets["organization"] = _sorted(
        [FacetValue(str(pk), names[pk], n) for pk, n in counts.items() if pk in names]
    )
    from documents.models import Paper

    types = dict(Paper.Type.choices)
    rows = qs.exclude(paper_type="").order_by().values_list("paper_type").annotate(n=Count("pk"))
    facets["paper_type"] = _sorted([FacetValue(t, str(types.get(t, t)), n) for t, n in rows])
    rows = qs.exclude(year=None).order_by().values_list("year").annotate(n=Count("pk"))
    facets["year"] = sorted(
        (FacetValue(str(y), str(y), n) for y, n in rows), key=lambda f: f.value, reverse=True
    )
    rows = qs.exclude(file_type="").order_by().values_list("file_type").annotate(n=Count("pk"))
    facets["file_type"] = _sorted([FacetValue(t, t, n) for t, n in rows])
    return {name: facets[name] for name in FACETS}


def _sorted(values: list[FacetValue]) -> list[FacetValue]:
    return sorted(values, key=lambda f: (-f.count, f.label.lower()))


def store(entries: Iterable[EntryData], gone: Iterable[tuple[str, int]]) -> list[Entry]:
    """Upsert entries as rows and delete the gone ones; returns the stored rows (their ids let a
    backend update its full-text structures)."""
    stored: list[Entry] = []
    with transaction.atomic():
        for kind, object_id in gone:
            Entry.objects.filter(kind=kind, object_id=object_id).delete()
        for data in entries:
            row, _created = Entry.objects.update_or_create(
                kind=data.kind,
                object_id=data.object_id,
                defaults={
                    "body_id": data.body_id,
                    "title": data.title[:1000],
                    "text": data.text,
                    "context": data.context[:1000],
                    "url": data.url[:500],
                    "date": data.date,
                    "year": data.year,
                    "published_at": data.published_at,
                    "paper_type": data.paper_type,
                    "file_type": data.file_type[:20],
                },
            )
            row.organizations.set(data.organization_ids)
            stored.append(row)
    return stored


# What a rebuild's INSERT overwrites when the row exists after all: an object saved while the
# rebuild runs is indexed by its own on_commit hook into the emptied table.
_BULK_FIELDS = [
    "body",
    "title",
    "text",
    "context",
    "url",
    "date",
    "year",
    "published_at",
    "paper_type",
    "file_type",
    "indexed_at",
]


def bulk_store(batch: list[EntryData]) -> list[Entry]:
    """Insert a batch of entries into an emptied table (rebuild): two INSERTs per batch. Rows
    indexed meanwhile by a concurrent save are overwritten, not a reason to fail."""
    rows = Entry.objects.bulk_create(
        [
            Entry(
                kind=d.kind,
                object_id=d.object_id,
                body_id=d.body_id,
                title=d.title[:1000],
                text=d.text,
                context=d.context[:1000],
                url=d.url[:500],
                date=d.date,
                year=d.year,
                published_at=d.published_at,
                paper_type=d.paper_type,
                file_type=d.file_type[:20],
                indexed_at=timezone.now(),
            )
            for d in batch
        ],
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=_BULK_FIELDS,
    )
    through = Entry.organizations.through
    through.objects.bulk_create(
        [
            through(entry_id=row.pk, organization_id=org_id)
            for row, d in zip(rows, batch, strict=True)
            for org_id in d.organization_ids
        ],
        ignore_conflicts=True,
    )
    return rows


def rebuild_rows(*, progress: Progress | None, on_batch: Any = None, batch_size: int = 500) -> int:
    """Empty the entry table and fill it again from every live object, in batches."""
    total = entry_builders.count_all()
    done = 0
    Entry.objects.all().delete()
    batch: list[EntryData] = []

    def flush() -> None:
        nonlocal done
        with transaction.atomic():
            rows = bulk_store(batch)
            if on_batch is not None:
                on_batch(rows)
        done += len(batch)
        batch.clear()
        if progress is not None:
            progress(done, total)

    for data in entry_builders.iter_all(batch_size=batch_size):
        batch.append(data)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    if progress is not None:
        # The count beforehand includes objects that hang on deleted ones and were skipped: the
        # last report says that everything there was to index is done.
        progress(done, done)
    return done


__all__ = [
    "Filters",
    "bulk_store",
    "facet_counts",
    "filtered",
    "rebuild_rows",
    "store",
    "visible_entries_q",
    "visible_object_ids",
]
