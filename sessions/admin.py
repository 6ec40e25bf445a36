"""Admin for meetings and their agendas. Files of a meeting are added by documents/admin.py,
because this app must not import the documents app (DESIGN.md §1)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ratsinfo.admin import CouncilInline, CouncilModelAdmin
from ratsinfo.errors import DomainError
from ratsinfo.visibility import editable
from sessions.models import (
    AgendaItem,
    Attendance,
    ConflictDeclaration,
    Meeting,
    Minutes,
    SpeakerRequest,
)
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


class LiveRecordAdmin(admin.ModelAdmin):
    """Read-only: live records are written by the live services (locks, audit, broadcasts),
    never by hand; the admin shows them for the minutes and for questions afterwards."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MeetingRecordAdmin(LiveRecordAdmin):
    meeting_path = "meeting"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        meetings = editable(request.user, Meeting.all_objects.all())
        return super().get_queryset(request).filter(**{f"{self.meeting_path}__in": meetings})


@admin.register(Attendance)
class AttendanceAdmin(MeetingRecordAdmin):
    list_display = ("person", "meeting", "status", "arrived_at_item", "left_at_item")
    list_filter = ("status",)
    list_select_related = ("person", "meeting", "arrived_at_item", "left_at_item")
    search_fields = ("person__name", "meeting__name")


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(MeetingRecordAdmin):
    meeting_path = "agenda_item__meeting"
    list_display = ("person", "agenda_item", "reason", "declared_by", "created")
    list_select_related = ("person", "agenda_item", "declared_by")
    search_fields = ("person__name", "agenda_item__name")


@admin.register(SpeakerRequest)
class SpeakerRequestAdmin(MeetingRecordAdmin):
    meeting_path = "agenda_item__meeting"
    list_display = ("person", "agenda_item", "kind", "state", "order")
    list_filter = ("kind", "state")
    list_select_related = ("person", "agenda_item")
