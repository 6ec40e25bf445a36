"""A small town to search in, the same for every backend, and the `backend` fixture that
yields each backend available here (DESIGN.md §6: one conformance suite for all of them).

The town's words are chosen so that every behaviour has words of its own: a test that searches
"Spielplatz" knows exactly which objects hold that word. The non-public and unpublished objects
carry the canary word (DESIGN.md §3) and the shared word "Ortsumgehung", which a public paper
holds too, so a leak shows up in totals and facet counts and not only in hits."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from documents.models import ExtractionState, File, FilePage, Paper
from documents.services import PAGE_SEPARATOR
from ratsinfo.models import Body, Organization
from search.backends import get_backend
from search.backends.base import FACETS, Backend, Hit, Results, SearchRequest
from search.entries import EntryData, entries_for
from search.query import parse
from sessions.models import AgendaItem, Meeting, Minutes
from tests.factories import (
    AgendaItemFactory,
    ConsultationFactory,
    FileFactory,
    MeetingFactory,
    MinutesFactory,
    PaperFactory,
)

CANARY = "Kanarienvogelnest"
# Held by the canary objects and by one public paper.
SHARED = "Ortsumgehung"
# Only canary objects have this year and this paper type.
CANARY_YEAR = "2019"
CANARY_PAPER_TYPE = Paper.Type.STATEMENT
SECRET_REFERENCE = "2019/9001"
UNPUBLISHED_REFERENCE = "2026/9002"

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
Key = tuple[str, int]


def available_backends() -> list[str]:
    """The database's own backend, and Elasticsearch when a server is configured."""
    names = ["postgres" if connection.vendor == "postgresql" else "sqlite"]
    if settings.ELASTICSEARCH_URL:
        names.append("elasticsearch")
    return names


@pytest.fixture(params=available_backends())
def backend(request: pytest.FixtureRequest, db: None) -> Backend:
    return get_backend(request.param)


