"""Admin for polls and the audit trail: read-only, because every change of a poll or ballot
goes through the services (locks, audit events, live events). Ballots are not listed: who
voted how is shown only in the result of a named vote.

The audit trail is a model of the core app, so that every app can append to it; it is shown
here, beside the polls that write most of it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from ratsinfo.models import AuditEvent, Body
from ratsinfo.visibility import editable
from sessions.admin import LiveRecordAdmin
from votes.models import BodyVotingRules, Candidate, Poll


class CandidateInline(admin.TabularInline):
    model = Candidate
    fields = ("order", "name", "person")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Poll)
class PollAdmin(LiveRecordAdmin):
    list_display = ("title", "meeting", "kind", "majority_method", "state", "result_short")
    list_filter = ("state", "kind", "majority_method")
    list_select_related = ("meeting",)
    search_fields = ("title", "meeting__name")
    inlines = [CandidateInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Poll]:
        bodies = editable(request.user, Body.objects.all())
        return super().get_queryset(request).filter(body__in=bodies)


@admin.register(BodyVotingRules)
class BodyVotingRulesAdmin(admin.ModelAdmin):
    list_display = ("body", "majority_method", "allow_vote_change")

    def get_queryset(self, request: HttpRequest) -> QuerySet[BodyVotingRules]:
        bodies = editable(request.user, Body.objects.all())
        return super().get_queryset(request).filter(body__in=bodies)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "body":
            kwargs["queryset"] = editable(request.user, Body.objects.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(AuditEvent)
class AuditEventAdmin(LiveRecordAdmin):
    list_display = ("created", "actor_name", "action", "object_repr", "message")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "message", "actor_name")
    date_hierarchy = "created"

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        bodies = editable(request.user, Body.objects.all())
        return super().get_queryset(request).filter(body__in=bodies)
