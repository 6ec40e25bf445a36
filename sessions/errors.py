"""Domain errors of the meetings app; each carries a message a user can act on."""

from __future__ import annotations

from ratsinfo.errors import DomainError


class MinutesPublishRejected(DomainError):
    """Minutes cannot be published in their current state."""


class MeetingStateRejected(DomainError):
    """The meeting is not in a state that allows this step (not running, already closed)."""


class AttendanceRejected(DomainError):
    """Attendance cannot be recorded for this person or meeting."""


class ConflictRejected(DomainError):
    """A conflict of interest cannot be declared (unknown person, wrong item)."""


class SpeakerRejected(DomainError):
    """The speaker list cannot be changed this way."""
