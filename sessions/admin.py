"""Admin for meetings and their agendas. Files of a meeting are added by documents/admin.py,
because this app must not import the documents app (DESIGN.md §1)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ratsinfo.admin import CouncilInline, CouncilModelAdmin
from ratsinfo.errors import DomainError
from sessions.models import AgendaItem, Meeting, Minutes
from sessions.services import minutes_publish


class AgendaItemInline(CouncilInline, admin.TabularInline):
    model = AgendaItem
    fields = ("order", "number", "name", "public", "result")


@admin.register(Meeting)
class MeetingAdmin(CouncilModelAdmin):
    list_display = (
        "name",
        "start",
        "state",
        "organization_names",
        "location",
        "published_at",
        "body",
    )
    list_filter = (
        "state",
        ("organizations", admin.RelatedOnlyFieldListFilter),
        ("body", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("body", "location")
    list_prefetch_related = ("organizations",)
    search_fields = ("name", "organizations__name")
    date_hierarchy = "start"
    autocomplete_fields = ("body", "location", "organizations", "participants")
    inlines = [AgendaItemInline]

    @admin.display(description=_("Gremien"))
    def organization_names(self, meeting: Meeting) -> str:
        return ", ".join(org.name for org in meeting.organizations.all())


@admin.register(AgendaItem)
class AgendaItemAdmin(CouncilModelAdmin):
    list_display = ("__str__", "meeting", "meeting_start", "public", "result")
    list_filter = ("public", ("meeting__organizations", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("meeting",)
    search_fields = ("number", "name", "meeting__name")
    autocomplete_fields = ("meeting",)
    ordering = ("-meeting__start", "order")

    @admin.display(description=_("Sitzungsbeginn"), ordering="meeting__start")
    def meeting_start(self, item: AgendaItem) -> object:
        return item.meeting.start


@admin.register(Minutes)
class MinutesAdmin(CouncilModelAdmin):
    list_display = ("__str__", "meeting_start", "approved_on", "published_at")
    list_filter = ("approved_on", ("meeting__organizations", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("meeting",)
    search_fields = ("meeting__name", "introduction", "closing")
    autocomplete_fields = ("meeting",)
    ordering = ("-meeting__start",)
    actions = [*CouncilModelAdmin.actions, "publish"]

    @admin.display(description=_("Sitzungsbeginn"), ordering="meeting__start")
    def meeting_start(self, minutes: Minutes) -> object:
        return minutes.meeting.start

    @admin.action(description=_("Niederschrift veröffentlichen"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Minutes]) -> None:
        published = 0
        for minutes in queryset:
            try:
                minutes_publish(minutes=minutes, user=request.user)
            except (DomainError, PermissionDenied) as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                published += 1
        if published:
            self.message_user(
                request,
                ngettext(
                    "%(count)d Niederschrift wurde veröffentlicht.",
                    "%(count)d Niederschriften wurden veröffentlicht.",
                    published,
                )
                % {"count": published},
                messages.SUCCESS,
            )
