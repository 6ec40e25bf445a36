"""Domain errors of the core app; each carries a message a user can act on."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every rule violation a service reports to a user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
