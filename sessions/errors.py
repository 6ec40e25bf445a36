"""Domain errors of the meetings app; each carries a message a user can act on."""

from __future__ import annotations

from ratsinfo.errors import DomainError


class MinutesPublishRejected(DomainError):
    """Minutes cannot be published in their current state."""
