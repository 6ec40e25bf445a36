"""PostgreSQL full-text search over `search.Entry` rows (DESIGN.md §6).

The index is the weighted `search_vector` column of migration 0003 (title A, text B, the
`german` configuration) with its GIN index; matches are ranked by the short `rank_vector` of
migration 0004. A search is three short statements:

1. the parsed query becomes one tsquery (`websearch_to_tsquery` per clause, see `tsquery`);
2. one statement finds every match once through the GIN index (ranked with ts_rank_cd when
   sorted by relevance), keeps those the user may see, and returns the page of hits, the total
   and every facet count from that one visible set (with the names of the organizations);
3. `ts_headline` runs on the page of hits alone, each on a window of its text around the
   first match, so a 500-page attachment costs no more than a short one.

Visibility is `ratsinfo.visibility` itself (`database.visible_object_ids`, compiled once a
second per principal), joined per kind in statement 2: totals, facets and snippets never count
or show what the user may not see.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, FloatField, Value
from django.db.models.expressions import RawSQL

from documents.models import Paper
from ratsinfo.models import Organization
from ratsinfo.visibility import Principal, principal_for
from search import entries as entry_builders
from search.backends import database
from search.backends.base import FACETS, FacetValue, Hit, Progress, Results, SearchRequest
from search.models import Entry, Kind
from search.query import Clause, ParsedQuery

CONFIG = "german"
# Matches are ranked on the title and the opening of the text (migration 0004: `rank_vector`,
# kept in the row), not on the whole text, whose vector would have to be read back from
# out-of-line storage for every match. Weights of D, C, B (text) and A (title): a title match
# counts two and a half times one in the text. Normalization 1 divides by 1 + log(length), so
# that an opening that repeats a word does not bury the paper that carries it in its title.
RANK = "ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', search_entry.rank_vector, %s::tsquery, 1)"
RANK_TEXT_CHARS = 1500  # migration 0004
MATCH = "search_entry.search_vector @@ %s::tsquery"
GIN_INDEX = "search_entry_search_vector"  # migration 0003
MAX_PER_PAGE = 100
# Beyond this the page is empty anyway; the bound keeps OFFSET within bigint.
MAX_PAGE = 1_000_000
# Private-use code points mark the matches in ts_headline's output: they are replaced in the
# text first, so they cannot come from the document, and html.escape leaves them alone.
START, STOP = "\ue000", "\ue001"
HEADLINE_OPTIONS = (
    f"StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=15, ShortWord=3, "
    "MaxFragments=1, HighlightAll=false"
)
# ts_headline reads this many characters, starting a little before the first match.
WINDOW_CHARS = 800
WINDOW_LEAD = 150
# Characters the index reads as spaces (migrations 0003, 0004: PostgreSQL's parser would glue
# "2019/0012" into one token and take "<script>" for a tag). For ts_headline they become
# look-alikes that the parser also reads as spaces, so it finds the same words; the snippet
# shows the originals again.
GLUE = "/.-~+@:<"
LOOK_ALIKES = "\u2215\u2024\u2010\u223c\uff0b\uff20\u2236\uff1c"
_ORIGINALS = str.maketrans(LOOK_ALIKES, GLUE)
# Lexemes in tsquery text: 'word', with '' for a quote inside.
_LEXEME = re.compile(r"'((?:[^']|'')+)'")
ORDER = {
    "relevance": "rank DESC, date DESC NULLS LAST, id",
    "date_desc": "date DESC NULLS LAST, id",
    "date_asc": "date ASC NULLS LAST, id",
}


@dataclass(frozen=True)
class TsQuery:
    text: str
    # Lexemes of the positive clauses: where the snippet window starts.
    lexemes: tuple[str, ...]


class PostgresBackend:
    name = "postgres"

    def index(self, objs: Iterable[Any]) -> None:
        found, gone = entry_builders.entries_for(objs)
        # The generated column follows every INSERT and UPDATE: storing the row is indexing it.
        database.store(found, gone)

    def remove(self, objs: Iterable[Any]) -> None:
        keys = [key for key in map(entry_builders.key_of, objs) if key]
        database.store([], keys)

    def rebuild(self, *, progress: Progress | None = None) -> int:
        count = database.rebuild_rows(progress=progress)
        with connection.cursor() as cursor:
            # Every row is new: new rows wait in the GIN index's pending list, which every
            # search would read until a vacuum merges it, and the planner's estimates of
            # matches (its choice between the index and a scan) come from fresh statistics.
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [GIN_INDEX])
            cursor.execute(f"ANALYZE {Entry._meta.db_table}")
        return count

    def search(self, request: SearchRequest, *, user: Any) -> Results:
        notices = request.query.notices
        query = tsquery(request.query)
        if query is None:
            return _empty(notices)
        per_page = max(1, min(request.per_page, MAX_PER_PAGE))
        page = max(1, min(request.page, MAX_PAGE))
        rows = _matches(request, user=user, query=query, per_page=per_page, page=page)
        total = 0
        ranked: list[tuple[int, float]] = []
        counts: dict[str, list[tuple[str, int, str]]] = {name: [] for name in FACETS}
        for part, key, number, score, label in rows:
            if part == "total":
                total = number
            elif part == "hit":
                ranked.append((number, score))
            else:
                counts[part].append((key, number, label))
        return Results(
            hits=_hits(ranked, query=query),
            total=total,
            facets=_facets(counts),
            notices=notices,
        )


def _empty(notices: tuple[str, ...]) -> Results:
    return Results(hits=[], total=0, facets={name: [] for name in FACETS}, notices=notices)


def tsquery(query: ParsedQuery) -> TsQuery | None:
    """The query as a tsquery, or None when nothing searchable is left (no positive clause, or
    only stop words in them: a negation alone would select nearly everything).

    Each clause is re-rendered and parsed on its own and the results are joined with && and
    !!: websearch_to_tsquery binds AND tighter than OR, so "a b OR c" given whole would mean
    "(a and b) or c", where the query parser means "a and (b or c)"."""
    if query.is_empty:
        return None
    params: dict[str, str] = {}
    positive: list[str] = []
    negative: list[str] = []
    for number, clause in enumerate(query.clauses):
        name = f"c{number}"
        params[name] = ParsedQuery(raw="", clauses=(Clause(clause.terms),)).normalized()
        sql = f"websearch_to_tsquery('{CONFIG}', %({name})s)"
        (negative if clause.negated else positive).append(sql)
    included = " && ".join(positive)
    excluded = "".join(f" && !!{sql}" for sql in negative)
    sql = (
        f"SELECT numnode(pos), pos::text, (pos{excluded})::text "  # noqa: S608 -- placeholders only
        f"FROM (SELECT {included} AS pos) q"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None or not row[0]:
        return None
    lexemes = tuple(dict.fromkeys(m.replace("''", "'") for m in _LEXEME.findall(row[1])))
    return TsQuery(text=str(row[2]), lexemes=lexemes)


def _matches(
    request: SearchRequest, *, user: Any, query: TsQuery, per_page: int, page: int
) -> list[tuple[str, str, int, float, str]]:
    """(part, key, number, score, label) rows: ("hit", "", id, rank, "") for the page of hits
    in order, ("total", "", n, 0, "") and (facet, value, n, 0, label) for every facet value
    (labels only for organizations, whose names are read here, through the visibility rule).

    `m` holds every match, found once through the GIN index and ranked once; `v` keeps those
    the user may see, as one semi-join per kind on the visible ids of that kind, which lets
    the planner look each match up by primary key instead of listing every visible object.
    Everything after counts `v` only."""
    qs = Entry.objects.filter(RawSQL(MATCH, [query.text], output_field=BooleanField()))  # noqa: S611 -- a constant with a parameter
    qs = database.filtered(qs, request)
    if request.sort == "relevance":
        qs = qs.annotate(rank=RawSQL(RANK, [query.text], output_field=FloatField()))  # noqa: S611 -- a constant with a parameter
    else:
        # Sorted by date, the rank is not needed: no row's vector is read.
        qs = qs.annotate(rank=Value(0.0, output_field=FloatField()))
    columns = ("id", "rank", "date", "kind", "object_id", "year", "paper_type", "file_type")
    try:
        matched_sql, matched_params = qs.order_by().values_list(*columns).query.sql_with_params()
    except EmptyResultSet:  # a filter no value can meet, such as an unknown organization
        return [("total", "", 0, 0.0, "")]
    rule = _visibility(user)
    visible_sql, visible_params = _visible_matches(rule)
    organizations_sql, organizations_params = _visible_organizations(rule)
    through = Entry.organizations.through._meta.db_table
    sql = f"""
        WITH m AS MATERIALIZED ({matched_sql}),
        v AS MATERIALIZED ({visible_sql})
        (SELECT 'hit', '', id, rank, '' FROM v
            ORDER BY {ORDER[request.sort]} LIMIT %s OFFSET %s)
        UNION ALL SELECT 'total', '', count(*), 0, '' FROM v
        UNION ALL SELECT 'kind', kind, count(*), 0, '' FROM v GROUP BY kind
        UNION ALL SELECT 'year', year::text, count(*), 0, '' FROM v
            WHERE year IS NOT NULL GROUP BY year
        UNION ALL SELECT 'paper_type', paper_type, count(*), 0, '' FROM v
            WHERE paper_type <> '' GROUP BY paper_type
        UNION ALL SELECT 'file_type', file_type, count(*), 0, '' FROM v
            WHERE file_type <> '' GROUP BY file_type
        UNION ALL SELECT 'organization', o.id::text, c.n, 0, o.name
            FROM (
                SELECT t.organization_id, count(*) AS n
                FROM v JOIN {through} t ON t.entry_id = v.id GROUP BY t.organization_id
            ) c
            JOIN {Organization._meta.db_table} o ON o.id = c.organization_id
            WHERE {organizations_sql}
    """  # noqa: S608 -- constants and Django's compiled SQL with its placeholders
    params = [
        *matched_params,
        *visible_params,
        per_page,
        (page - 1) * per_page,
        *organizations_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            (str(p), str(k), int(n), float(s), str(label))
            for p, k, n, s, label in cursor.fetchall()
        ]


# Per kind, the compiled SQL of "the ids of the objects this principal may see" and its
# parameters; None for administrators.
Rule = dict[str, tuple[str, tuple[Any, ...]]] | None
# Building and compiling that SQL through the ORM costs more than a search of a rare word, so
# it is reused for a second per principal. The principal (admin flag, clerk bodies, current
# memberships) is the key, so a change of rights takes effect at once; only the moment the
# rule compares publication dates with may be up to a second old.
RULE_SECONDS = 1.0
_RULE_CACHE_SIZE = 512
_rules: dict[Principal, tuple[float, Rule]] = {}


def _visibility(user: Any) -> Rule:
    principal = principal_for(user)
    moment = time.monotonic()
    cached = _rules.get(principal)
    if cached is not None and cached[0] > moment:
        return cached[1]
    by_kind = database.visible_object_ids(user)
    rule: Rule = None
    if by_kind is not None:
        rule = {}
        for kind, ids in by_kind.items():
            try:
                ids_sql, ids_params = ids.query.sql_with_params()
            except EmptyResultSet:  # nothing of this kind is visible
                continue
            rule[kind] = (ids_sql, tuple(ids_params))
    if len(_rules) >= _RULE_CACHE_SIZE:
        _rules.clear()
    _rules[principal] = (moment + RULE_SECONDS, rule)
    return rule


def _visible_matches(rule: Rule) -> tuple[str, list[Any]]:
    """SQL over `m` for the matches the rule lets through, and its parameters."""
    if rule is None:
        return "SELECT * FROM m", []
    parts: list[str] = []
    params: list[Any] = []
    for kind, (ids_sql, ids_params) in rule.items():
        parts.append(f"SELECT * FROM m WHERE kind = %s AND object_id IN ({ids_sql})")  # noqa: S608 -- Django's compiled SQL
        params += [kind, *ids_params]
    if not parts:
        return "SELECT * FROM m WHERE false", []
    return " UNION ALL ".join(parts), params


def _visible_organizations(rule: Rule) -> tuple[str, list[Any]]:
    """Condition on `o` for the organizations the facet may name."""
    if rule is None:
        return "true", []
    if Kind.ORGANIZATION not in rule:
        return "false", []
    ids_sql, ids_params = rule[Kind.ORGANIZATION]
    return f"o.id IN ({ids_sql})", list(ids_params)


def _hits(ranked: Sequence[tuple[int, float]], *, query: TsQuery) -> list[Hit]:
    """The page of hits with snippets: ts_headline on these rows alone."""
    if not ranked:
        return []
    # The first place in the text where a word begins with a query lexeme: the window of
    # ts_headline starts just before it.
    pattern = _lexeme_pattern(query.lexemes)
    params: dict[str, Any] = {
        "ids": [pk for pk, _ in ranked],
        "query": query.text,
        "options": HEADLINE_OPTIONS,
        "marks": START + STOP,
        "start": START,
        "stop": STOP,
        # Length-preserving, so that offsets in the window are offsets in the text.
        "clean_from": GLUE + START + STOP,
        "clean_to": LOOK_ALIKES + "  ",
        "file": Kind.FILE.value,
        "separator": entry_builders.PAGE_SEPARATOR,
        "pattern": pattern,
        "lead": WINDOW_LEAD,
        "window": WINDOW_CHARS,
        "spaces": " \t\n\r\f\v",
        # Text within this many characters before or after the snippet earns it an ellipsis.
        "near": 100,
    }
    with connection.cursor() as cursor:
        cursor.execute(HITS_SQL, params)
        rows = {row[0]: row for row in cursor.fetchall()}
    hits = []
    for pk, score in ranked:
        row = rows.get(pk)
        if row is None:  # removed between the two statements
            continue
        _pk, kind, object_id, title, url, context, date, headline, page, before, after = row
        hits.append(
            Hit(
                kind=kind,
                object_id=object_id,
                title=title,
                url=url,
                context=context,
                date=date,
                snippet=_snippet(headline or "", before=bool(before), after=bool(after)),
                page=page or None,
                score=score,
            )
        )
    return hits


# A file's text is its name, then its pages joined by PAGE_SEPARATOR (search.snippets): the
# snippet is taken from the pages (the body, from `body_start`), and its page is the number of
# separators before its first match, as `search.snippets.page_at` counts. The headline is the
# window's text with markers added, so strpos finds it in the window again; where it does not
# (should ts_headline ever change the text), the first marked word is looked up instead. Only
# the window is copied and translated; on the whole text, only strpos and a regular expression
# run, and both stop at their first find. OFFSET 0 keeps each step a step: flattened, every
# use of a column would compute it again.
HITS_SQL = f"""
    SELECT e.id, e.kind, e.object_id, e.title, e.url, e.context, e.date, h.headline,
        CASE WHEN e.kind = %(file)s AND b.body_start > 1 AND o.first_match >= 0 THEN
            (length(left(e.text, o.first_match))
                - length(replace(left(e.text, o.first_match), %(separator)s, '')))
            / length(%(separator)s)
        END,
        p.at > 0 AND btrim(
            substr(e.text, o.near, greatest(0, o.snippet_start + 1 - o.near)), %(spaces)s
        ) <> '',
        p.at > 0 AND btrim(
            substr(e.text, o.snippet_start + length(p.plain) + 1, %(near)s), %(spaces)s
        ) <> ''
    FROM (
        SELECT id, kind, object_id, title, url, context, date, text
        FROM search_entry WHERE id = ANY(%(ids)s)
        OFFSET 0
    ) e
    CROSS JOIN LATERAL (
        SELECT CASE WHEN e.kind = %(file)s THEN strpos(e.text, %(separator)s) + 1 ELSE 1 END
            AS body_start
        OFFSET 0
    ) b
    CROSS JOIN LATERAL (
        SELECT greatest(
            b.body_start,
            coalesce(regexp_instr(e.text, %(pattern)s, b.body_start, 1, 0, 'i'), 0) - %(lead)s
        ) AS start
        OFFSET 0
    ) w
    CROSS JOIN LATERAL (
        SELECT translate(substr(e.text, w.start, %(window)s), %(clean_from)s, %(clean_to)s)
            AS text
        OFFSET 0
    ) win
    CROSS JOIN LATERAL (
        SELECT ts_headline('{CONFIG}', win.text, %(query)s::tsquery, %(options)s) AS headline
        OFFSET 0
    ) h
    CROSS JOIN LATERAL (
        SELECT translate(h.headline, %(marks)s, '') AS plain,
            strpos(h.headline, %(start)s) AS mark,
            strpos(win.text, translate(h.headline, %(marks)s, '')) AS at
        OFFSET 0
    ) p
    CROSS JOIN LATERAL (
        SELECT w.start - 1 + p.at - 1 AS snippet_start,
            greatest(b.body_start, w.start - 1 + p.at - %(near)s) AS near,
            CASE
                WHEN p.mark = 0 THEN -1
                WHEN p.at > 0 THEN w.start - 1 + p.at - 1 + p.mark - 1
                ELSE w.start - 1 + strpos(
                    win.text, split_part(split_part(h.headline, %(start)s, 2), %(stop)s, 1)
                ) - 1
            END AS first_match
        OFFSET 0
    ) o
