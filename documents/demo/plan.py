"""What the seeder decides before it writes anything: meetings, agenda items, papers and
their consultations as plain objects, so that the database work can be done in bulk.
`pk` is 0 until the row exists."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from .topics import Topic


@dataclass(eq=False)
class ItemPlan:
    name: str
    public: bool
    number: str = ""
    order: int = 0
    result: str = ""
    resolution: str = ""
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None
    consultation: ConsultationPlan | None = None
    pk: int = 0


@dataclass(eq=False)
class MeetingPlan:
    board: str
    start: datetime.datetime
    round: int
    state: str
    published_at: datetime.datetime | None = None
    number: int = 0
    name: str = ""
    end: datetime.datetime | None = None
    consultations: list[ConsultationPlan] = field(default_factory=list)
    items: list[ItemPlan] = field(default_factory=list)
    participants: list[int] = field(default_factory=list)
    pk: int = 0


@dataclass(eq=False)
class ConsultationPlan:
    paper: PaperPlan
    meeting: MeetingPlan
    role: str
    authoritative: bool
    final: bool
    item: ItemPlan | None = None


@dataclass(eq=False)
class PaperPlan:
    index: int
    topic: Topic
    faction: str
    date: datetime.date
    reference: str = ""
    published_at: datetime.datetime | None = None
    # Planned result of the final consultation: pass, pass-majority, fail, adjourn or note.
    outcome: str = "note"
    consultations: list[ConsultationPlan] = field(default_factory=list)
    related: list[PaperPlan] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    pages: int = 2
    pk: int = 0
