"""Domain errors of the votes app; each carries a message a user can act on."""

from __future__ import annotations

from ratsinfo.errors import DomainError


class PollRejected(DomainError):
    """The poll cannot be created or moved to the requested state."""


class QuorumNotReached(PollRejected):
    """Fewer than half of the statutory members are present and eligible."""


class VoteRejected(DomainError):
    """The ballot is not accepted (not eligible, poll not open, change not allowed, ...)."""
