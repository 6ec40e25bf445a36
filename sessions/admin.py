"""Admin for meetings and their agendas. Files of a meeting are added by documents/admin.py,
because this app must not import the documents app (DESIGN.md §1)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ratsinfo.admin import CouncilInline, CouncilModelAdmin
from sessions.models import AgendaItem, Meeting, Minutes


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

    @admin.display(description=_("Sitzungsbeginn"), ordering="meeting__start")
    def meeting_start(self, minutes: Minutes) -> object:
        return minutes.meeting.start
