"""Seeding the demo town: guard against foreign data, build everything in one transaction,
and take written files back out of storage if anything fails."""

from __future__ import annotations

import datetime
import random
import time
from dataclasses import dataclass

from django.db import models, transaction

from documents.models import Consultation, File, Paper
from documents.services import file_extraction_enqueue_pending
from ratsinfo.errors import DomainError
from ratsinfo.models import Body, LegislativeTerm, Location, Membership, Organization, Person, User
from sessions.models import AgendaItem, Meeting

from .agenda import build_agendas
from .boards import (
    BOARDS,
    COUNCIL,
    COUNCIL_MEMBER_PASSWORD,
    DEMO_EXTERNAL_ID,
    FACTIONS,
    LOGINS,
    DemoLogin,
)
from .files import Letterhead, StoredFiles
from .names import NameGenerator
from .papers import plan_papers
from .persist import save_invitations, save_meetings, save_minutes, save_papers
from .progress import Progress
from .prose import prose_pool
from .schedule import demo_calendar, large_calendar
from .town import Town, town_build

DEFAULT_SEED = 20240609
DEMO_PAPERS = 60
LARGE_PAPERS = 20_000
LARGE_YEARS = 10
# What counts as somebody else's data: every model the demo itself writes.
GUARDED: tuple[type[models.Model], ...] = (
    Body, LegislativeTerm, Location, Organization, Person, Membership, Meeting, AgendaItem,
    Paper, Consultation, File, User,
)  # fmt: skip


class DemoDatabaseNotEmpty(DomainError):
    """The database holds data that is not the demo's; the demo is only written to empty ones."""


@dataclass(frozen=True)
class DemoOptions:
    today: datetime.date
    seed: int = DEFAULT_SEED
    size: str = "demo"
    papers: int | None = None
    years: int | None = None

    @property
    def large(self) -> bool:
        return self.size == "large"

    @property
    def paper_count(self) -> int:
        return (
            self.papers
            if self.papers is not None
            else (LARGE_PAPERS if self.large else DEMO_PAPERS)
        )

    @property
    def year_count(self) -> int:
        return self.years if self.years is not None else LARGE_YEARS


@dataclass(frozen=True)
class SeedSummary:
    counts: dict[str, int]
    total_bytes: int
    seconds: float


def demo_exists() -> bool:
    return Body.all_objects.filter(external_id=DEMO_EXTERNAL_ID).exists()


def demo_logins() -> list[tuple[DemoLogin, str]]:
    """The demo logins with a note on who they are (the council member's name and faction)."""
    notes = {"admin": "Superuser", "sitzungsdienst": "Sitzungsdienst der Stadt Musterstadt"}
    member = User.objects.filter(username="ratsmitglied").select_related("person").first()
    if member is not None and member.person is not None:
        faction = (
            Membership.objects.filter(
                person=member.person, organization__organization_type=Organization.Type.FACTION
            )
            .values_list("organization__name", flat=True)
            .first()
        )
        notes["ratsmitglied"] = ", ".join(n for n in (member.person.name, faction) if n)
    logins = [(login, notes.get(login.username, "")) for login in LOGINS]
    # The other council members' logins (documents/demo/town.py), named by one example.
    council = User.objects.filter(person__isnull=False).exclude(
        username__in=[login.username for login in LOGINS]
    )
    count = council.count()
    example = council.order_by("username").values_list("username", flat=True).first()
    if example is not None:
        note = f"alle {count} weiteren Ratsmitglieder; Benutzername = E-Mail-Adresse vor dem @"
        logins.append((DemoLogin(example, COUNCIL_MEMBER_PASSWORD, "Ratsmitglieder"), note))
    return logins


def foreign_data() -> list[str]:
    """What the database already holds, as "2 Körperschaften", empty when it is empty."""
    found = []
    for model in GUARDED:
        count = model._base_manager.count()
        if count:
            meta = model._meta
            label = meta.verbose_name if count == 1 else meta.verbose_name_plural
            found.append(f"{count} {label}")
    return found


