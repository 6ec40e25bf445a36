"""Writing the plan to the database in bulk: meetings with their agendas, then papers in
batches with their consultations and files (a batch's PDFs are never all held at once)."""

from __future__ import annotations

import datetime
import gc
from collections.abc import Callable, Sequence

from django.db import models, reset_queries

from documents.models import Consultation, File, Paper
from sessions.models import AgendaItem, Meeting, Minutes

from .boards import COUNCIL
from .files import Letterhead, StoredFiles, invitation_file, paper_files
from .plan import MeetingPlan, PaperPlan
from .topics import ANFRAGE, ANTRAG
from .town import Town

BATCH = 200


def _through_rows(relation: Callable[..., models.Model], rows: list[dict[str, int]]) -> None:
    objects = [relation(**row) for row in rows]
    if objects:
        type(objects[0])._default_manager.bulk_create(objects, batch_size=1000)


def save_meetings(meetings: Sequence[MeetingPlan], town: Town) -> int:
    """Meetings, their boards and participants, and all agenda items; returns the item count."""
    objs = Meeting.objects.bulk_create(
        [
            Meeting(
                body=town.body,
                name=plan.name,
                state=plan.state,
                start=plan.start,
                end=plan.end,
                location=town.council_room if plan.board == COUNCIL else town.committee_room,
                published_at=plan.published_at,
            )
            for plan in meetings
        ],
        batch_size=500,
    )
    for plan, obj in zip(meetings, objs, strict=True):
        plan.pk = obj.pk
    _through_rows(
        Meeting.organizations.through,
        [{"meeting_id": p.pk, "organization_id": town.boards[p.board].pk} for p in meetings],
    )
    _through_rows(
        Meeting.participants.through,
        [{"meeting_id": p.pk, "person_id": person} for p in meetings for person in p.participants],
    )
    items = [(plan, item) for plan in meetings for item in plan.items]
    created = AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting_id=plan.pk,
                number=item.number,
                order=item.order,
                name=item.name,
                public=item.public,
                result=item.result,
                resolution_text=item.resolution,
                start=item.start,
                end=item.end,
            )
            for plan, item in items
        ],
        batch_size=1000,
    )
    for (_plan, item), obj in zip(items, created, strict=True):
        item.pk = obj.pk
    return len(created)


def save_invitations(meetings: Sequence[MeetingPlan], head: Letterhead, stored: StoredFiles) -> int:
    files = [invitation_file(m, head, stored) for m in meetings if m.published_at is not None]
    File.objects.bulk_create(files)
    return len(files)


def save_papers(
    papers: Sequence[PaperPlan],
    town: Town,
    head: Letterhead,
    stored: StoredFiles,
    progress: Callable[[int], None],
) -> tuple[int, int]:
    """All papers in batches; returns the numbers of consultations and files."""
    consultations = files = 0
    for start in range(0, len(papers), BATCH):
        batch = papers[start : start + BATCH]
        c, f = _save_batch(batch, town, head, stored)
        consultations += c
        files += f
        progress(start + len(batch))
        # Keep memory flat: python-docx leaves reference cycles around lxml trees whose size
        # the collector does not see, and with DEBUG on Django logs every (bulk) query.
        gc.collect()
        reset_queries()
    related = [
        {"from_paper_id": p.pk, "to_paper_id": other.pk} for p in papers for other in p.related
    ]
    _through_rows(Paper.related_papers.through, related)
    return consultations, files


def _save_batch(
    batch: Sequence[PaperPlan], town: Town, head: Letterhead, stored: StoredFiles
) -> tuple[int, int]:
    objs = Paper.objects.bulk_create(
        [
            Paper(
                body=town.body,
                name=plan.topic.subject,
                reference=plan.reference,
                date=plan.date,
                paper_type=plan.topic.paper_type,
                public=plan.topic.public,
                published_at=plan.published_at,
                keyword=list(plan.topic.keywords[:3]),
            )
            for plan in batch
        ]
    )
    originators, persons, directed = [], [], []
    for plan, obj in zip(batch, objs, strict=True):
        plan.pk = obj.pk
        department = town.departments[plan.topic.department].pk
        directed.append({"paper_id": obj.pk, "organization_id": department})
        if plan.faction and plan.topic.paper_type in (ANTRAG, ANFRAGE):
            faction = town.factions[plan.faction].pk
            originators.append({"paper_id": obj.pk, "organization_id": faction})
            persons.append({"paper_id": obj.pk, "person_id": town.faction_chairs[plan.faction].pk})
        else:
            originators.append({"paper_id": obj.pk, "organization_id": department})
    _through_rows(Paper.originator_organizations.through, originators)
    _through_rows(Paper.originator_persons.through, persons)
    _through_rows(Paper.under_direction_of.through, directed)

    plans = [c for plan in batch for c in plan.consultations]
    created = Consultation.objects.bulk_create(
        [
            Consultation(
                paper_id=c.paper.pk,
                agenda_item_id=c.item.pk if c.item else None,
                role=c.role,
                authoritative=c.authoritative,
            )
            for c in plans
        ]
    )
    _through_rows(
        Consultation.organizations.through,
        [
            {"consultation_id": obj.pk, "organization_id": town.boards[c.meeting.board].pk}
            for c, obj in zip(plans, created, strict=True)
        ],
    )
    files: list[File] = []
    for plan in batch:
        files += paper_files(plan, head, stored)
    File.objects.bulk_create(files)
    return len(created), len(files)


def save_minutes(
    meetings: Sequence[MeetingPlan], chairs: dict[str, tuple[str, bool]], today: datetime.date
) -> int:
    """Minutes for every held meeting: approved at the board's next held meeting (or six weeks
    on) and published a week after that, so the latest minutes still await approval."""
    held = sorted(
        (m for m in meetings if m.state == Meeting.State.COMPLETED), key=lambda m: m.start
    )
    next_held: dict[int, MeetingPlan] = {}
    last_by_board: dict[str, MeetingPlan] = {}
    for plan in held:
        previous = last_by_board.get(plan.board)
        if previous is not None:
            next_held[id(previous)] = plan
        last_by_board[plan.board] = plan
    rows = []
    for plan in held:
        chair, female = chairs.get(plan.board, ("", False))
        title = "Die Vorsitzende" if female else "Der Vorsitzende"
        end = plan.end or plan.start
        approval = next_held.get(id(plan))
        # Without a later held meeting in the calendar, the board approved it six weeks on.
        approved = approval.start if approval else plan.start + datetime.timedelta(weeks=6)
        published: datetime.datetime | None = approved + datetime.timedelta(days=7)
        if approved.date() > today:
            approved_on = None
            published = None
        else:
            approved_on = approved.date()
            if published is not None and published.date() > today:
                published = None
        rows.append(
            Minutes(
                meeting_id=plan.pk,
                introduction=(
                    f"{title} {chair} eröffnet die Sitzung um {plan.start:%H:%M} Uhr, begrüßt die "
                    "Anwesenden und stellt die form- und fristgerechte Einladung sowie die "
                    "Beschlussfähigkeit fest."
                ).replace("  ", " "),
                closing=f"{title} schließt die Sitzung um {end:%H:%M} Uhr.",
                recorder="Stadtverwaltung Musterstadt, Sitzungsdienst",
                approved_on=approved_on,
                published_at=published,
            )
        )
    Minutes.objects.bulk_create(rows, batch_size=500)
    return len(rows)
