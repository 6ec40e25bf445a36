"""DOCX text with python-docx: body paragraphs and tables in document order, then the headers
and footers of every section. A DOCX has no fixed pages (Word lays them out when it opens the
file), so the whole document is one text page and the page count stays unknown."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
from django.utils.translation import gettext as _

from documents.extraction.archive import zip_problem
from documents.extraction.result import DONE, ExtractionResult, Progress, clean_text, failed

logger = logging.getLogger(__name__)


def unreadable_reason() -> str:
    return _(
        "Die Word-Datei (DOCX) ist beschädigt und kann nicht gelesen werden. Bitte speichern "
        "Sie sie in Word neu oder wandeln Sie sie in PDF um und laden Sie sie erneut hoch."
    )


def extract_docx(*, path: Path, progress: Progress | None = None) -> ExtractionResult:
    problem = zip_problem(path)
    if problem:
        return failed(problem)
    try:
        document = docx.Document(str(path))
        lines = [*_header_footer_lines(document, "header"), *_block_lines(document)]
        lines += _header_footer_lines(document, "footer")
    except Exception:  # python-docx and lxml raise many unrelated types on malformed parts
        logger.warning("DOCX %s cannot be read", path, exc_info=True)
        return failed(unreadable_reason())
    if progress:
        progress(1, 1)
    text = "\n".join(line for line in lines if line.strip())
    return ExtractionResult(state=DONE, pages=[clean_text(text)], page_count=None)


def _block_lines(container: Any) -> Iterator[str]:
    """Paragraph texts and table rows of a document, cell, header or footer, in order."""
    for block in container.iter_inner_content():
        if hasattr(block, "rows"):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = " ".join(line for line in _block_lines(cell) if line.strip())
                    # A merged cell is returned once per grid column it spans.
                    if not cells or cells[-1] != text:
                        cells.append(text)
                yield "\t".join(cells)
        else:
            yield block.text


def _header_footer_lines(document: Any, kind: str) -> list[str]:
    seen: set[str] = set()
    lines: list[str] = []
    for section in document.sections:
        for variant in (kind, f"first_page_{kind}", f"even_page_{kind}"):
            part = getattr(section, variant)
            if part.is_linked_to_previous:
                continue
            for line in _block_lines(part):
                if line.strip() and line not in seen:
                    seen.add(line)
                    lines.append(line)
    return lines