def demo_seed(*, options: DemoOptions, progress: Progress) -> SeedSummary:
    """Write the demo town into an empty database; raises DemoDatabaseNotEmpty otherwise."""
    began = time.monotonic()
    stored = StoredFiles()
    try:
        with transaction.atomic():
            found = foreign_data()
            if found:
                raise DemoDatabaseNotEmpty(not_empty_message(found))
            counts = _build(options, progress, stored)
    except BaseException:
        stored.remove_all()
        raise
    return SeedSummary(counts, stored.total_bytes, time.monotonic() - began)


def not_empty_message(found: list[str]) -> str:
    return (
        f"Die Datenbank enthält bereits Daten ({', '.join(found)}), deshalb legt seed_demo die "
        "Demo-Stadt nicht an – verwenden Sie eine leere Datenbank, z. B. mit "
        "DATABASE_URL=sqlite:///var/demo.sqlite3 und „manage.py migrate“, und starten Sie "
        "seed_demo dort."
    )


def _build(options: DemoOptions, progress: Progress, stored: StoredFiles) -> dict[str, int]:
    rng = random.Random(options.seed)
    today = options.today
    town = town_build(rng=rng, names=NameGenerator(rng), today=today)
    progress.phase(
        f"Struktur: {len(town.boards)} Gremien, {len(town.factions)} Fraktionen, "
        f"{len(town.departments)} Fachbereiche, {Person.objects.count()} Personen"
    )
    if options.large:
        meetings = large_calendar(today, options.year_count, rng)
    else:
        meetings = demo_calendar(today)
    papers = plan_papers(
        rng=rng, meetings=meetings, count=options.paper_count, today=today, demo=not options.large
    )
    chairs = {key: (p.name, p.gender == "female") for key, p in town.chairs.items()}
    build_agendas(meetings, seats=town.seats, chairs=chairs, rng=rng)
    items = save_meetings(meetings, town)
    head = _letterhead(town, options.seed, rng, chairs)
    invitations = save_invitations(meetings, head, stored)
    minutes = save_minutes(meetings, chairs, today)
    progress.phase(f"Sitzungen: {len(meetings)} mit {items} Tagesordnungspunkten")
    consultations, files = save_papers(
        papers,
        town,
        head,
        stored,
        lambda done: progress.count("Vorlagen", done, len(papers)),
    )
    # The worker (make run starts it) reads the text of every demo file.
    queued = file_extraction_enqueue_pending()
    return {
        "Personen": Person.objects.count(),
        "Gremien und Organisationen": len(town.boards) + len(town.factions) + len(town.departments),
        "Mitgliedschaften": Membership.objects.count(),
        "Sitzungen": len(meetings),
        "Tagesordnungspunkte": items,
        "Niederschriften": minutes,
        "Vorlagen": len(papers),
        "Beratungen": consultations,
        "Dateien": files + invitations,
        "Benutzer": len(town.users),
        "Texterkennungsaufträge": queued,
    }


def _letterhead(
    town: Town, seed: int, rng: random.Random, chairs: dict[str, tuple[str, bool]]
) -> Letterhead:
    faction_chairs = {}
    for f in FACTIONS:
        person = town.faction_chairs[f.key]
        role = "Fraktionsvorsitzende" if person.gender == "female" else "Fraktionsvorsitzender"
        faction_chairs[f.key] = (person.name, f"{role}, {f.name}")
    return Letterhead(
        seed=seed,
        pool=prose_pool(rng),
        boards={key: board.name for key, board in BOARDS.items()},
        genitives={key: board.genitive for key, board in BOARDS.items()},
        departments={key: org.name for key, org in town.departments.items()},
        factions={f.key: f.name for f in FACTIONS},
        faction_chairs=faction_chairs,
        chairs=chairs,
        mayor=town.mayor.name,
        address="Rathaus, Marktplatz 1, 12345 Musterstadt",
        rooms={
            key: (town.council_room if key == COUNCIL else town.committee_room).room
            for key in BOARDS
        },
    )
