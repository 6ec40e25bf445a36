"""The demo's files: rendered from the plan, written to the file storage through
`File.content`, and remembered so that a failed run can take them back out of storage."""

from __future__ import annotations

import datetime
import hashlib
import random
import re
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import Storage

from documents.models import File

from .plan import MeetingPlan, PaperPlan
from .prose import cost_items, paper_text
from .render_docx import DOCX_MIME, AttachmentDoc, attachment_docx
from .render_pdf import (
    InvitationDoc,
    PaperDoc,
    cost_sheet_pdf,
    invitation_pdf,
    paper_pdf,
    site_plan_pdf,
)
from .topics import ANFRAGE, ANTRAG

PDF_MIME = "application/pdf"
_UNSAFE = re.compile(r"[\\/:*?\"<>|„“”‚‘’\x00-\x1f]+")


@dataclass(frozen=True)
class Letterhead:
    """Names the renderers print: boards, departments, factions and who signs."""

    seed: int
    pool: list[str]
    boards: dict[str, str]
    genitives: dict[str, str]
    departments: dict[str, str]
    factions: dict[str, str]
    faction_chairs: dict[str, tuple[str, str]]
    chairs: dict[str, tuple[str, bool]]
    mayor: str
    address: str
    rooms: dict[str, str]


class StoredFiles:
    """Every file written to storage in this run."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.total_bytes = 0
        self._storage: Storage | None = None

    def attach(self, obj: File, data: bytes, file_name: str) -> File:
        obj.sha256 = hashlib.sha256(data).hexdigest()
        obj.size = len(data)
        obj.file_name = file_name
        obj.content.save(file_name, ContentFile(data), save=False)
        self._storage = obj.content.storage
        self.names.append(str(obj.content.name))
        self.total_bytes += len(data)
        return obj

    def remove_all(self) -> None:
        """Delete what this run wrote (after a failure; the rows are rolled back anyway)."""
        if self._storage is None:
            return
        for name in self.names:
            try:
                self._storage.delete(name)
            except OSError:
                continue
        self.names.clear()


def safe_file_name(text: str, extension: str) -> str:
    """A file name without path separators or quotes, at most about 120 characters."""
    cleaned = " ".join(_UNSAFE.sub(" ", text.replace("/", "-")).split())
    return f"{cleaned[:120].rstrip(' .–-')}.{extension}"


def paper_files(paper: PaperPlan, head: Letterhead, stored: StoredFiles) -> list[File]:
    """The main PDF and any attachments of one paper, already in storage, not yet saved."""
    rng = random.Random(f"{head.seed}/paper/{paper.index}")
    topic = paper.topic
    ref = paper.reference
    attachments: list[tuple[str, str, str]] = []
    for kind in paper.attachments:
        number = len(attachments) + 1
        title = {
            "lageplan": "Lageplan",
            "kosten": "Kostenaufstellung",
            "docx": "Erläuterungen und Kostenübersicht",
        }[kind]
        attachments.append((kind, f"Anlage {number} – {title}", title))
    path = [c.meeting.board for c in paper.consultations] or list(topic.path)
    faction_paper = topic.paper_type in (ANTRAG, ANFRAGE) and paper.faction
    text = paper_text(
        topic,
        rng,
        year=paper.date.year,
        decider=head.boards[path[-1]],
        faction=head.factions.get(paper.faction, ""),
        meeting_day=f"{paper.date - datetime.timedelta(days=rng.randint(5, 20)):%d.%m.%Y}",
    )
    doc = PaperDoc(
        reference=ref,
        date=paper.date,
        paper_type=topic.paper_type,
        subject=topic.subject,
        public=topic.public,
        issuer=head.factions[paper.faction] if faction_paper else "Die Bürgermeisterin",
        department=(
            "im Rat der Stadt Musterstadt" if faction_paper else head.departments[topic.department]
        ),
        consultations=[
            (f"{c.meeting.start:%d.%m.%Y}", head.boards[c.meeting.board], c.role)
            for c in paper.consultations
        ],
        text=text,
        attachments=[title for _kind, _name, title in attachments],
        signature=(
            head.faction_chairs[paper.faction] if faction_paper else (head.mayor, "Bürgermeisterin")
        ),
        pages=paper.pages,
    )
    main = File(
        paper_id=paper.pk,
        name=f"{topic.paper_type} {ref}",
        mime_type=PDF_MIME,
        date=paper.date,
        role=File.Role.MAIN,
        order=0,
        public=topic.public,
    )
    name = safe_file_name(f"{topic.paper_type} {ref} {topic.subject}", "pdf")
    result = [stored.attach(main, paper_pdf(doc, head.pool, rng), name)]
    for order, (kind, label, title) in enumerate(attachments, start=1):
        aux = File(
            paper_id=paper.pk,
            name=label,
            date=paper.date,
            role=File.Role.AUXILIARY,
            order=order,
            public=topic.public,
        )
        if kind == "lageplan":
            aux.mime_type = PDF_MIME
            data = site_plan_pdf(
                title=label,
                reference=ref,
                place=topic.place or "Musterstadt",
                day=paper.date,
                rng=rng,
            )
        elif kind == "kosten":
            aux.mime_type = PDF_MIME
            rows = cost_items(topic, rng)
            data = cost_sheet_pdf(
                title=label, reference=ref, subject=topic.subject, day=paper.date, rows=rows
            )
        else:
            aux.mime_type = DOCX_MIME
            data = attachment_docx(
                AttachmentDoc(
                    title=label,
                    reference=ref,
                    subject=topic.subject,
                    department=head.departments[topic.department],
                    day=paper.date,
                    paragraphs=[*text.facts[:2], *rng.sample(head.pool, 2)],
                    rows=cost_items(topic, rng),
                )
            )
        extension = "docx" if kind == "docx" else "pdf"
        name = safe_file_name(f"Vorlage {ref} Anlage {order} {title}", extension)
        result.append(stored.attach(aux, data, name))
    return result


def invitation_file(meeting: MeetingPlan, head: Letterhead, stored: StoredFiles) -> File:
    """The invitation PDF of a published meeting."""
    assert meeting.published_at is not None
    sent = meeting.published_at.date()
    board = meeting.board
    chair_name, female = head.chairs[board]
    doc = InvitationDoc(
        board=head.boards[board],
        genitive=head.genitives[board],
        title=meeting.name,
        start=meeting.start,
        room=head.rooms[board],
        address=head.address,
        items=[(item.number, item.name) for item in meeting.items if item.public],
        private_items=sum(1 for item in meeting.items if not item.public),
        chair=(chair_name, "Vorsitzende" if female else "Vorsitzender"),
        sent=sent,
    )
    obj = File(
        meeting_id=meeting.pk,
        name=f"Einladung zur {meeting.name}",
        mime_type=PDF_MIME,
        date=sent,
        role=File.Role.INVITATION,
        public=True,
    )
    name = safe_file_name(f"Einladung {meeting.name} {meeting.start:%Y-%m-%d}", "pdf")
    return stored.attach(obj, invitation_pdf(doc), name)