def _ago(**delta: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


def _at(year: int, month: int, day: int, hour: int = 18) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def attach(
    *,
    name: str,
    pages: list[str],
    paper: Paper | None = None,
    meeting: Meeting | None = None,
    agenda_item: AgendaItem | None = None,
    mime_type: str = "application/pdf",
    **fields: Any,
) -> File:
    """A file whose text extraction has finished: one FilePage row per page and the joined
    text on the file, as `documents.services` stores them."""
    extension = "docx" if mime_type == DOCX else "pdf"
    file = FileFactory(
        paper=paper,
        meeting=meeting,
        agenda_item=agenda_item,
        name=name,
        file_name=f"{name.lower().replace(' ', '-')}.{extension}",
        mime_type=mime_type,
        text=PAGE_SEPARATOR.join(pages),
        page_count=len(pages),
        pages_done=len(pages),
        extraction_state=ExtractionState.DONE,
        **fields,
    )
    FilePage.objects.bulk_create(
        [FilePage(file=file, number=n, text=text) for n, text in enumerate(pages, start=1)]
    )
    return file


def paper(
    body: Body,
    name: str,
    reference: str,
    day: datetime.date,
    *,
    consulted_by: Iterable[Organization] = (),
    **fields: Any,
) -> Paper:
    fields.setdefault("published_at", _ago(days=30))
    created: Paper = PaperFactory(body=body, name=name, reference=reference, date=day, **fields)
    for organization in consulted_by:
        ConsultationFactory(paper=created, organizations=[organization])
    return created


@dataclass(frozen=True)
class Town:
    body: Body
    council: Organization
    committee: Organization
    other_committee: Organization
    zoning_plan: Paper
    noise_report: File
    school: Paper
    room_plan: File
    library: Paper
    playground: Paper
    playground_renovation: Paper
    fire_brigade: Paper
    cemetery: Paper
    lane_lighting: Paper
    budgets: tuple[Paper, ...]
    budget_files: tuple[File, ...]
    meeting: Meeting
    item: AgendaItem
    minutes: Minutes
    bypass: Paper
    # Canary objects: what no citizen and no member of another committee may ever see.
    secret_paper: Paper
    secret_file: File
    file_of_secret_paper: File
    secret_item: AgendaItem
    unpublished_paper: Paper
    council_meeting: Meeting
    unpublished_minutes: Minutes

    @property
    def canaries(self) -> dict[Key, str]:
        return {
            key(self.secret_paper): "non-public paper",
            key(self.secret_file): "non-public attachment",
            key(self.file_of_secret_paper): "public attachment of a non-public paper",
            key(self.secret_item): "non-public agenda item",
            key(self.unpublished_paper): "unpublished paper",
            key(self.unpublished_minutes): "unpublished minutes",
        }

    @property
    def non_public_canaries(self) -> set[Key]:
        """The canaries a member of the committee sees (they are published)."""
        return {
            key(self.secret_paper),
            key(self.secret_file),
            key(self.file_of_secret_paper),
            key(self.secret_item),
        }


def build_town(
    body: Body, council: Organization, committee: Organization, other: Organization
) -> Town:
    zoning_plan = paper(
        body,
        "Bebauungsplan Mühlenbach",
        "2025/0012",
        datetime.date(2025, 5, 10),
        consulted_by=[committee],
    )
    noise_report = attach(
        paper=zoning_plan,
        name="Schallgutachten",
        pages=[
            "Begründung und Anlass der Planung",
            "Verkehrszählung an der Kreuzung",
            "Die Lärmschutzwand entlang der Bahnstrecke wird drei Meter hoch.",
        ],
    )
    school = paper(
        body,
        "Sanierung der Schule am Markt",
        "2025/0031",
        datetime.date(2025, 6, 1),
        paper_type=Paper.Type.MOTION,
        originator_organizations=[council],
    )
    # Created before the library paper: ranking, not insertion order, must put the title first.
    room_plan = attach(
        paper=school,
        name="Raumprogramm",
        pages=["Mitbenutzung der Stadtbibliothek am Nachmittag"],
    )
    library = paper(body, "Erweiterung der Stadtbibliothek", "2025/0070", datetime.date(2025, 9, 1))
    playground = paper(
        body,
        "Neuer Spielplatz im Stadtpark",
        "2025/0040",
        datetime.date(2025, 7, 1),
        paper_type=Paper.Type.INQUIRY,
        consulted_by=[other],
    )
    playground_renovation = paper(
        body,
        "Sanierung Spielplatz Lindenhof",
        "2025/0041",
        datetime.date(2025, 7, 2),
        paper_type=Paper.Type.INQUIRY,
    )
    fire_brigade = paper(
        body,
        "Beschaffung Fahrzeug Feuerwehr",
        "2025/0050",
        datetime.date(2025, 8, 1),
        paper_type=Paper.Type.MOTION,
    )
    cemetery = paper(
        body,
        "Erweiterung Friedhof Urnenwand",
        "2025/0051",
        datetime.date(2025, 8, 2),
        paper_type=Paper.Type.NOTICE,
    )
    lane_lighting = paper(
        body, "Lindenallee Radweg Beleuchtung", "2025/0060", datetime.date(2025, 8, 15)
    )
    budget_types = [
        Paper.Type.RESOLUTION_DRAFT,
        Paper.Type.NOTICE,
        Paper.Type.RESOLUTION_DRAFT,
        Paper.Type.NOTICE,
        Paper.Type.REPORT,
    ]
    budgets = []
    for year, budget_type in zip(range(2022, 2027), budget_types, strict=True):
        budgets.append(
            paper(
                body,
                f"Haushalt {year}",
                f"{year}/0100",
                datetime.date(year, 1, 15) if year == 2026 else datetime.date(year, 11, 15),
                paper_type=budget_type,
                under_direction_of=[council],
                consulted_by=[committee] if year in (2024, 2025) else [],
                # The newest budget was published an hour ago: saved searches report it.
                published_at=_ago(hours=1) if year == 2026 else _ago(days=30),
            )
        )
    budget_files = (
        attach(paper=budgets[1], name="Rede der Kämmerin", pages=["Rede zum Haushalt der Stadt"]),
        attach(
            paper=budgets[2],
            name="Stellenplan",
            pages=["Übersicht", "Stellenplan zum Haushalt"],
            mime_type=DOCX,
        ),
    )
    meeting = MeetingFactory(
        body=body,
        name="Sitzung des Bauausschusses",
        organizations=[committee],
        start=_at(2025, 10, 20),
        published_at=_ago(days=30),
    )
    item = AgendaItemFactory(
        meeting=meeting,
        order=1,
        number="Ö 1",
        name="Radweg Lindenallee",
        result="einstimmig beschlossen",
        resolution_text="Der Ausschuss beschließt den Radweg Lindenallee wie vorgeschlagen.",
    )
    minutes = MinutesFactory(meeting=meeting, published_at=_ago(days=2))
    bypass = paper(
        body, f"{SHARED} Planung", "2025/0090", datetime.date(2025, 4, 1), consulted_by=[committee]
    )

    secret_paper = paper(
        body,
        f"Grundstücksverkauf {CANARY} {SHARED}",
        SECRET_REFERENCE,
        datetime.date(2019, 3, 1),
        paper_type=CANARY_PAPER_TYPE,
        public=False,
        consulted_by=[committee],
    )
    secret_file = attach(
        paper=bypass,
        name="Kaufvertrag",
        pages=["Deckblatt", f"Kaufpreis für {CANARY} an der {SHARED}", "Anhang"],
        public=False,
        date=datetime.date(2019, 3, 1),
    )
    # Public itself, but its context names the non-public paper it hangs on.
    file_of_secret_paper = attach(
        paper=secret_paper, name="Lageplan", pages=["Lageplan mit Flurstücken"]
    )
    secret_item = AgendaItemFactory(
        meeting=meeting,
        order=2,
        number="N 1",
        name="Personalangelegenheit",
        public=False,
        resolution_text=f"Vertrag {CANARY} zur {SHARED} wird geschlossen.",
    )
    unpublished_paper = paper(
        body,
        f"Entwurf {CANARY} {SHARED}",
        UNPUBLISHED_REFERENCE,
        datetime.date(2019, 3, 2),
        paper_type=CANARY_PAPER_TYPE,
        consulted_by=[committee],
        published_at=timezone.now() + datetime.timedelta(days=7),
    )
    council_meeting = MeetingFactory(
        body=body,
        name="Sitzung des Rates",
        organizations=[council],
        start=_at(2019, 5, 2),
        published_at=_ago(days=30),
    )
    unpublished_minutes = MinutesFactory(
        meeting=council_meeting,
        introduction=f"Bericht über {CANARY} und die {SHARED}.",
        published_at=timezone.now() + datetime.timedelta(days=7),
    )
    return Town(
        body=body,
        council=council,
        committee=committee,
        other_committee=other,
        zoning_plan=zoning_plan,
        noise_report=noise_report,
        school=school,
        room_plan=room_plan,
        library=library,
        playground=playground,
        playground_renovation=playground_renovation,
        fire_brigade=fire_brigade,
        cemetery=cemetery,
        lane_lighting=lane_lighting,
        budgets=tuple(budgets),
        budget_files=budget_files,
        meeting=meeting,
        item=item,
        minutes=minutes,
        bypass=bypass,
        secret_paper=secret_paper,
        secret_file=secret_file,
        file_of_secret_paper=file_of_secret_paper,
        secret_item=secret_item,
        unpublished_paper=unpublished_paper,
        council_meeting=council_meeting,
        unpublished_minutes=unpublished_minutes,
    )


@pytest.fixture
def town(
    body: Body, council: Organization, committee: Organization, other_committee: Organization
) -> Town:
    return build_town(body, council, committee, other_committee)


@pytest.fixture
def indexed_town(backend: Backend, town: Town) -> Town:
    """The town, indexed from scratch by the backend under test."""
    backend.rebuild()
    return town


def key(obj: models.Model) -> Key:
    from search.entries import key_of

    found = key_of(obj)
    assert found is not None, f"{type(obj).__name__} is not indexed"
    return found


def search(backend: Backend, text: str, user: Any, **request: Any) -> Results:
    return backend.search(SearchRequest(query=parse(text), **request), user=user)


def hit_keys(results: Results) -> list[Key]:
    return [(hit.kind, hit.object_id) for hit in results.hits]


def all_hits(backend: Backend, text: str, user: Any, **request: Any) -> list[Hit]:
    """Every hit of a query, page after page (stops when a page comes back short)."""
    per_page = request.pop("per_page", 50)
    hits: list[Hit] = []
    for page in range(1, 100):
        results = search(backend, text, user, page=page, per_page=per_page, **request)
        hits += results.hits
        if len(results.hits) < per_page:
            break
    return hits


def found(backend: Backend, text: str, user: Any, **request: Any) -> set[Key]:
    return {(hit.kind, hit.object_id) for hit in all_hits(backend, text, user, **request)}


def entry_data(keys: Iterable[Key]) -> list[EntryData]:
    """What the index holds for these objects, as the entry builders make it (backend-neutral
    expectations for facets)."""
    from search.entries import MODELS

    data, _gone = entries_for(MODELS[kind](pk=pk) for kind, pk in keys)
    return data


def expected_facets(keys: Iterable[Key]) -> dict[str, Counter[str]]:
    """Facet counts that exactly these matches produce."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for data in entry_data(keys):
        counts["kind"][data.kind] += 1
        for organization_id in data.organization_ids:
            counts["organization"][str(organization_id)] += 1
        if data.paper_type:
            counts["paper_type"][data.paper_type] += 1
        if data.year is not None:
            counts["year"][str(data.year)] += 1
        if data.file_type:
            counts["file_type"][data.file_type] += 1
    return counts


def facet_counts(results: Results) -> dict[str, Counter[str]]:
    """Counts per facet value; a facet the backend left out counts nothing."""
    return {
        name: Counter({value.value: value.count for value in results.facets.get(name, [])})
        for name in FACETS
    }
