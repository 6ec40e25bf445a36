"""A month of meetings laid out as weeks of days (Monday first, as in German calendars), and the
`?monat=YYYY-MM` parameter of the calendar page."""

from __future__ import annotations

import calendar
import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from sessions.models import Meeting

# The range the calendar pages; outside it `?monat=` counts as invalid, so the previous and
# next links never leave the years `datetime.date` can represent.
FIRST_YEAR = 1900
LAST_YEAR = 2999

_MONTH_PARAMETER = re.compile(r"(\d{4})-(\d{1,2})", re.ASCII)


@dataclass(frozen=True)
class CalendarDay:
    date: datetime.date
    in_month: bool
    is_today: bool
    meetings: list[Meeting]


@dataclass(frozen=True)
class CalendarMonth:
    first: datetime.date
    weeks: list[list[CalendarDay]]
    previous: datetime.date | None
    next: datetime.date | None

    @property
    def weekdays(self) -> list[datetime.date]:
        """The dates of the first week, Monday to Sunday, to label the columns."""
        return [day.date for day in self.weeks[0]]

    @property
    def has_meetings(self) -> bool:
        return any(day.meetings for week in self.weeks for day in week if day.in_month)


def month_parse(value: str | None) -> tuple[int, int] | None:
    """(year, month) from `YYYY-MM`, or None if the text is not a month the calendar shows."""
    match = _MONTH_PARAMETER.fullmatch((value or "").strip())
    if match is None:
        return None
    year, month = int(match[1]), int(match[2])
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        return None
    return year, month


def month_build(
    *, year: int, month: int, meetings: Iterable[Meeting], today: datetime.date
) -> CalendarMonth:
    """The weeks that cover the month, each day with its meetings (by local start date)."""
    by_day: dict[datetime.date, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        if meeting.start is not None:
            by_day[timezone.localtime(meeting.start).date()].append(meeting)
    weeks = [
        [
            CalendarDay(
                date=day,
                in_month=day.month == month,
                is_today=day == today,
                meetings=by_day.get(day, []),
            )
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    ]
    first = datetime.date(year, month, 1)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=31)).replace(day=1)
    return CalendarMonth(
        first=first,
        weeks=weeks,
        previous=previous if previous.year >= FIRST_YEAR else None,
        next=following if following.year <= LAST_YEAR else None,
    )
