"""German word forms: Snowball's German stemmer and stop-word list, the same algorithm and list
PostgreSQL's `german` text-search configuration uses. The SQLite backend stems in Python
(FTS5 has no German stemmer); every backend uses it to find the matches it highlights."""

from __future__ import annotations

import re
import threading
from typing import Any

import snowballstemmer  # type: ignore[import-untyped]  # ships no type hints

# A word is a run of letters and digits; "_" separates, as in FTS5's unicode61 tokenizer.
WORD = re.compile(r"[^\W_]+")

# Snowball's German stop-word list (snowballstem.org/algorithms/german/stop.txt), lower-case.
_SNOWBALL_GERMAN_STOP = """
    aber alle allem allen aller alles als also am an ander andere anderem anderen anderer
    anderes anderm andern anderr anders auch auf aus bei bin bis bist da damit dann der den des
    dem die das daß derselbe derselben denselben desselben demselben dieselbe dieselben dasselbe
    dazu dein deine deinem deinen deiner deines denn derer dessen dich dir du dies diese diesem
    diesen dieser dieses doch dort durch ein eine einem einen einer eines einig einige einigem
    einigen einiger einiges einmal er ihn ihm es etwas euer eure eurem euren eurer eures für
    gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich mich mir ihr ihre ihrem
    ihren ihrer ihres euch im in indem ins ist jede jedem jeden jeder jedes jene jenem jenen
    jener jenes jetzt kann kein keine keinem keinen keiner keines können könnte machen man
    manche manchem manchen mancher manches mein meine meinem meinen meiner meines mit muss
    musste nach nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen seiner
    seines selbst sich sie ihnen sind so solche solchem solchen solcher solches soll sollte
    sondern sonst über um und uns unse unsem unsen unser unses unter viel vom von vor während
    war waren warst was weg weil weiter welche welchem welchen welcher welches wenn werde werden
    wie wieder will wir wird wirst wo wollen wollte würde würden zu zum zur zwar zwischen
    """
STOPWORDS: frozenset[str] = frozenset(_SNOWBALL_GERMAN_STOP.split())

# Stems of the words seen recently: a town's texts repeat their vocabulary, and the pure-Python
# stemmer costs tens of microseconds a word. Emptied when full, so memory stays bounded.
_CACHE_SIZE = 200_000
_cache: dict[str, str] = {}
# Snowball stemmer objects keep their state between calls: one per thread.
_local = threading.local()


def _stemmer() -> Any:
    stemmer: Any = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = snowballstemmer.stemmer("german")
        _local.stemmer = stemmer
    return stemmer


def fold(word: str) -> str:
    """Case folding as the index does it (lower case; umlauts are left to the stemmer)."""
    return word.lower()


def stem(word: str) -> str:
    """The German stem of one word, case-folded: "Bebauungsplans" -> "bebauungsplan",
    "Häuser" -> "haus". Umlauts and ß come out as plain vowels and "ss"."""
    folded = fold(word)
    cached = _cache.get(folded)
    if cached is None:
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
        cached = str(_stemmer().stemWord(folded))
        _cache[folded] = cached
    return cached


def words(text: str) -> list[str]:
    """The words of a text in order, as written."""
    return WORD.findall(text)


def tokens(text: str) -> list[str]:
    """The stems of every word of a text in order, stop words included (they keep phrases
    exact); this is the token stream the SQLite index holds."""
    stems = []
    for word in WORD.findall(fold(text)):
        cached = _cache.get(word)
        stems.append(stem(word) if cached is None else cached)
    return stems


def is_stopword(word: str) -> bool:
    """Whether the word is one of the very common words a search ignores ("der", "und")."""
    return fold(word) in STOPWORDS
