"""The index: a German analyzer, the mapping of an entry document (with its audience and,
for files, its pages as nested documents), and the bulk actions that write entries."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from elasticsearch.dsl import (
    Boolean,
    Date,
    Document,
    Index,
    InnerDoc,
    Integer,
    Keyword,
    Long,
    M,
    MetaField,
    Nested,
    Object,
    Text,
    analyzer,
    mapped_field,
    token_filter,
)

from ratsinfo.visibility import NOBODY, Audience
from search import stemming
from search.entries import PAGE_SEPARATOR, EntryData
from search.models import Kind

# Like Elasticsearch's built-in `german` analyzer (stop words before the umlauts are folded,
# then the light stemmer), declared here so that the mapping states exactly what is indexed.
# The stop words are the list every backend ignores (`search.stemming`, Snowball's, which is
# also Elasticsearch's `_german_`), so the query can drop them before it is sent.
GERMAN_STOP = token_filter("ratsinfo_german_stop", "stop", stopwords=sorted(stemming.STOPWORDS))
GERMAN_STEMMER = token_filter("ratsinfo_german_stemmer", "stemmer", language="light_german")
GERMAN = analyzer(
    "ratsinfo_german",
    tokenizer="standard",
    filter=["lowercase", GERMAN_STOP, "german_normalization", GERMAN_STEMMER],
)


def _text() -> Text:
    # Offsets in the postings let the highlighter work on long texts without analysing them
    # again (and without the 1,000,000-character limit that re-analysis has).
    return Text(analyzer=GERMAN, index_options="offsets")


def _stored() -> Keyword:
    # Shown with a hit, never searched, sorted or counted: kept in _source only.
    return Keyword(index=False, doc_values=False)


class PageDocument(InnerDoc):
    """One page of a file; its position in `pages` is its page number minus one."""

    text: M[str] = mapped_field(_text())


class AudienceDocument(InnerDoc):
    """`ratsinfo.visibility.Audience`, as the search filter compares it with the user."""

    public: M[bool] = mapped_field(Boolean())
    organization_ids: M[list[int]] = mapped_field(Integer(multi=True))
    body_ids: M[list[int]] = mapped_field(Integer(multi=True))


class EntryDocument(Document):
    """One searchable object (`search.entries.EntryData`) with its audience."""

    kind: M[str] = mapped_field(Keyword())
    object_id: M[int] = mapped_field(Long())
    body_id: M[int | None] = mapped_field(Integer())
    title: M[str] = mapped_field(_text())
    # For files only the file name (or name and text of a file without pages); the pages
    # are in `pages`.
    text: M[str] = mapped_field(_text())
    pages: M[list[PageDocument]] = mapped_field(Nested(PageDocument))
    context: M[str] = mapped_field(_stored())
    url: M[str] = mapped_field(_stored())
    date: M[datetime.datetime | None] = mapped_field(Date())
    year: M[int | None] = mapped_field(Integer())
    published_at: M[datetime.datetime | None] = mapped_field(Date())
    paper_type: M[str] = mapped_field(Keyword())
    file_type: M[str] = mapped_field(Keyword())
    organization_ids: M[list[int]] = mapped_field(Integer(multi=True))
    audience: M[AudienceDocument] = mapped_field(Object(AudienceDocument))

    class Meta:
        # A field the mapping does not know is a bug in this module: refuse it.
        dynamic = MetaField("strict")


def index_definition(name: str) -> Index:
    """Settings, analysis and mapping of a fresh index called `name`."""
    index = Index(name)
    index.settings(
        number_of_shards=1,
        # One replica as soon as a second node is there, none on a single node (which would
        # otherwise stay yellow).
        auto_expand_replicas="0-1",
        # Every page of a file is a nested document; allow a file of the longest extraction.
        **{"mapping.nested_objects.limit": max(10_000, settings.EXTRACTION_MAX_PAGES)},
    )
    index.document(EntryDocument)
    return index


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def document_source(data: EntryData, audience: Audience) -> dict[str, Any]:
    """The `_source` of an entry's document."""
    text, pages = data.text, []
    if data.kind == Kind.FILE:
        # The file name, then one segment per page (search.entries joins them so).
        text, *pages = data.text.split(PAGE_SEPARATOR)
    return {
        "kind": data.kind,
        "object_id": data.object_id,
        "body_id": data.body_id,
        "title": data.title,
        "text": text,
        "pages": [{"text": page} for page in pages],
        "context": data.context,
        "url": data.url,
        "date": _iso(data.date),
        "year": data.year,
        "published_at": _iso(data.published_at),
        "paper_type": data.paper_type,
        "file_type": data.file_type,
        "organization_ids": list(data.organization_ids),
        "audience": {
            "public": audience.public,
            "organization_ids": sorted(audience.organization_ids),
            "body_ids": sorted(audience.body_ids),
        },
    }


def document_id(kind: str, object_id: int) -> str:
    return f"{kind}-{object_id}"


def index_actions(
    found: Iterable[EntryData],
    gone: Iterable[tuple[str, int]],
    *,
    index: str,
    audience_of: Mapping[tuple[str, int], Audience],
    op: str = "index",
) -> list[dict[str, Any]]:
    """Bulk actions that write `found` and delete `gone` in `index`."""
    actions: list[dict[str, Any]] = [
        {"_op_type": "delete", "_index": index, "_id": document_id(kind, object_id)}
        for kind, object_id in gone
    ]
    for data in found:
        seen_by = audience_of.get(data.key, NOBODY)
        actions.append(
            {
                "_op_type": op,
                "_index": index,
                "_id": document_id(data.kind, data.object_id),
                "_source": document_source(data, seen_by),
            }
        )
    return actions
