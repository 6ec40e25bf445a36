"""Writes of the votes app (DESIGN.md §4): the poll lifecycle in `polls`, ballots and
show-of-hands counts in `ballots`. Import services from here."""

from __future__ import annotations

from votes.services.ballots import (
    BallotAck,
    BallotRequest,
    ballot_cast,
    ballots_cast,
    show_of_hands_record,
)
from votes.services.polls import (
    POLL_TRANSITIONS,
    poll_annul,
    poll_close,
    poll_create,
    poll_open,
    poll_publish,
    refuse_close_with_open_poll,
    refuse_withdraw_during_open_poll,
)

__all__ = [
    "POLL_TRANSITIONS",
    "BallotAck",
    "BallotRequest",
    "ballot_cast",
    "ballots_cast",
    "poll_annul",
    "poll_close",
    "poll_create",
    "poll_open",
    "poll_publish",
    "refuse_close_with_open_poll",
    "refuse_withdraw_during_open_poll",
    "show_of_hands_record",
]
