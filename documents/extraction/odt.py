"""ODT text from content.xml (headings and paragraphs) with the standard library's parser.
Like DOCX, an ODT has no fixed pages: one text page, page count unknown."""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from documents.extraction.archive import zip_problem
from documents.extraction.result import DONE, ExtractionResult, Progress, clean_text, failed

logger = logging.getLogger(__name__)

TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
BLOCKS = {f"{TEXT_NS}p", f"{TEXT_NS}h"}
SPACE, TAB, LINE_BREAK = f"{TEXT_NS}s", f"{TEXT_NS}tab", f"{TEXT_NS}line-break"


def unreadable_reason() -> str:
    return _(
        "Die OpenDocument-Datei (ODT) ist beschädigt und kann nicht gelesen werden. Bitte "
        "speichern Sie sie neu oder wandeln Sie sie in PDF um und laden Sie sie erneut hoch."
    )


def extract_odt(*, path: Path, progress: Progress | None = None) -> ExtractionResult:
    problem = zip_problem(path)
    if problem:
        return failed(problem)
    try:
        with zipfile.ZipFile(path) as archive:
            content = archive.read("content.xml")
        # expat expands internal entities ("billion laughs"); ODF never declares a DOCTYPE,
        # so a document that does is refused before parsing.
        if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
            return failed(unreadable_reason())
        root = ElementTree.fromstring(content)  # noqa: S314 - DOCTYPE refused above
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError, EOFError, ValueError):
        logger.warning("ODT %s cannot be read", path, exc_info=True)
        return failed(unreadable_reason())
    lines = [_own_text(element) for element in root.iter() if element.tag in BLOCKS]
    if progress:
        progress(1, 1)
    text = "\n".join(line for line in lines if line.strip())
    return ExtractionResult(state=DONE, pages=[clean_text(text)], page_count=None)


def _own_text(element: ElementTree.Element) -> str:
    """The text of a paragraph without paragraphs nested in it (notes, frames), which
    `root.iter()` visits on their own."""
    parts = [element.text or ""]
    for child in element:
        # Nested blocks are read on their own; only the text after them belongs here.
        if child.tag == SPACE:
            parts.append(" " * int(child.get(f"{TEXT_NS}c", "1") or 1))
        elif child.tag == TAB:
            parts.append("\t")
        elif child.tag == LINE_BREAK:
            parts.append("\n")
        elif child.tag not in BLOCKS:
            parts.append(_own_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
