"""Public meeting pages: the month calendar, the list, iCalendar feeds, and the organization page
(it lists the organization's next meetings, so it lives here, above the core app)."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ratsinfo.models import Organization
from ratsinfo.selectors import membership_list_for_organization, organization_get_for_user
from sessions.calendar import calendar_build, meeting_filename
from sessions.models import Meeting
from sessions.month import FIRST_YEAR, LAST_YEAR, month_build, month_parse
from sessions.selectors import (
    meeting_get_for_feed,
    meeting_list_for_feed,
    meeting_list_for_month,
    meeting_list_for_user,
    meeting_list_upcoming,
    meeting_years_for_user,
    organization_list_with_meetings,
)

PAST_MEETINGS_PER_PAGE = 25
ORGANIZATION_NEXT_MEETINGS = 5


def _parse_id(value: str) -> int | None:
    value = value.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        return None
    return int(value)


def _organization_filter(
    request: HttpRequest,
) -> tuple[list[Organization], Organization | None, str | None]:
    """The organizations to offer, the chosen one, and a message if the choice was not valid.
    An organization without meetings can still be chosen (its page links here)."""
    options = list(organization_list_with_meetings(user=request.user))
    raw = request.GET.get("gremium", "")
    if not raw.strip():
        return options, None, None
    organization_id = _parse_id(raw)
    chosen = next((o for o in options if o.pk == organization_id), None)
    if chosen is None and organization_id is not None:
        try:
            chosen = organization_get_for_user(user=request.user, organization_id=organization_id)
            options = sorted([*options, chosen], key=lambda o: o.name)
        except Http404:
            chosen = None
    if chosen is None:
        return (
            options,
            None,
            _(
                "Das gewählte Gremium wurde nicht gefunden. "
                "Angezeigt werden die Sitzungen aller Gremien."
            ),
        )
    return options, chosen, None


def _query(**params: object) -> str:
    present = {key: value for key, value in params.items() if value not in (None, "")}
    return "?" + urlencode(present) if present else ""


def meeting_calendar(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    problems = []
    raw_month = request.GET.get("monat", "")
    parsed = month_parse(raw_month) if raw_month.strip() else None
    if parsed is None:
        if raw_month.strip():
            problems.append(
                _(
                    "Der angegebene Monat wurde nicht erkannt (erwartet wird zum Beispiel "
                    "„%(example)s“). Angezeigt wird der aktuelle Monat."
                )
                % {"example": today.strftime("%Y-%m")}
            )
        parsed = (today.year, today.month)
    options, organization, problem = _organization_filter(request)
    if problem:
        problems.append(problem)
    organization_id = organization.pk if organization else None
    year, month_number = parsed
    meetings = meeting_list_for_month(
        user=request.user, year=year, month=month_number, organization_id=organization_id
    )
    month = month_build(year=year, month=month_number, meetings=meetings, today=today)

    def month_url(day: datetime.date) -> str:
        return _query(monat=f"{day:%Y-%m}", gremium=organization_id)

    context = {
        "month": month,
        "today": today,
        "problems": problems,
        "organizations": options,
        "organization": organization,
        "previous_url": month_url(month.previous) if month.previous else None,
        "next_url": month_url(month.next) if month.next else None,
        "current_url": None if month.first == today.replace(day=1) else month_url(today),
        "list_url": reverse("meeting-list") + _query(gremium=organization_id),
        "ical_url": (
            reverse("organization-ical", args=[organization_id])
            if organization_id
            else reverse("meeting-ical-all")
        ),
    }
    return render(request, "sessions/meeting_calendar.html", context)


def meeting_list(request: HttpRequest) -> HttpResponse:
    problems = []
    options, organization, problem = _organization_filter(request)
    if problem:
        problems.append(problem)
    organization_id = organization.pk if organization else None
    years = meeting_years_for_user(user=request.user)
    raw_year = request.GET.get("jahr", "")
    year = _parse_id(raw_year) if raw_year.strip() else None
    if raw_year.strip() and (year is None or not FIRST_YEAR <= year <= LAST_YEAR):
        year = None
        problems.append(
            _("Das angegebene Jahr wurde nicht erkannt. Angezeigt werden Sitzungen aller Jahre.")
        )
    if year is not None and year not in years:
        years = sorted([*years, year], reverse=True)

    past = Paginator(
        meeting_list_for_user(
            user=request.user, upcoming=False, organization_id=organization_id, year=year
        ),
        PAST_MEETINGS_PER_PAGE,
    ).get_page(request.GET.get("seite"))
    upcoming: list[Meeting] = []
    if past.number == 1:
        upcoming = list(
            meeting_list_for_user(
                user=request.user, upcoming=True, organization_id=organization_id, year=year
            )
        )

    def page_url(number: int) -> str:
        return _query(gremium=organization_id, jahr=year, seite=number)

    context = {
        "problems": problems,
        "organizations": options,
        "organization": organization,
        "years": years,
        "year": year,
        "upcoming": upcoming,
        "past": past,
        "previous_page_url": page_url(past.previous_page_number()) if past.has_previous() else None,
        "next_page_url": page_url(past.next_page_number()) if past.has_next() else None,
        "first_page_url": page_url(1) if past.number > 1 else None,
        "calendar_url": reverse("meeting-calendar") + _query(gremium=organization_id),
        "ical_url": (
            reverse("organization-ical", args=[organization_id])
            if organization_id
            else reverse("meeting-ical-all")
        ),
    }
    return render(request, "sessions/meeting_list.html", context)


def _calendar_response(
    request: HttpRequest, *, meetings: list[Meeting], name: str, filename: str, attachment: bool
) -> HttpResponse:
    host = request.get_host()
    domain, _port = split_domain_port(host)
    content = calendar_build(
        meetings=meetings,
        name=name,
        host=domain or host,
        base_url=f"{request.scheme}://{host}",
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def meeting_ical_all(request: HttpRequest) -> HttpResponse:
    return _calendar_response(
        request,
        meetings=meeting_list_for_feed(user=request.user),
        name=_("Sitzungen – Ratsinfo"),
        filename="sitzungen.ics",
        attachment=False,
    )


def organization_ical(request: HttpRequest, pk: int) -> HttpResponse:
    organization = organization_get_for_user(user=request.user, organization_id=pk)
    return _calendar_response(
        request,
        meetings=meeting_list_for_feed(user=request.user, organization_id=organization.pk),
        name=_("Sitzungen – %(organization)s") % {"organization": organization.name},
        filename=f"gremium-{organization.pk}.ics",
        attachment=False,
    )


def meeting_ical(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_get_for_feed(user=request.user, meeting_id=pk)
    return _calendar_response(
        request,
        meetings=[meeting],
        name=meeting.name,
        filename=meeting_filename(meeting),
        attachment=True,
    )


def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = organization_get_for_user(user=request.user, organization_id=pk)
    context = {
        "organization": organization,
        "members": membership_list_for_organization(
            user=request.user, organization_id=organization.pk
        ),
        "meetings": meeting_list_upcoming(
            user=request.user, organization_id=organization.pk, limit=ORGANIZATION_NEXT_MEETINGS
        ),
        "calendar_url": reverse("meeting-calendar") + _query(gremium=organization.pk),
        "ical_url": reverse("organization-ical", args=[organization.pk]),
    }
    return render(request, "sessions/organization_detail.html", context)
