"""Plain text files: UTF-8 (with or without BOM), else Windows-1252."""

from __future__ import annotations

from pathlib import Path

from documents.extraction.result import DONE, ExtractionResult, Progress, clean_text


def extract_text_file(*, path: Path, progress: Progress | None = None) -> ExtractionResult:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if progress:
        progress(1, 1)
    return ExtractionResult(state=DONE, pages=[clean_text(text)], page_count=None)
