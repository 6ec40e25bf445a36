"""The outcome of reading the text of one file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

DONE = "done"
NEEDS_OCR = "needs_ocr"
FAILED = "failed"

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ExtractionResult:
    """`pages` holds one text per page (PDF) or a single text for formats without fixed pages;
    `page_count` is None where a format has no fixed pages. `reason` tells a clerk what went
    wrong and what to do next; it is empty when everything was read."""

    state: str
    pages: list[str] = field(default_factory=list)
    page_count: int | None = None
    reason: str = ""
    # After OCR: a temporary copy of the PDF with a text layer. The caller keeps or deletes it.
    searchable_pdf: Path | None = None


def failed(reason: str, *, page_count: int | None = None) -> ExtractionResult:
    return ExtractionResult(state=FAILED, pages=[], page_count=page_count, reason=reason)


def clean_text(text: str) -> str:
    """PostgreSQL text columns reject NUL characters; PDFs and old Word files contain them."""
    return text.replace("\x00", "")
