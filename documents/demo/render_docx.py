"""Word attachments of demo papers (python-docx), byte-identical for the same input.

python-docx stamps the current time into the core properties and into every zip entry; both
are replaced by a fixed time derived from the paper's date.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from .prose import euro

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class AttachmentDoc:
    title: str
    reference: str
    subject: str
    department: str
    day: datetime.date
    paragraphs: Sequence[str]
    rows: Sequence[tuple[str, str, int]]


def attachment_docx(doc: AttachmentDoc) -> bytes:
    """A cost statement: heading, explanatory paragraphs, a cost table, header and footer."""
    document = Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = f"Stadt Musterstadt – {doc.department}"
    footer = section.footer.paragraphs[0]
    footer.text = f"Anlage zur Vorlage {doc.reference} vom {doc.day:%d.%m.%Y}"
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.styles["Normal"].font.size = Pt(10.5)
    document.add_heading(doc.title, level=1)
    document.add_paragraph(f"Vorlage {doc.reference}: {doc.subject}").runs[0].bold = True
    document.add_heading("Erläuterungen", level=2)
    for text in doc.paragraphs:
        document.add_paragraph(text)
    document.add_heading("Kostenübersicht", level=2)
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, label in zip(
        table.rows[0].cells, ("Pos.", "Kostengruppe", "Betrag (EUR)"), strict=True
    ):
        cell.text = label
        cell.paragraphs[0].runs[0].bold = True
    for position, label, amount in doc.rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = position, label, euro(amount)
        cells[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    total = table.add_row().cells
    total[1].text, total[2].text = "Summe", euro(sum(amount for _, _, amount in doc.rows))
    total[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph(
        f"Musterstadt, den {doc.day:%d.%m.%Y} – {doc.department}",
    )
    fixed = datetime.datetime.combine(doc.day, datetime.time(9, 0))
    props = document.core_properties
    props.author = props.last_modified_by = "Stadt Musterstadt"
    props.title, props.subject = doc.title, doc.subject
    props.created = props.modified = props.last_printed = fixed
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return normalized_zip(buffer.getvalue(), fixed)


def normalized_zip(data: bytes, when: datetime.datetime) -> bytes:
    """The same archive with a fixed timestamp and attributes on every entry."""
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()
