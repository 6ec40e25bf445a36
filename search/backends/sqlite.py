"""The embedded default backend: SQLite's FTS5 over the entry rows (DESIGN.md §6).

FTS5 has no German stemmer, so the table `search_entry_fts` (migration 0002) holds every
entry's title and text as stemmed token streams (`search.stemming.tokens`) under the rowid
`search_entry.id`, and a query is stemmed the same way before it becomes an FTS5 match
expression. Stop words stay in the streams, so a phrase matches exactly as written; a query
word that is a stop word is dropped, as PostgreSQL's `german` configuration drops it.

Visibility, facet filters and facet counts are the shared database-backend code
(`search.backends.database`), applied in the same SQL statements as the full-text match, so
totals, facets and snippets never count what the user may not see.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F
from django.db.models.expressions import RawSQL

from search import entries, snippets, stemming
from search.backends import database
from search.backends.base import Hit, Progress, Results, SearchRequest
from search.models import Entry, Kind
from search.query import Clause, ParsedQuery, Term

FTS_TABLE = "search_entry_fts"
ENTRY_TABLE = Entry._meta.db_table
# A set of ids as one parameter (a JSON array), however long: SQLite caps bound parameters.
ID_SET_SQL = "SELECT value FROM json_each(%s)"
# bm25 column weights (title, text): a word in the title counts as much as ten in the text.
TITLE_WEIGHT = 10.0
TEXT_WEIGHT = 1.0
# Rows per statement when deleting index rows by id.
_CHUNK = 500


class SqliteBackend:
    name = "sqlite"

    def index(self, objs: Iterable[models.Model]) -> None:
        """Add or replace the entries of these objects (deleted ones are removed)."""
        data, gone = entries.entries_for(objs)
        with transaction.atomic():
            gone_ids = _entry_ids(gone)
            rows = database.store(data, gone)
            _fts_delete([*gone_ids, *(row.pk for row in rows)])
            _fts_insert(rows)

    def remove(self, objs: Iterable[models.Model]) -> None:
        """Remove the entries of these objects."""
        keys = [key for key in map(entries.key_of, objs) if key is not None]
        with transaction.atomic():
            ids = _entry_ids(keys)
            Entry.objects.filter(pk__in=ids).delete()
            _fts_delete(ids)

    def rebuild(self, *, progress: Progress | None = None) -> int:
        """Empty the entries and the full-text table and index every object again."""
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608 -- a constant table name
        count = database.rebuild_rows(progress=progress, on_batch=_fts_insert)
        with connection.cursor() as cursor:
            # Merges the b-trees written batch by batch into one: faster queries afterwards.
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")  # noqa: S608 -- a constant table name
        return count

    def search(self, request: SearchRequest, *, user: Any) -> Results:
        """Matches `user` may see, with facets and snippets counted over those alone."""
        parsed = request.query
        expression = match_expression(parsed)
        if expression is None:
            return Results(hits=[], total=0, notices=parsed.notices)
        visible = database.filtered(Entry.objects.filter(database.visible_entries_q(user)), request)
        matched = visible.filter(
            pk__in=RawSQL(  # noqa: S611 -- constant SQL; the expression is a bound parameter
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608 -- a constant table name
                (expression,),
            )
        )
        # Visibility is applied once, in the statement that collects the ids of every visible
        # match: it costs a pass over the visible objects of each kind. Count, facets and the
        # page then only look up those ids (one JSON parameter, however many there are).
        ids = list(matched.values_list("pk", flat=True))
        if not ids:
            return Results(hits=[], total=0, notices=parsed.notices)
        hits_qs = Entry.objects.filter(pk__in=_id_set(ids))
        facets = database.facet_counts(hits_qs, user=user)
        per_page = max(1, request.per_page)
        offset = (max(1, request.page) - 1) * per_page
        hits: list[Hit] = []
        if offset < len(ids):
            if request.sort == "relevance":
                scored = _ranked_page(ids, expression, offset=offset, limit=per_page)
            else:
                scored = _dated_page(hits_qs, request.sort, offset=offset, limit=per_page)
            hits = _hits(scored, parsed)
        return Results(hits=hits, total=len(ids), facets=facets, notices=parsed.notices)


def match_expression(parsed: ParsedQuery) -> str | None:
    """The FTS5 match expression of a parsed query, or None when nothing is left to search for
    (no positive words, or stop words only). Every token is a quoted string, so no input can
    be read as FTS5 syntax."""
    positive = [c for c in map(_clause, parsed.positive) if c is not None]
    if not positive:
        return None
    expression = " AND ".join(positive)
    negative = [c for c in map(_clause, parsed.negative) if c is not None]
    if negative:
        expression = f"({expression}) NOT ({' OR '.join(negative)})"
    return expression


def _clause(clause: Clause) -> str | None:
    terms = [t for t in map(_term, clause.terms) if t is not None]
    return f"({' OR '.join(terms)})" if terms else None


def _term(term: Term) -> str | None:
    words = [w for word in term.words for w in stemming.words(word)]
    if all(stemming.is_stopword(w) for w in words):
        return None
    # Stop words inside a phrase stay: the streams hold them, so the phrase matches as written.
    phrase = " ".join(stemming.stem(w) for w in words)
    return '"' + phrase.replace('"', '""') + '"'


def _entry_ids(keys: Iterable[tuple[str, int]]) -> list[int]:
    by_kind: dict[str, list[int]] = {}
    for kind, object_id in keys:
        by_kind.setdefault(kind, []).append(object_id)
    ids: list[int] = []
    for kind, object_ids in by_kind.items():
        ids += Entry.objects.filter(kind=kind, object_id__in=object_ids).values_list(
            "pk", flat=True
        )
    return ids


def _fts_delete(ids: Sequence[int]) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", chunk)  # noqa: S608 -- placeholders only


def _fts_insert(rows: Iterable[Entry]) -> None:
    """Write the stemmed streams of stored entry rows (their rowids must be free)."""
    values = [
        (row.pk, " ".join(stemming.tokens(row.title)), " ".join(stemming.tokens(row.text)))
        for row in rows
    ]
    if values:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (%s, %s, %s)",  # noqa: S608 -- a constant table name
                values,
            )


def _ranked_page(
    ids: list[int], expression: str, *, offset: int, limit: int
) -> list[tuple[Entry, float]]:
    """One page of these matches by bm25 (best first; newer first among equals), each with its
    score (higher is better)."""
    # bm25() is only available in a statement that queries the FTS table itself, so the
    # page is ranked in SQL here and the rows are fetched by id after.
    sql = (
        f"SELECT {FTS_TABLE}.rowid, bm25({FTS_TABLE}, {TITLE_WEIGHT}, {TEXT_WEIGHT}) AS score "  # noqa: S608 -- constant names only
        f"FROM {FTS_TABLE} JOIN {ENTRY_TABLE} ON {ENTRY_TABLE}.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid IN ({ID_SET_SQL}) "
        f"ORDER BY score, {ENTRY_TABLE}.date DESC NULLS LAST, {ENTRY_TABLE}.id DESC "
        "LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (expression, json.dumps(ids), limit, offset))
        ranked = [(int(pk), float(score)) for pk, score in cursor.fetchall()]
    rows = Entry.objects.in_bulk([pk for pk, _score in ranked])
    # bm25 is lower for better matches; Hit.score is higher for them.
    return [(rows[pk], -score) for pk, score in ranked if pk in rows]


def _id_set(ids: list[int]) -> RawSQL:
    return RawSQL(ID_SET_SQL, (json.dumps(ids),))  # noqa: S611 -- constant SQL, bound parameter


def _dated_page(
    matched: models.QuerySet[Entry], sort: str, *, offset: int, limit: int
) -> list[tuple[Entry, float]]:
    if sort == "date_asc":
        order = (F("date").asc(nulls_last=True), F("pk").asc())
    else:
        order = (F("date").desc(nulls_last=True), F("pk").desc())
    return [(row, 0.0) for row in matched.order_by(*order)[offset : offset + limit]]


def _hits(scored: list[tuple[Entry, float]], parsed: ParsedQuery) -> list[Hit]:
    words = parsed.words()
    hits: list[Hit] = []
    for row, score in scored:
        snippet = snippets.snippet(row.text, words, paged=row.kind == Kind.FILE)
        hits.append(
            Hit(
                kind=row.kind,
                object_id=row.object_id,
                title=row.title,
                url=row.url,
                context=row.context,
                date=row.date,
                snippet=snippet.html,
                page=snippet.page,
                score=score,
            )
        )
    return hits


__all__ = ["FTS_TABLE", "SqliteBackend", "match_expression"]
