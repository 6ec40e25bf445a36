"""The query parser (search.query): what people type becomes words, phrases, exclusions and
alternatives; everything else is read as plain words, and nothing typed can reach a backend as
syntax."""

from __future__ import annotations

import random
import re

import pytest

from search.query import MAX_QUERY_CHARS, MAX_TERMS, ParsedQuery, parse

Shape = list[tuple[bool, list[tuple[str, ...]]]]


def shape(parsed: ParsedQuery) -> Shape:
    """(negated, [words of each alternative]) per clause."""
    return [(c.negated, [t.words for t in c.terms]) for c in parsed.clauses]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Words are all required, lower-cased, unstemmed.
        ("Haushalt", [(False, [("haushalt",)])]),
        ("Haushalt Schule", [(False, [("haushalt",)]), (False, [("schule",)])]),
        ("Straße ÄRGER", [(False, [("straße",)]), (False, [("ärger",)])]),
        # Decomposed umlauts (macOS input) become the composed ones the index holds.
        ("Mu\u0308hle", [(False, [("mühle",)])]),
        # Phrases keep their order.
        ('"Radweg Lindenallee"', [(False, [("radweg", "lindenallee")])]),
        ('"Radweg"', [(False, [("radweg",)])]),
        # Words joined by punctuation stay together, as a phrase.
        ("Bau-Plan", [(False, [("bau", "plan")])]),
        ("2026/0012", [(False, [("2026", "0012")])]),
        # Exclusions.
        ("-Sanierung", [(True, [("sanierung",)])]),
        ("Spielplatz -Sanierung", [(False, [("spielplatz",)]), (True, [("sanierung",)])]),
        ('-"Radweg Lindenallee"', [(True, [("radweg", "lindenallee")])]),
        ("--Sanierung", [(True, [("sanierung",)])]),
        # OR joins the terms on both sides into one clause.
        ("Feuerwehr OR Friedhof", [(False, [("feuerwehr",), ("friedhof",)])]),
        ("a OR b OR c", [(False, [("a",), ("b",), ("c",)])]),
        ("a b OR c", [(False, [("a",)]), (False, [("b",), ("c",)])]),
        ('"a b" OR c', [(False, [("a", "b"), ("c",)])]),
        # OR with nothing on one side, or next to an exclusion, is dropped.
        ("OR a", [(False, [("a",)])]),
        ("a OR", [(False, [("a",)])]),
        ("OR OR OR", []),
        ("-a OR b", [(True, [("a",)]), (False, [("b",)])]),
        ("a OR -b", [(False, [("a",)]), (True, [("b",)])]),
        # Only upper-case OR is an operator; "or" is a word.
        ("a or b", [(False, [("a",)]), (False, [("or",)]), (False, [("b",)])]),
        # Nothing to search for.
        ("", []),
        ("   ", []),
        ("-", []),
        ('""', []),
        ("!!! ???", []),
        # Syntax of other engines is read as words.
        (
            "title:foo AND bar*",
            [(False, [("title", "foo")]), (False, [("and",)]), (False, [("bar",)])],
        ),
        ("NEAR(a b)", [(False, [("near", "a")]), (False, [("b",)])]),
        ("a^3 ~2 {x}", [(False, [("a", "3")]), (False, [("2",)]), (False, [("x",)])]),
        (
            "'; DROP TABLE search_entry; --",
            [(False, [("drop",)]), (False, [("table",)]), (False, [("search_entry",)])],
        ),
        ("1 OR 1=1", [(False, [("1",), ("1", "1")])]),
        # Control and format characters separate words.
        ("Haus\x00halt", [(False, [("haus",)]), (False, [("halt",)])]),
        ("Haus\u200bhalt", [(False, [("haus",)]), (False, [("halt",)])]),
        ("\x00", []),
        ("\x1b[31mrot", [(False, [("31mrot",)])]),
    ],
)
def test_parse_reads_query(raw: str, expected: Shape) -> None:
    parsed = parse(raw)

    assert shape(parsed) == expected


def test_ordinary_query_has_no_notices() -> None:
    parsed = parse('Spielplatz -Sanierung "Radweg Lindenallee" Feuerwehr OR Friedhof')

    assert parsed.notices == ()


def test_unbalanced_quote_runs_to_the_end_with_notice() -> None:
    parsed = parse('Haushalt "Radweg Lindenallee')

    assert shape(parsed) == [(False, [("haushalt",)]), (False, [("radweg", "lindenallee")])]
    assert len(parsed.notices) == 1
    assert "Anführungszeichen" in parsed.notices[0]


