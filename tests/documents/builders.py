"""Builders for the files the extraction tests read: real documents and broken ones, made in
the test run itself (no binary fixtures)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from fpdf import FPDF
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter

DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def text_pdf(pages: list[str]) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def png_bytes(size: tuple[int, int] = (400, 200)) -> bytes:
    image = Image.new("L", size, 255)
    ImageDraw.Draw(image).rectangle((20, 20, size[0] - 20, size[1] // 2), fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def scanned_pdf(page_count: int = 2) -> bytes:
    """Pages that carry only an image, as a scanner produces them."""
    pdf = FPDF()
    for _ in range(page_count):
        pdf.add_page()
        pdf.image(io.BytesIO(png_bytes()), x=10, y=10, w=180)
    return bytes(pdf.output())


def encrypted_pdf(*, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(text_pdf(["Vertrauliche Kostenschätzung " * 3])))
    writer.encrypt(user_password=user_password, owner_password="besitzer-kennwort")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def long_pdf(page_count: int) -> bytes:
    """Many pages fast: the same text page added again and again."""
    page = PdfReader(io.BytesIO(text_pdf(["Haushaltsplan Teilergebnisplan Produktgruppe"]))).pages[
        0
    ]
    writer = PdfWriter()
    for _ in range(page_count):
        writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def docx_document(path: Path) -> Path:
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Kopfzeile Stadt Musterstadt"
    section.footer.paragraphs[0].text = "Fußzeile Seite 1"
    document.add_heading("Beschlussvorlage Radweg", level=1)
    document.add_paragraph("Der Ausschuss beschließt den Ausbau.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Position"
    table.cell(0, 1).text = "Betrag"
    table.cell(1, 0).text = "Asphalt"
    table.cell(1, 1).text = "12.500 €"
    document.add_paragraph("Schlussabsatz nach der Tabelle.")
    document.save(str(path))
    return path


def docx_zip_bomb(path: Path, *, megabytes: int = 300) -> Path:
    """A DOCX-shaped archive whose document part unpacks to `megabytes` of zeros."""
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES)
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            for _ in range(megabytes):
                entry.write(chunk)
    return path


def odt_document(path: Path) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
        "<office:body><office:text>"
        '<text:h text:outline-level="1">Antrag der Fraktion</text:h>'
        '<text:p>Die Verwaltung wird<text:s/>beauftragt,<text:s text:c="2"/>zu prüfen.'
        "</text:p>"
        "<text:list><text:list-item><text:p>Erster Punkt</text:p></text:list-item></text:list>"
        "</office:text></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    return path
