"""Checks on ZIP-based formats (DOCX, ODT) before any parser unpacks them."""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.utils.translation import gettext as _

MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_CHECK_FROM = 1024 * 1024
MAX_ENTRIES = 10_000


def zip_problem(path: Path) -> str | None:
    """A clerk-facing reason why the archive must not be unpacked, or None when it is safe.

    Judged on the sizes the archive declares; the parsers read through zipfile, which stops
    at the declared size, so a lying header cannot unpack more than it declares."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return _(
            "Die Datei ist beschädigt oder unvollständig (das ZIP-Archiv im Inneren lässt sich "
            "nicht öffnen). Bitte laden Sie die Datei erneut hoch oder wandeln Sie sie in PDF um."
        )
    bomb = _(
        "Die Datei wird nicht gelesen: Sie entpackt sich unverhältnismäßig groß (möglicherweise "
        "eine ZIP-Bombe). Bitte speichern Sie das Dokument neu oder wandeln Sie es in PDF um "
        "und laden Sie es erneut hoch."
    )
    if len(entries) > MAX_ENTRIES:
        return bomb
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > RATIO_CHECK_FROM:
            ratio = entry.file_size / max(entry.compress_size, 1)
            if ratio > MAX_RATIO:
                return bomb
    if total > MAX_TOTAL_UNCOMPRESSED:
        return bomb
    return None
