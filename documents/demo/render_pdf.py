"""PDF files of the demo town: papers, invitations, site plans and cost sheets."""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass

from .pdf_layout import LEFT, PT, RIGHT, WIDTH, Sheet, created_at, latin1
from .prose import PaperText, euro
from .topics import quote


@dataclass(frozen=True)
class PaperDoc:
    reference: str
    date: datetime.date
    paper_type: str
    subject: str
    public: bool
    issuer: str
    department: str
    consultations: Sequence[tuple[str, str, str]]
    text: PaperText
    attachments: Sequence[str]
    signature: tuple[str, str]
    pages: int


def paper_pdf(doc: PaperDoc, filler: Sequence[str], rng: random.Random) -> bytes:
    """The main file of a paper: letterhead, consultation sequence and the five sections."""
    pdf = Sheet(
        running=f"Vorlage {doc.reference}",
        footer=f"{doc.paper_type} {doc.reference} vom {doc.date:%d.%m.%Y}",
        created=created_at(doc.date),
    )
    pdf.set_title(f"{doc.paper_type} {doc.reference}: {doc.subject}")
    pdf.set_subject(doc.subject)
    pdf.new_page()
    _letterhead(pdf, doc.issuer, doc.department)
    status = "öffentlich" if doc.public else "nichtöffentlich"
    info = (
        f"Vorlage Nr.: {doc.reference}",
        f"Datum: {doc.date:%d.%m.%Y}",
        f"Vorlagenart: {doc.paper_type}",
        f"Status: {status}",
    )
    pdf.use_font("", 9)
    for index, line in enumerate(info):
        pdf.text(135, 28 + index * 4.6, latin1(line))
    pdf.y_pos = 58
    pdf.lines(doc.paper_type, size=13, style="B")
    pdf.gap(1)
    pdf.lines(f"Betreff: {doc.subject}", size=11.5, style="B")
    pdf.gap(4)
    if doc.consultations:
        pdf.lines("Beratungsfolge", size=9, style="B")
        rows = [("Datum", "Gremium", "Zuständigkeit"), *doc.consultations]
        pdf.grid(rows, (25, 105, 35))
    text = doc.text
    pdf.heading(text.proposal_heading)
    for line in text.proposal:
        pdf.paragraph(line)
    pdf.heading("Sachverhalt")
    for para in text.facts:
        pdf.paragraph(para)
    # Generic and topic paragraphs alternate; the generic ones are read on from a random place
    # in the pool, where neighbouring paragraphs share no sentence.
    start, details = rng.randrange(len(filler)), iter(text.details)
    for index in itertools.count():
        if pdf.page_no() >= doc.pages:
            break
        pdf.paragraph(filler[(start + index) % len(filler)])
        detail = next(details, None)
        if detail and pdf.page_no() < doc.pages:
            pdf.paragraph(detail)
    pdf.heading("Begründung")
    for para in text.reasons:
        pdf.paragraph(para)
    pdf.heading("Finanzielle Auswirkungen")
    for para in text.finance:
        pdf.paragraph(para)
    if text.finance_rows:
        pdf.grid([("Haushaltsjahr", "Betrag"), *text.finance_rows], (60, 45))
    pdf.heading("Anlagen")
    if doc.attachments:
        for index, name in enumerate(doc.attachments, start=1):
            pdf.lines(f"Anlage {index}: {name} zu {quote(doc.subject)}", indent=4)
    else:
        pdf.lines("keine")
    pdf.gap(8)
    pdf.need(22)
    pdf.lines(f"Musterstadt, den {doc.date:%d.%m.%Y}")
    pdf.gap(4)
    pdf.lines(f"gez. {doc.signature[0]}")
    pdf.lines(doc.signature[1], size=9)
    return pdf.render()


def _letterhead(pdf: Sheet, issuer: str, department: str) -> None:
    pdf.set_fill_color(0, 84, 147)
    pdf.rect(LEFT, 22, 3, 16, style="F")
    pdf.use_font("B", 16)
    pdf.text(LEFT + 6, 29, "Stadt Musterstadt")
    pdf.use_font("", 10)
    pdf.text(LEFT + 6, 34.5, latin1(issuer))
    pdf.use_font("", 8.5)
    pdf.text(LEFT + 6, 38.5, latin1(department))


@dataclass(frozen=True)
class InvitationDoc:
    board: str
    genitive: str
    title: str
    start: datetime.datetime
    room: str
    address: str
    items: Sequence[tuple[str, str]]
    private_items: int
    chair: tuple[str, str]
    sent: datetime.date