def test_long_query_is_cut_with_notice() -> None:
    raw = "Haushalt " * 1_200

    parsed = parse(raw)

    assert parsed.raw == raw
    assert sum(len(c.terms) for c in parsed.clauses) <= MAX_TERMS
    assert any(str(MAX_QUERY_CHARS) in notice for notice in parsed.notices)


def test_ten_thousand_characters_without_spaces_are_cut() -> None:
    parsed = parse("x" * 10_000)

    assert shape(parsed) == [(False, [("x" * MAX_QUERY_CHARS,)])]
    assert any(str(MAX_QUERY_CHARS) in notice for notice in parsed.notices)


def test_many_words_keep_the_first_terms_with_notice() -> None:
    words = [f"wort{n}" for n in range(MAX_TERMS + 8)]

    parsed = parse(" ".join(words))

    assert [c.terms[0].words[0] for c in parsed.clauses] == words[:MAX_TERMS]
    assert any(str(MAX_TERMS) in notice for notice in parsed.notices)


def test_alternatives_count_towards_the_term_limit() -> None:
    raw = " OR ".join(f"wort{n}" for n in range(MAX_TERMS + 1))

    parsed = parse(raw)

    # One clause of 33 terms does not fit; clauses are kept whole or not at all.
    assert parsed.clauses == ()
    assert parsed.notices


@pytest.mark.parametrize(
    ("raw", "empty"),
    [("", True), ("-a", True), ("-a -b", True), ("a -b", False), ('"a b"', False), ("OR", True)],
)
def test_only_exclusions_leave_nothing_to_search(raw: str, empty: bool) -> None:
    assert parse(raw).is_empty is empty


def test_words_are_the_positive_words_for_highlighting() -> None:
    parsed = parse('Haushalt "Radweg Lindenallee" -Sanierung Feuerwehr OR Friedhof')

    assert parsed.words() == ("haushalt", "radweg", "lindenallee", "feuerwehr", "friedhof")


# --- normalized(): what websearch-style parsers receive ---------------------------------------

# A token is an optionally excluded word or quoted phrase, or the operator OR.
_TERM = r'(?:"\w+(?: \w+)*"|\w+)'
_NORMALIZED = re.compile(rf"^(?:-?{_TERM}(?: OR {_TERM})*(?: |$))*$")

NASTY = [
    "",
    'Haushalt "Radweg Lindenallee" -Sanierung Feuerwehr OR Friedhof',
    "'; DROP TABLE search_entry; --",
    "1 OR 1=1",
    "title:foo AND bar*",
    "NEAR(a b)",
    "a^3 ~2 {x}",
    '"unbalanced',
    '-"a b" OR c',
    "a or b",
    "x OR or",
    "or",
    "-or",
    '\\" OR "\\',
    "a|b & !c",
    "Haus\x00halt\u200b",
    "x" * 10_000,
    "𝕳𝖆𝖚𝖘 🏛️ ٣ 三",
]


def _fuzz(count: int) -> list[str]:
    rng = random.Random(20260305)
    pieces = ['"', "-", " OR ", " or ", " ", "(", ")", "*", ":", "\\", "\x00", "\u200b", "ä", "ß"]
    pieces += ["Haus", "halt", "a", "b", "1", "NEAR", "AND", "'", ";", "|", "&", "!", "~", "^"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(count)]


@pytest.mark.parametrize("raw", NASTY + _fuzz(300))
def test_normalized_holds_only_words_quotes_minus_and_or(raw: str) -> None:
    normalized = parse(raw).normalized()

    assert _NORMALIZED.match(normalized), normalized
    # Outside quotes, "or" in any case is an operator to websearch_to_tsquery: only the OR
    # between alternatives may appear there.
    outside = re.sub(r'"[^"]*"', '""', normalized).split()
    assert [t for t in outside if t.lstrip("-").lower() == "or" and t != "OR"] == []


@pytest.mark.parametrize("raw", NASTY + _fuzz(300))
def test_normalized_reads_back_as_the_same_query(raw: str) -> None:
    parsed = parse(raw)

    assert parse(parsed.normalized()).clauses == parsed.clauses


def test_normalized_quotes_the_word_or() -> None:
    assert parse("Schwarz or Weiß").normalized() == 'schwarz "or" weiß'
