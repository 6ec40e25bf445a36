"""A meeting with a public and a non-public part, shared by the page tests of this app.

The non-public part carries the canary word in its item, paper and file names: tests assert
that it never reaches a page of someone who may not see it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from documents.models import File, Paper
from ratsinfo.models import Body, Organization
from sessions.models import AgendaItem, Meeting
from tests.factories import (
    AgendaItemFactory,
    ConsultationFactory,
    FileFactory,
    LocationFactory,
    MeetingFactory,
    PaperFactory,
)

CANARY = "Kanarienvogel"


@dataclass(frozen=True)
class MeetingScenario:
    meeting: Meeting
    public_item: AgendaItem
    public_paper: Paper
    public_file: File
    secret_file_on_public_paper: File
    non_public_item: AgendaItem
    non_public_paper: Paper
    non_public_file: File
    invitation: File


def build_meeting(
    body: Body,
    committee: Organization,
    references: tuple[str, str] = ("2026/0100", "2026/0101"),
    **meeting_fields: object,
) -> MeetingScenario:
    meeting = MeetingFactory(
        body=body,
        name="Sitzung des Bauausschusses",
        organizations=[committee],
        location=LocationFactory(
            description="Rathaus", room="Ratssaal", street_address="Marktplatz 1"
        ),
        **meeting_fields,
    )
    public_item = AgendaItemFactory(
        meeting=meeting, order=1, number="Ö 1", name="Radweg Lindenallee"
    )
    public_paper = PaperFactory(
        body=body, name="Ausbau des Radwegs Lindenallee", reference=references[0]
    )
    ConsultationFactory(paper=public_paper, agenda_item=public_item, organizations=[committee])
    public_file = FileFactory(
        paper=public_paper, role=File.Role.MAIN, name="Beschlussvorlage Radweg"
    )
    secret_file = FileFactory(paper=public_paper, name=f"Kostenschätzung {CANARY}", public=False)
    non_public_item = AgendaItemFactory(
        meeting=meeting,
        order=2,
        number="N 1",
        name=f"Grundstücksangelegenheit {CANARY}",
        public=False,
    )
    non_public_paper = PaperFactory(
        body=body, name=f"Ankauf Flurstück {CANARY}", reference=references[1], public=False
    )
    ConsultationFactory(
        paper=non_public_paper, agenda_item=non_public_item, organizations=[committee]
    )
    non_public_file = FileFactory(
        paper=non_public_paper, name=f"Gutachten {CANARY}", file_name="gutachten.pdf"
    )
    invitation = FileFactory(
        paper=None, meeting=meeting, role=File.Role.INVITATION, name="Einladung"
    )
    return MeetingScenario(
        meeting=meeting,
        public_item=public_item,
        public_paper=public_paper,
        public_file=public_file,
        secret_file_on_public_paper=secret_file,
        non_public_item=non_public_item,
        non_public_paper=non_public_paper,
        non_public_file=non_public_file,
        invitation=invitation,
    )


@pytest.fixture
def scenario(body: Body, committee: Organization) -> MeetingScenario:
    return build_meeting(body, committee)
