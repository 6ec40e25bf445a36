"""What demo papers are about: the `Topic` record, paper types and the town's places.

Topic families live in `topics_building` (planning, building, environment) and
`topics_council` (schools, social affairs, finance, administration, factions). Each family turns
its n-th draw into a topic, so the first draw is the headline example (Bebauungsplan Nr. 47
„Am Mühlenbach“, Sanierung der Grundschule Lindenweg, ...) and later draws walk through the
variants; the large town draws each family thousands of times.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

BV = "Beschlussvorlage"
ANTRAG = "Antrag"
ANFRAGE = "Anfrage"
MITTEILUNG = "Mitteilung"
INFO = "Informationsvorlage"
BERICHT = "Bericht"
DECISION_TYPES = (BV, ANTRAG)

AREAS = (
    "Am Mühlenbach",
    "Lindenhof",
    "Westlich der Bahnhofstraße",
    "Gewerbegebiet Nord II",
    "Im Wiesengrund",
    "An der Ziegelei",
    "Kirchfeld",
    "Schützenwiese",
    "Alter Sportplatz",
    "Auf dem Kamp",
    "Hohe Heide",
    "Hafenweg",
)
# Only "-straße" names: prose says "in der ...", "entlang der ...".
STREETS = (
    "Bahnhofstraße",
    "Lindenstraße",
    "Mühlenstraße",
    "Kirchstraße",
    "Schulstraße",
    "Gartenstraße",
    "Wallstraße",
    "Hauptstraße",
    "Bergstraße",
    "Goethestraße",
    "Feldstraße",
    "Brückenstraße",
)
SCHOOLS = (
    "Grundschule Lindenweg",
    "Grundschule Am Park",
    "Gesamtschule Musterstadt",
    "Städtisches Gymnasium Am Wall",
    "Realschule Musterstadt",
    "Grundschule Kirchfeld",
)
DISTRICTS = ("Kirchdorf", "Lindenhof", "Mühlenbach", "Nordfeld", "Westerholt", "Oberdorf")


@dataclass(frozen=True)
class Topic:
    subject: str
    paper_type: str
    # Boards in consultation order; the last one decides (or takes note).
    path: tuple[str, ...]
    department: str
    short: str
    # A neuter noun that fits the topic, so prose can say "das Vorhaben", "des Vorhabens".
    noun: str
    keywords: tuple[str, ...]
    proposal: str
    cost: int = 0
    public: bool = True
    attachment: str = "kosten"
    place: str = ""


@dataclass(frozen=True)
class Draw:
    """The n-th draw of a family, for papers of `year`; `faction` for faction papers."""

    rng: random.Random
    n: int
    year: int
    faction: str = ""


Family = Callable[[Draw], Topic]
T = TypeVar("T")


def pick(options: Sequence[T], n: int) -> T:
    return options[n % len(options)]


def quote(text: str) -> str:
    """Text in German quotation marks, unless it already contains some."""
    return text if "„" in text else f"„{text}“"


def lead(board: str) -> str:
    """The department that usually prepares papers for `board`."""
    return {"bau": "fb3", "schule": "fb2", "soziales": "fb2", "hfa": "fb1", "rat": "fb1"}[board]


def answer(asked: Topic) -> Topic:
    """The administration's written answer (a Mitteilung) to a faction's question."""
    return Topic(
        subject=f"Beantwortung der {asked.subject}",
        paper_type=MITTEILUNG,
        path=asked.path,
        department=asked.department,
        short=asked.short,
        noun=asked.noun,
        keywords=asked.keywords,
        proposal="Die Antwort der Verwaltung wird zur Kenntnis genommen.",
    )
