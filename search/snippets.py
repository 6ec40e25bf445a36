"""Snippets of search hits, for every backend: the passage of an entry's text where the query's
words are densest, HTML-escaped, the matches wrapped in <mark>…</mark>, and for files the page
that passage is on.

Matches are found by stem (`search.stemming`), so "Bebauungsplans" marks "Bebauungsplan" and
"Häuser" marks "Haus", as the German index matched them. Stop words are never marked: no
backend searches for them alone.

Pages: a file entry's text is its file name, then its pages, joined by
`search.entries.PAGE_SEPARATOR` ("\\f", removed from the pages themselves). The page of an
offset is the number of separators before it; segment 0 is the file name, which is on no
page. Backends that produce their own fragments (`ts_headline`, Elasticsearch highlights)
find the page of a fragment with `page_of_fragment`.
"""

from __future__ import annotations

import bisect
import functools
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from search import stemming
from search.entries import PAGE_SEPARATOR

# About this many characters of text around the matches (more when the matches span more).
SNIPPET_CHARS = 200
ELLIPSIS = "…"
MARK_START = "<mark>"
MARK_END = "</mark>"

_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")
# Pieces of a backend's fragment: ts_headline joins several with " ... ", Elasticsearch and
# this module cut with "…".
_FRAGMENT_GAP = re.compile(r"…|\.\.\.")
# The letters a word may begin with when its stem begins with a, o, u or s: the stemmer folds
# umlauts to plain vowels and ß to "ss".
_UMLAUT = {"a": "ä", "o": "ö", "u": "ü", "s": "ß"}


@dataclass(frozen=True)
class Snippet:
    # Escaped text; matches wrapped in <mark>…</mark>; "…" where the page goes on.
    html: SafeString
    # For paged texts (files): the page of the first match shown, None when the text has no
    # pages, no match was found, or the match is in the file name.
    page: int | None


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    stem: str


def query_stems(words: Iterable[str]) -> frozenset[str]:
    """The stems the index matched for these query words (`ParsedQuery.words()`), stop words
    left out."""
    stems: set[str] = set()
    for word in words:
        for part in stemming.words(word):
            if not stemming.is_stopword(part):
                stems.add(stemming.stem(part))
    return frozenset(stems)


def _matches(text: str, stems: frozenset[str]) -> list[_Match]:
    if not stems or not text:
        return []
    # Long file texts stay cheap: one scan finds the words that begin with a letter some stem
    # begins with, and each distinct one of those is stemmed once.
    initials = "".join(sorted({c for s in stems if s for c in (s[0], *_UMLAUT.get(s[0], ""))}))
    verdicts: dict[str, str | None] = {}
    found: list[_Match] = []
    for m in _candidates(initials).finditer(text):
        word = stemming.fold(m.group())
        if word in verdicts:
            matched = verdicts[word]
        else:
            word_stem = stemming.stem(word)
            matched = verdicts[word] = word_stem if word_stem in stems else None
        if matched is not None:
            found.append(_Match(m.start(), m.end(), matched))
    return found


@functools.lru_cache(maxsize=256)
def _candidates(initials: str) -> re.Pattern[str]:
    """Whole words (as `stemming.WORD` cuts them) beginning with one of these letters."""
    letters = "".join(re.escape(c) for c in initials)
    return re.compile(rf"(?<![^\W_])[{letters}][^\W_]*", re.IGNORECASE)


