"""Seeded generator of plausible German personal names for the demo town."""

from __future__ import annotations

import random
from dataclasses import dataclass

FEMALE_GIVEN = (
    "Anna", "Sabine", "Claudia", "Petra", "Andrea", "Susanne", "Birgit", "Monika", "Stefanie",
    "Katrin", "Julia", "Lena", "Laura", "Sarah", "Christina", "Martina", "Heike", "Ute", "Elke",
    "Karin", "Nicole", "Sandra", "Melanie", "Kerstin", "Anja", "Tanja", "Nadine", "Daniela",
    "Silke", "Gabriele", "Ingrid", "Renate", "Ursula", "Marion", "Jutta", "Miriam", "Lisa",
    "Johanna", "Franziska", "Carolin", "Katharina", "Hannah", "Leonie", "Marie", "Sophie",
    "Charlotte", "Frauke", "Dörte", "Jana", "Svenja", "Elif", "Aylin", "Natalia", "Annegret",
    "Brigitte", "Hildegard", "Maren", "Friederike", "Wiebke", "Antje",
)  # fmt: skip
MALE_GIVEN = (
    "Thomas", "Michael", "Andreas", "Stefan", "Frank", "Markus", "Peter", "Jürgen", "Klaus",
    "Wolfgang", "Uwe", "Jörg", "Ralf", "Dirk", "Matthias", "Christian", "Martin", "Alexander",
    "Sebastian", "Tobias", "Daniel", "Jan", "Florian", "Philipp", "Lukas", "Felix", "Jonas",
    "Niklas", "Bernd", "Rainer", "Hans-Peter", "Karl-Heinz", "Heinz", "Norbert", "Holger", "Sven",
    "Oliver", "Torsten", "Björn", "Kai", "Timo", "Mehmet", "Murat", "Emre", "Günter", "Werner",
    "Hubertus", "Ludger", "Reinhard", "Volker", "Carsten", "Hendrik", "Malte", "Jens", "Gerd",
    "Achim", "Bastian", "Moritz", "Paul", "Konstantin",
)  # fmt: skip
FAMILY = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
    "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt",
    "Werner", "Schmitz", "Krause", "Meier", "Lehmann", "Schulze", "Köhler", "Herrmann", "König",
    "Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß",
    "Jung", "Hahn", "Schubert", "Vogel", "Friedrich", "Keller", "Günther", "Berger", "Winkler",
    "Roth", "Beck", "Lorenz", "Baumann", "Franke", "Albrecht", "Schuster", "Simon", "Ludwig",
    "Böhm", "Winter", "Kraus", "Schumacher", "Krämer", "Vogt", "Stein", "Jäger", "Otto",
    "Sommer", "Groß", "Seidel", "Heinrich", "Brandt", "Haas", "Schreiber", "Graf", "Schulte",
    "Dietrich", "Ziegler", "Kuhn", "Kühn", "Pohl", "Engel", "Horn", "Busch", "Bergmann", "Voigt",
    "Sauer", "Arnold", "Wolff", "Pfeiffer", "Brinkmann", "Terhorst", "Hülsmann", "Overbeck",
    "Kemper", "Diekmann", "Wessels", "Bröker", "Tenbrink", "Lohmann", "Kortmann", "Niehaus",
    "Yilmaz", "Kaya", "Demir", "Nowak", "Kowalski", "Lindner", "Hagedorn", "Rademacher",
)  # fmt: skip

FEMALE = "female"
MALE = "male"


@dataclass(frozen=True)
class PersonName:
    given_name: str
    family_name: str
    gender: str
    titles: tuple[str, ...]

    @property
    def full_name(self) -> str:
        """The name as OParl writes it: titles first ("Dr. Anna Müller")."""
        return " ".join((*self.titles, self.given_name, self.family_name))

    @property
    def female(self) -> bool:
        return self.gender == FEMALE


class NameGenerator:
    """Draws unique names from `rng`; the same seed yields the same people."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[tuple[str, str]] = set()

    def draw(
        self, *, gender: str | None = None, titles: tuple[str, ...] | None = None
    ) -> PersonName:
        rng = self._rng
        chosen_gender = gender or (FEMALE if rng.random() < 0.45 else MALE)
        pool = FEMALE_GIVEN if chosen_gender == FEMALE else MALE_GIVEN
        while True:
            given, family = rng.choice(pool), rng.choice(FAMILY)
            if (given, family) not in self._used:
                self._used.add((given, family))
                break
        if titles is None:
            roll = rng.random()
            titles = ("Prof.", "Dr.") if roll < 0.01 else ("Dr.",) if roll < 0.09 else ()
        return PersonName(given, family, chosen_gender, titles)


def email_local_part(name: PersonName) -> str:
    """An ASCII mailbox name: "anna.mueller"."""
    text = f"{name.given_name}.{name.family_name}".lower()
    for umlaut, ascii_form in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, ascii_form)
    return text.replace(" ", "-")
