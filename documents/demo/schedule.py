"""The meeting calendar of the demo town: committees meet first, the council after them."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from sessions.models import Meeting

from .boards import BOARDS, term_bounds
from .plan import MeetingPlan

# Weekday (Monday = 0) and start time per board.
SLOTS = {
    "bau": (1, datetime.time(17, 30)),
    "schule": (2, datetime.time(17, 30)),
    "soziales": (3, datetime.time(17, 30)),
    "hfa": (1, datetime.time(16, 30)),
    "rat": (3, datetime.time(17, 0)),
}
# The demo year: three rounds of meetings, each ending with the council, and the first meeting
# of the next round. Offsets are days from the reference date; meetings move to the board's
# weekday on or after that day. The current round's council meeting is invited, so that the
# council's next meeting can be run live (docs/live-session.md); the meeting after it is
# still in preparation.
DEMO_ROUNDS = (
    (-280, (("schule", 0), ("soziales", 2), ("hfa", 9), ("rat", 16))),
    (-130, (("bau", 0), ("schule", 1), ("hfa", 8), ("rat", 15))),
    (-16, (("bau", 0), ("soziales", 21), ("hfa", 28), ("rat", 42))),
    (49, (("bau", 0),)),
)
DEMO_CANCELLED = (1, "schule")
# Large town: every board once a month except in the summer break (July).
MONTHLY = (("bau", 0), ("schule", 0), ("soziales", 1), ("hfa", 2), ("rat", 3))
INVITE_AHEAD = datetime.timedelta(days=21)
WEEK = datetime.timedelta(weeks=1)


def _holiday(day: datetime.date) -> bool:
    """No meetings between Christmas and New Year."""
    return (day.month, day.day) >= (12, 23) or (day.month, day.day) <= (1, 1)


def _local(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def _on_weekday(day: datetime.date, weekday: int) -> datetime.date:
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _meeting(board: str, day: datetime.date, round_index: int) -> MeetingPlan:
    weekday, time = SLOTS[board]
    start = _local(_on_weekday(day, weekday), time)
    return MeetingPlan(board=board, start=start, round=round_index, state="", published_at=None)


def demo_calendar(today: datetime.date) -> list[MeetingPlan]:
    """Thirteen meetings around `today`: eight held, one cancelled, four ahead of which the
    last is still in preparation (unpublished); the council's next meeting is invited."""
    meetings = []
    for round_index, (offset, boards) in enumerate(DEMO_ROUNDS):
        base = today + datetime.timedelta(days=offset)
        held = [
            _meeting(board, base + datetime.timedelta(days=days), round_index)
            for board, days in boards
        ]
        meetings += _avoid_holidays(held, today)
    meetings.sort(key=lambda m: m.start)
    for plan in meetings:
        cancelled = (plan.round, plan.board) == DEMO_CANCELLED
        _set_state(plan, today, cancelled=cancelled, prepared=plan is meetings[-1])
    _name(meetings, cadence=0.6)
    return meetings


def large_calendar(today: datetime.date, years: int, rng: random.Random) -> list[MeetingPlan]:
    """Monthly meetings of every board over `years` years up to two months ahead."""
    first = datetime.date(today.year - years, today.month, 1)
    last = today + datetime.timedelta(days=60)
    meetings: list[MeetingPlan] = []
    month, round_index = first, 0
    while month <= last:
        if month.month != 7:
            held = []
            for board, week in MONTHLY:
                weekday, _time = SLOTS[board]
                held.append(_meeting(board, _on_weekday(month, weekday) + week * WEEK, round_index))
            for plan in _avoid_holidays(held, today):
                if plan.start.date() > last:
                    continue
                day = plan.start.date()
                cancelled = plan.board != "rat" and day < today and rng.random() < 0.03
                _set_state(plan, today, cancelled=cancelled, prepared=day - today > INVITE_AHEAD)
                meetings.append(plan)
            round_index += 1
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    _name(meetings, cadence=11 / 12)
    return meetings


def _avoid_holidays(held: list[MeetingPlan], today: datetime.date) -> list[MeetingPlan]:
    """Move meetings out of the holidays by whole weeks, preferably to earlier dates, without
    changing the round's order or a meeting's side of `today`."""
    held.sort(key=lambda m: m.start)
    past = [m for m in held if m.start.date() < today]
    coming = [m for m in held if m.start.date() >= today]
    limit = today
    for plan in reversed(past):
        plan.start = _free(plan.start, BACK, before=limit)
        limit = plan.start.date()
    limit = today - datetime.timedelta(days=1)
    for plan in coming:
        plan.start = _free(plan.start, BACK + AHEAD, after=limit)
        limit = plan.start.date()
    return held


BACK = (0, -1, -2, -3, -4, -5)
AHEAD = (1, 2, 3, 4, 5)


def _free(
    start: datetime.datetime,
    steps: tuple[int, ...],
    *,
    before: datetime.date | None = None,
    after: datetime.date | None = None,
) -> datetime.datetime:
    """The first of `start` moved by `steps` weeks that is no holiday and within the limits."""
    for weeks in steps:
        day = (start + weeks * WEEK).date()
        if (before and day >= before) or (after and day <= after) or _holiday(day):
            continue
        return start + weeks * WEEK
    return start


def _set_state(plan: MeetingPlan, today: datetime.date, *, cancelled: bool, prepared: bool) -> None:
    """Held before `today`, otherwise invited, or still in preparation when `prepared`."""
    day = plan.start.date()
    invitation = _local(day - datetime.timedelta(days=14), datetime.time(10, 0))
    yesterday = _local(today - datetime.timedelta(days=1), datetime.time(10, 0))
    if cancelled:
        plan.state = Meeting.State.CANCELLED
    elif day < today:
        plan.state = Meeting.State.COMPLETED
    elif not prepared:
        plan.state = Meeting.State.INVITED
    else:
        # Still being prepared: the agenda exists but nobody outside the town hall sees it.
        plan.state = Meeting.State.SCHEDULED
        return
    plan.published_at = min(invitation, yesterday)
    if plan.state == Meeting.State.COMPLETED:
        plan.end = plan.start + datetime.timedelta(hours=2)


def _name(meetings: list[MeetingPlan], *, cadence: float) -> None:
    """Number meetings per board within their term ("7. Sitzung des Rates ...")."""
    meetings.sort(key=lambda m: m.start)
    counters: dict[tuple[str, datetime.date], int] = {}
    for plan in meetings:
        term_start, _end = term_bounds(plan.start.date())
        key = (plan.board, term_start)
        if key not in counters:
            # Meetings of the term before the calendar starts are not generated, only counted.
            months = (plan.start.year - term_start.year) * 12 + plan.start.month - term_start.month
            counters[key] = round(months * cadence)
        counters[key] += 1
        plan.number = counters[key]
        plan.name = f"{plan.number}. Sitzung {BOARDS[plan.board].genitive}"