def matches(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """(start, end) offsets of the words of `text` that match one of the query `words`."""
    return [(m.start, m.end) for m in _matches(text, query_stems(words))]


def page_at(text: str, offset: int) -> int | None:
    """The 1-based page of `offset` in a file entry's text; None in the file name (segment 0)
    and in texts without pages."""
    page = text.count(PAGE_SEPARATOR, 0, max(offset, 0))
    return page or None


def page_of_fragment(text: str, fragment: str) -> int | None:
    """The page of a fragment a backend cut from `text` (with or without markup, escaped or
    not); None when it cannot be found again or lies in the file name."""
    plain = html.unescape(_TAG.sub("", fragment))
    for piece in _FRAGMENT_GAP.split(plain):
        found_words = stemming.words(piece)
        if not found_words:
            continue
        # Any run of non-word characters (spaces, line breaks, a page break) between the words.
        pattern = r"[\W_]+".join(re.escape(w) for w in found_words)
        located = re.search(pattern, text, re.IGNORECASE)
        if located is not None:
            return page_at(text, located.start())
    return None


def highlight(text: str, words: Iterable[str]) -> SafeString:
    """The whole text escaped, with the matches of `words` wrapped in <mark>…</mark> (titles)."""
    return _render(text, 0, len(text), _matches(text, query_stems(words)))


def snippet(
    text: str, words: Iterable[str], *, paged: bool = False, width: int = SNIPPET_CHARS
) -> Snippet:
    """About `width` characters of `text` where the query's `words` match densest, escaped and
    marked. A snippet never spans two pages. `paged`: the text is a file entry's (name, then
    pages), so the snippet prefers the pages to the file name and tells its page."""
    found = _matches(text, query_stems(words))
    if not found:
        first = text.find(PAGE_SEPARATOR) + 1 if paged else 0
        seg_end = _segment_end(text, first)
        end = _word_end(text, min(seg_end, first + width), first, seg_end)
        start, end = _trim(text, first, end)
        return Snippet(_with_ellipses(text, start, end, first, seg_end, []), None)
    first_i, last_i = _densest(text, found, width, paged=paged)
    first_match, last_match = found[first_i], found[last_i]
    seg_start = text.rfind(PAGE_SEPARATOR, 0, first_match.start) + 1
    seg_end = _segment_end(text, first_match.start)
    start, end = first_match.start, last_match.end
    pad = width - (end - start)
    if pad > 0:
        start = max(seg_start, start - pad // 2)
        end = min(seg_end, start + max(width, last_match.end - start))
        start = max(seg_start, min(start, end - width))
    start = _word_start(text, start, first_match.start, seg_start)
    end = _word_end(text, end, last_match.end, seg_end)
    start, end = _trim(text, start, end)
    shown = [m for m in found if m.start >= start and m.end <= end]
    html_text = _with_ellipses(text, start, end, seg_start, seg_end, shown)
    return Snippet(html_text, page_at(text, first_match.start) if paged else None)


def _densest(text: str, found: list[_Match], width: int, *, paged: bool) -> tuple[int, int]:
    """Indices of the first and last match of the best window: the most distinct words, then
    on a page rather than in the file name, then the most matches; the earliest of equals."""
    breaks = [m.start() for m in re.finditer(PAGE_SEPARATOR, text)]
    best: tuple[int, int, int] = (-1, -1, -1)
    best_range = (0, 0)
    for i, first in enumerate(found):
        following = bisect.bisect_right(breaks, first.start)
        seg_end = breaks[following] if following < len(breaks) else len(text)
        stems = {first.stem}
        last = i
        while (
            last + 1 < len(found)
            and found[last + 1].end <= first.start + width
            and found[last + 1].start < seg_end
        ):
            last += 1
            stems.add(found[last].stem)
        on_page = 1 if not paged or following > 0 else 0
        score = (len(stems), on_page, last - i + 1)
        if score > best:
            best, best_range = score, (i, last)
    return best_range


def _segment_end(text: str, offset: int) -> int:
    end = text.find(PAGE_SEPARATOR, offset)
    return len(text) if end < 0 else end


def _word_start(text: str, start: int, limit: int, seg_start: int) -> int:
    """Move a cut that falls inside a word to the next word (not past `limit`)."""
    if start <= seg_start or not _is_word(text, start - 1) or not _is_word(text, start):
        return start
    gap = re.compile(r"\W").search(text, start, limit)
    return gap.end() if gap else start


def _word_end(text: str, end: int, limit: int, seg_end: int) -> int:
    """Move a cut that falls inside a word back to the end of the word before (not before
    `limit`)."""
    if end >= seg_end or not _is_word(text, end - 1) or not _is_word(text, end):
        return end
    cut = end
    while cut > limit and _is_word(text, cut - 1):
        cut -= 1
    return cut if cut > limit else end


def _is_word(text: str, index: int) -> bool:
    return 0 <= index < len(text) and text[index].isalnum()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _with_ellipses(
    text: str, start: int, end: int, seg_start: int, seg_end: int, shown: list[_Match]
) -> SafeString:
    body = _render(text, start, end, shown)
    before = ELLIPSIS + " " if text[seg_start:start].strip() else ""
    after = " " + ELLIPSIS if text[end:seg_end].strip() else ""
    return mark_safe(before + body + after)  # noqa: S308 -- every piece of text is escaped in _render


def _render(text: str, start: int, end: int, shown: list[_Match]) -> SafeString:
    parts: list[str] = []
    position = start
    for m in shown:
        if m.start < start or m.end > end:
            continue
        parts.append(_escaped(text[position : m.start]))
        parts.append(MARK_START + _escaped(text[m.start : m.end]) + MARK_END)
        position = m.end
    parts.append(_escaped(text[position:end]))
    return mark_safe("".join(parts))  # noqa: S308 -- the text is escaped, the marks are ours


def _escaped(piece: str) -> str:
    return html.escape(_SPACE.sub(" ", piece))