def invitation_pdf(doc: InvitationDoc) -> bytes:
    """The invitation of a meeting; non-public items are only counted, never named."""
    pdf = Sheet(running=doc.title, footer=f"Einladung – {doc.board}", created=created_at(doc.sent))
    pdf.set_title(f"Einladung: {doc.title}")
    pdf.new_page()
    _letterhead(pdf, "Die Bürgermeisterin", "Ratsbüro")
    pdf.use_font("", 9)
    pdf.text(135, 28, f"Musterstadt, {doc.sent:%d.%m.%Y}")
    pdf.y_pos = 52
    pdf.lines(f"An die Mitglieder {doc.genitive}", size=10)
    pdf.gap(6)
    pdf.lines("Einladung", size=14, style="B")
    pdf.gap(2)
    when = f"{_WEEKDAYS[doc.start.weekday()]}, {doc.start:%d.%m.%Y}, um {doc.start:%H:%M} Uhr"
    pdf.paragraph(
        f"zur {doc.title} lade ich Sie hiermit ein. Die Sitzung findet am {when} im "
        f"{doc.room}, {doc.address}, statt."
    )
    pdf.heading("Tagesordnung")
    pdf.lines("Öffentlicher Teil", style="B", size=10)
    pdf.gap(1)
    for number, name in doc.items:
        pdf.use_font("", 10)
        pdf.need(6)
        pdf.text(LEFT, pdf.y_pos + 10 * PT, latin1(number))
        pdf.lines(name, indent=18)
        pdf.gap(1)
    if doc.private_items:
        pdf.gap(2)
        pdf.lines("Nichtöffentlicher Teil", style="B", size=10)
        pdf.lines(
            f"{doc.private_items} Tagesordnungspunkte; die Unterlagen erhalten die Mitglieder "
            "gesondert im Ratsinformationssystem."
        )
    pdf.gap(8)
    pdf.need(20)
    pdf.lines("Mit freundlichen Grüßen")
    pdf.gap(4)
    pdf.lines(f"gez. {doc.chair[0]}")
    pdf.lines(doc.chair[1], size=9)
    return pdf.render()


_WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


def site_plan_pdf(
    *, title: str, reference: str, place: str, day: datetime.date, rng: random.Random
) -> bytes:
    """A schematic site plan: two streets, building blocks and the dashed planning area."""
    pdf = Sheet(
        running=f"Vorlage {reference}",
        footer=f"{title} – Vorlage {reference}",
        created=created_at(day),
    )
    pdf.set_title(f"{title} – {place}")
    pdf.new_page()
    pdf.lines(title, size=14, style="B")
    pdf.lines(f"Bereich {quote(place)}, Gemarkung Musterstadt – ohne Maßstab", size=9)
    top, bottom, road = 50.0, 240.0, 7.0
    street_y = rng.uniform(top + 50, bottom - 50)
    street_x = rng.uniform(LEFT + 40, RIGHT - 40)
    pdf.set_fill_color(236, 240, 226)
    pdf.set_draw_color(60, 60, 60)
    pdf.rect(LEFT, top, WIDTH, bottom - top, style="DF")
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(160, 160, 160)
    pdf.rect(LEFT, street_y - road / 2, WIDTH, road, style="DF")
    pdf.rect(street_x - road / 2, top, road, bottom - top, style="DF")
    pdf.set_fill_color(205, 205, 205)
    pdf.set_draw_color(90, 90, 90)
    for _ in range(rng.randint(16, 24)):
        w, h = rng.uniform(8, 20), rng.uniform(6, 16)
        x, y = rng.uniform(LEFT + 3, RIGHT - w - 3), rng.uniform(top + 3, bottom - h - 3)
        # Buildings stand beside the streets, not on them.
        if x - 2 < street_x + road / 2 and x + w + 2 > street_x - road / 2:
            continue
        if y - 2 < street_y + road / 2 and y + h + 2 > street_y - road / 2:
            continue
        pdf.rect(x, y, w, h, style="DF")
    pdf.set_line_width(0.8)
    pdf.set_draw_color(200, 30, 30)
    pdf.set_dash_pattern(dash=3, gap=1.5)
    x0, y0 = rng.uniform(LEFT + 12, street_x - 75), rng.uniform(top + 12, street_y - 62)
    x0, y0 = max(x0, LEFT + 8), max(y0, top + 8)
    pdf.polygon([(x0, y0), (x0 + 55, y0 + 4), (x0 + 62, y0 + 48), (x0 - 4, y0 + 52)], style="D")
    pdf.set_dash_pattern()
    pdf.set_line_width(0.2)
    pdf.use_font("B", 9)
    pdf.set_text_color(200, 30, 30)
    pdf.text(x0 + 12, y0 + 27, "Geltungsbereich")
    pdf.set_text_color(0, 0, 0)
    pdf.use_font("", 8)
    pdf.text(LEFT + 3, street_y + 1.2, latin1(place))
    pdf.set_fill_color(0, 0, 0)
    pdf.polygon([(RIGHT - 12, top + 6), (RIGHT - 15, top + 16), (RIGHT - 9, top + 16)], style="F")
    pdf.text(RIGHT - 13.3, top + 20.5, "N")
    pdf.y_pos = bottom + 6
    pdf.lines(
        "Legende: rot gestrichelt – Geltungsbereich; grau – Bestandsgebäude; weiß – Straßen.",
        size=8,
    )
    return pdf.render()


def cost_sheet_pdf(
    *,
    title: str,
    reference: str,
    subject: str,
    day: datetime.date,
    rows: Sequence[tuple[str, str, int]],
) -> bytes:
    """A one-page cost breakdown as an auxiliary PDF."""
    pdf = Sheet(
        running=f"Vorlage {reference}",
        footer=f"{title} – Vorlage {reference}",
        created=created_at(day),
    )
    pdf.set_title(f"{title}: {subject}")
    pdf.new_page()
    pdf.lines(title, size=14, style="B")
    pdf.lines(subject, size=10)
    pdf.gap(6)
    table = [("Pos.", "Kostengruppe", "Betrag (EUR)")]
    table += [(pos, label, euro(amount)) for pos, label, amount in rows]
    table.append(("", "Summe", euro(sum(amount for _, _, amount in rows))))
    pdf.grid(table, (15, 100, 50), size=10)
    pdf.paragraph(
        f"Kostenschätzung nach DIN 276 auf Grundlage der Entwurfsplanung, Preisstand {day:%m/%Y}."
    )
    return pdf.render()
