"""A person's memberships drawn over time: one bar per membership on an axis that spans the
legislative term and every membership. The page draws it with CSS from the offsets here."""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass

from ratsinfo.models import LegislativeTerm, Membership

# A bar narrower than this (percent of the axis) would vanish on a phone.
_MIN_WIDTH = 1.0
_MAX_TICKS = 8


@dataclass(frozen=True)
class TimelineBar:
    membership: Membership
    start: datetime.date | None
    end: datetime.date | None
    current: bool
    # CSS lengths, formatted here: the template's number formatting would write "12,5".
    offset: str
    width: str


@dataclass(frozen=True)
class TimelineTick:
    year: int
    offset: str


@dataclass(frozen=True)
class Timeline:
    start: datetime.date
    end: datetime.date
    term: LegislativeTerm | None
    bars: list[TimelineBar]
    ticks: list[TimelineTick]
    # Where the legislative term lies on the axis (offset, width), if there is one.
    term_span: tuple[str, str] | None


def _percent(value: float) -> str:
    return f"{max(0.0, min(100.0, value)):.3f}%"


def _is_current(membership: Membership, day: datetime.date) -> bool:
    started = membership.start_date is None or membership.start_date <= day
    return started and (membership.end_date is None or membership.end_date >= day)


def timeline_build(
    *, memberships: Sequence[Membership], term: LegislativeTerm | None, today: datetime.date
) -> Timeline | None:
    """The timeline of the memberships, or None if there are none."""
    if not memberships:
        return None
    starts = [m.start_date for m in memberships if m.start_date is not None]
    ends = [m.end_date for m in memberships if m.end_date is not None]
    if term is not None and term.start_date is not None:
        starts.append(term.start_date)
    if term is not None and term.end_date is not None:
        ends.append(term.end_date)
    axis_start = min(starts, default=today)
    axis_end = max([today, *ends, *starts])
    days = (axis_end - axis_start).days + 1

    bars = []
    for membership in memberships:
        start = membership.start_date or axis_start
        # An open membership runs until today, or is a point if it has not begun yet.
        end = membership.end_date or max(today, start)
        offset = min(100 - _MIN_WIDTH, (start - axis_start).days / days * 100)
        width = max(_MIN_WIDTH, ((end - start).days + 1) / days * 100)
        bars.append(
            TimelineBar(
                membership=membership,
                start=membership.start_date,
                end=membership.end_date,
                current=_is_current(membership, today),
                offset=_percent(offset),
                width=_percent(min(width, 100 - offset)),
            )
        )

    years = range(axis_start.year + 1, axis_end.year + 1)
    step = max(1, math.ceil(len(years) / _MAX_TICKS))
    ticks = [
        TimelineTick(
            year=year,
            offset=_percent((datetime.date(year, 1, 1) - axis_start).days / days * 100),
        )
        for year in years[::step]
    ]
    term_span = None
    if term is not None:
        term_start = term.start_date or axis_start
        term_end = term.end_date or axis_end
        term_span = (
            _percent((term_start - axis_start).days / days * 100),
            _percent(((term_end - term_start).days + 1) / days * 100),
        )
    return Timeline(
        start=axis_start, end=axis_end, term=term, bars=bars, ticks=ticks, term_span=term_span
    )