"""  # noqa: S608 -- a constant; the values are parameters


# What a stem's letters stand for in the text: the german stemmer folds umlauts and ß.
_FOLDED = {"a": "[aäAÄ]", "o": "[oöOÖ]", "u": "[uüUÜ]"}


def _lexeme_pattern(lexemes: Sequence[str]) -> str | None:
    """A regular expression (PostgreSQL's, case-insensitive) for words beginning with one of
    the stems."""
    if not lexemes:
        return None
    alternatives = []
    for lexeme in lexemes:
        parts = [_FOLDED.get(ch, ch if ch.isalnum() else "\\" + ch) for ch in lexeme]
        alternatives.append("".join(parts).replace("ss", "(?:ss|ß)"))
    return r"\m(?:" + "|".join(alternatives) + ")"


def _snippet(headline: str, *, before: bool, after: bool) -> str:
    """Escaped headline text on one line, the marked matches wrapped in <mark>, with "…" where
    the text goes on."""
    text = html.escape(" ".join(headline.split()).translate(_ORIGINALS))
    text = text.replace(START, "<mark>").replace(STOP, "</mark>")
    if text and before:
        text = "… " + text
    if text and after:
        text += " …"
    return text


def _facets(counts: dict[str, list[tuple[str, int, str]]]) -> dict[str, list[FacetValue]]:
    """Labels and order as `database.facet_counts` gives them."""
    kinds = dict(Kind.choices)
    types = dict(Paper.Type.choices)
    facets = {
        "kind": [FacetValue(k, str(kinds.get(k, k)), n) for k, n, _ in counts["kind"]],
        "organization": [FacetValue(v, name, n) for v, n, name in counts["organization"]],
        "paper_type": [FacetValue(t, str(types.get(t, t)), n) for t, n, _ in counts["paper_type"]],
        "file_type": [FacetValue(t, t, n) for t, n, _ in counts["file_type"]],
    }
    ordered = {name: _by_count(values) for name, values in facets.items()}
    ordered["year"] = sorted(
        (FacetValue(y, y, n) for y, n, _ in counts["year"]), key=lambda f: f.value, reverse=True
    )
    return {name: ordered[name] for name in FACETS}


def _by_count(values: list[FacetValue]) -> list[FacetValue]:
    return sorted(values, key=lambda f: (-f.count, f.label.lower()))
