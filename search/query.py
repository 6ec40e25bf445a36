"""What a user typed, parsed once for every backend.

The syntax is the one people know from web search engines: words are all required,
`"quoted phrases"` keep their order, `-word` or `-"phrase"` excludes, `OR` between two terms
accepts either. Everything else (SQL, Lucene operators, control characters, brackets) is read
as plain words, so no input can reach a backend as syntax.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# Longer input is cut here: nobody types more, and a huge query only costs the database.
MAX_QUERY_CHARS = 500
MAX_TERMS = 32

_WORD = re.compile(r"\w+", re.UNICODE)
# A token is a quoted phrase (closing quote optional), or a run of non-space characters.
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Term:
    """One word, or a phrase of several words in order. Words are lower-cased, unstemmed."""

    words: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True)
class Clause:
    """Terms of which at least one must match (one term unless the user wrote `OR`)."""

    terms: tuple[Term, ...]
    negated: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    raw: str
    clauses: tuple[Clause, ...] = ()
    # Remarks for the user ("Ihre Suche wurde gekürzt …"), already translated.
    notices: tuple[str, ...] = field(default=())

    @property
    def positive(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if not c.negated)

    @property
    def negative(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.negated)

    @property
    def is_empty(self) -> bool:
        """Nothing to search for: negations alone cannot select anything."""
        return not self.positive

    def words(self) -> tuple[str, ...]:
        """Every word of the positive clauses, for highlighting and page finding."""
        return tuple(w for c in self.positive for t in c.terms for w in t.words)

    def normalized(self) -> str:
        """The query re-written in its own syntax from the parsed form: safe to hand to
        websearch-style parsers (PostgreSQL's `websearch_to_tsquery`, Elasticsearch's
        `simple_query_string`) because it holds nothing but words, quotes, `-` and `OR`."""
        parts = []
        for clause in self.clauses:
            rendered = " OR ".join(_render(t) for t in clause.terms)
            parts.append(("-" if clause.negated else "") + rendered)
        return " ".join(parts)


def _render(term: Term) -> str:
    # A bare "or" is an operator to websearch_to_tsquery in any case; quoted it is a word.
    if term.is_phrase or term.words[0] == "or":
        return f'"{" ".join(term.words)}"'
    return term.words[0]


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    # Control and format characters (NUL, zero-width …) become spaces.
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)


def parse(raw: str) -> ParsedQuery:
    """Parse a user's query; never raises, whatever the input."""
    notices: list[str] = []
    text = _clean(raw or "")
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notices.append(
            _("Ihre Suche war sehr lang; berücksichtigt wurden die ersten %(n)d Zeichen.")
            % {"n": MAX_QUERY_CHARS}
        )
    if text.count('"') % 2:
        notices.append(
            _("Ein Anführungszeichen war nicht geschlossen; die Phrase reicht bis zum Ende.")
        )
    clauses: list[Clause] = []
    pending_or = False
    for match in _TOKEN.finditer(text):
        minus, phrase, bare = match.group(1), match.group(2), match.group(3)
        negated = False
        if phrase is not None:
            words = _WORD.findall(phrase.lower())
            negated = minus == "-"
        else:
            if bare == "OR":
                pending_or = bool(clauses) and not clauses[-1].negated
                continue
            if bare.startswith("-") and len(bare) > 1:
                negated = True
                bare = bare[1:]
            words = _WORD.findall(bare.lower())
        if not words:
            continue
        # "Bau-Plan" or "a.b" outside quotes are several words in a row: keep them together.
        term = Term(tuple(words))
        if pending_or and not negated:
            last = clauses[-1]
            clauses[-1] = Clause((*last.terms, term), negated=False)
        else:
            clauses.append(Clause((term,), negated=negated))
        pending_or = False
    if sum(len(c.terms) for c in clauses) > MAX_TERMS:
        kept: list[Clause] = []
        count = 0
        for clause in clauses:
            if count + len(clause.terms) > MAX_TERMS:
                break
            kept.append(clause)
            count += len(clause.terms)
        clauses = kept
        notices.append(
            _("Ihre Suche hatte sehr viele Begriffe; berücksichtigt wurden die ersten %(n)d.")
            % {"n": MAX_TERMS}
        )
    return ParsedQuery(raw=raw or "", clauses=tuple(clauses), notices=tuple(notices))
