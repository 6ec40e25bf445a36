"""Handlers of the documents app for the database job queue (`ratsinfo.jobs`); imported by
DocumentsConfig.ready() when the queue module exists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from documents.services import EXTRACT_FILE, file_extract
from ratsinfo.jobs import register


@register(EXTRACT_FILE)
def extract_file(payload: dict[str, Any], progress: Callable[[int, int], None]) -> None:
    """A file that cannot be read is not a failed job: its state and reason record why."""
    file_extract(file_id=int(payload["file_id"]), progress=progress)
