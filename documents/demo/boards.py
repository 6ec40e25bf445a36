"""The demo town's fixed structure: its factions and seat counts, the council and its
committees, the administration's departments, and the demo logins; plus the two rules that
derive from them (the term containing a date, committee seats by D'Hondt)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

DEMO_EXTERNAL_ID = "https://demo.ratsinfo.invalid/musterstadt"
TOWN = "Musterstadt"
BODY_NAME = "Stadt Musterstadt"
COUNCIL = "rat"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    label: str


# Fixed on purpose: this is a local demonstration and the command prints them.
LOGINS = (
    DemoLogin("admin", "demo-admin", "Administration"),
    DemoLogin("sitzungsdienst", "demo-sitzungsdienst", "Sitzungsdienst"),
    DemoLogin("ratsmitglied", "demo-ratsmitglied", "Ratsmitglied"),
)

# Every member of the council also gets a login, so that a live meeting can be tried with
# several tablets (browser windows): the user name is the member's mailbox name
# ("anna.mueller"), the password the same for all.
COUNCIL_MEMBER_PASSWORD = "demo-rat"  # noqa: S105  (printed demo password, local use only)


@dataclass(frozen=True)
class FactionDef:
    key: str
    name: str
    short_name: str
    seats: int


@dataclass(frozen=True)
class BoardDef:
    key: str
    name: str
    short_name: str
    genitive: str
    seats: int = 0
    chair: str | None = None
    deputy: str | None = None
    citizens: tuple[str, ...] = ()


@dataclass(frozen=True)
class DepartmentDef:
    key: str
    name: str
    short_name: str


FACTIONS = (
    FactionDef("cdu", "CDU-Fraktion", "CDU", 11),
    FactionDef("spd", "SPD-Fraktion", "SPD", 8),
    FactionDef("gruene", "Fraktion Bündnis 90/Die Grünen", "GRÜNE", 7),
    FactionDef("fdp", "FDP-Fraktion", "FDP", 3),
    FactionDef("bfm", "Fraktion Bürger für Musterstadt", "BfM", 3),
)
COUNCIL_DEF = BoardDef(
    COUNCIL, "Rat der Stadt Musterstadt", "Rat", "des Rates der Stadt Musterstadt"
)
# The mayor chairs the Haupt- und Finanzausschuss (as in § 57 Abs. 3 GO NRW); sachkundige
# Bürger may sit in every committee except that one (§ 58 Abs. 3 GO NRW).
COMMITTEES = (
    BoardDef(
        "hfa",
        "Haupt- und Finanzausschuss",
        "HFA",
        "des Haupt- und Finanzausschusses",
        seats=15,
        deputy="spd",
    ),
    BoardDef(
        "bau",
        "Ausschuss für Stadtentwicklung, Bau und Umwelt",
        "ASBU",
        "des Ausschusses für Stadtentwicklung, Bau und Umwelt",
        seats=13,
        chair="cdu",
        deputy="gruene",
        citizens=("cdu", "spd", "fdp"),
    ),
    BoardDef(
        "schule",
        "Ausschuss für Schule, Kultur und Sport",
        "ASKS",
        "des Ausschusses für Schule, Kultur und Sport",
        seats=13,
        chair="spd",
        deputy="cdu",
        citizens=("gruene", "bfm"),
    ),
    BoardDef(
        "soziales",
        "Ausschuss für Soziales, Jugend und Senioren",
        "ASJS",
        "des Ausschusses für Soziales, Jugend und Senioren",
        seats=13,
        chair="gruene",
        deputy="cdu",
        citizens=("spd", "cdu"),
    ),
)
BOARDS = {board.key: board for board in (COUNCIL_DEF, *COMMITTEES)}
DEPARTMENTS = (
    DepartmentDef("fb1", "Fachbereich 1 – Zentrale Dienste und Finanzen", "FB 1"),
    DepartmentDef("fb2", "Fachbereich 2 – Bildung, Jugend und Soziales", "FB 2"),
    DepartmentDef("fb3", "Fachbereich 3 – Planen und Bauen", "FB 3"),
    DepartmentDef("fb4", "Fachbereich 4 – Ordnung, Sicherheit und Bürgerservice", "FB 4"),
    DepartmentDef("fb5", "Fachbereich 5 – Tiefbau, Umwelt und Grünflächen", "FB 5"),
)
PROFESSIONS = (
    ("Lehrerin", "Lehrer"),
    ("Diplom-Ingenieurin", "Diplom-Ingenieur"),
    ("Rechtsanwältin", "Rechtsanwalt"),
    ("Landwirtin", "Landwirt"),
    ("Verwaltungsfachangestellte", "Verwaltungsfachangestellter"),
    ("Gesundheits- und Krankenpflegerin", "Gesundheits- und Krankenpfleger"),
    ("Kauffrau im Einzelhandel", "Kaufmann im Einzelhandel"),
    ("Tischlermeisterin", "Tischlermeister"),
    ("Studentin der Sozialwissenschaften", "Student der Sozialwissenschaften"),
    ("Rentnerin", "Rentner"),
    ("Polizeibeamtin", "Polizeibeamter"),
    ("Architektin", "Architekt"),
    ("Sozialarbeiterin", "Sozialarbeiter"),
    ("Steuerberaterin", "Steuerberater"),
    ("Ärztin", "Arzt"),
    ("Bankkauffrau", "Bankkaufmann"),
)


def term_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The five-year term (June to May, elections as in June 2024) that contains `day`."""
    years = day.year - 2024 - (1 if (day.month, day.day) < (6, 1) else 0)
    start_year = 2024 + (years // 5) * 5
    return datetime.date(start_year, 6, 1), datetime.date(start_year + 5, 5, 31)


def dhondt(seats: int, sizes: dict[str, int]) -> dict[str, int]:
    """Committee seats per faction by the D'Hondt method (ties go to the larger faction)."""
    quotients = sorted(
        (
            (size / divisor, size, key)
            for key, size in sizes.items()
            for divisor in range(1, seats + 1)
        ),
        reverse=True,
    )
    result = dict.fromkeys(sizes, 0)
    for _quotient, _size, key in quotients[:seats]:
        result[key] += 1
    return result
