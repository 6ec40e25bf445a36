"""Domain errors of the documents app; each carries a message a user can act on."""

from __future__ import annotations

from ratsinfo.errors import DomainError


class NoteRejected(DomainError):
    """A private note could not be saved as written (too long, no target)."""


class FileRejected(DomainError):
    """An upload was refused (too large, already attached, no place for it); nothing stored."""
