"""Admin for the core data, and the admin base every app uses.

The admin holds no rules (DESIGN.md §10.4): what a staff user may edit comes from
`ratsinfo.visibility.editable`, soft deletion and clerk roles go through `ratsinfo.services`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import QuerySet
from django.db.models.fields.related import ForeignKey, ManyToManyField
from django.forms import BaseInlineFormSet
from django.forms.models import ModelChoiceField, ModelMultipleChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ratsinfo import jobs, services
from ratsinfo.errors import DomainError
from ratsinfo.models import (
    Body,
    Job,
    LegislativeTerm,
    Location,
    Membership,
    Organization,
    Person,
    User,
)
from ratsinfo.selectors import user_list_for_staff
from ratsinfo.visibility import VisibilitySpec, editable

if TYPE_CHECKING:
    from django.contrib.admin.filters import _ListFilterChoices

# Shown read-only on every change form: set by the database or by the soft-delete actions.
TRACKING_FIELDS = ("created", "modified", "deleted")
# OParl bookkeeping every object carries; rarely edited, so shown folded below the form.
METADATA_FIELDS = ("keyword", "license", "external_id", *TRACKING_FIELDS)


def _editable_choices(request: HttpRequest, model: Any) -> QuerySet[Any] | None:
    """Choices for a relation: live rows the user may edit, or None when the model has no rule."""
    if not isinstance(getattr(model, "visibility", None), VisibilitySpec):
        return None
    return editable(request.user, model._default_manager.all())


class CouncilFieldsMixin(admin.options.BaseModelAdmin):
    """Relation widgets offer only objects the user may edit (a clerk picks their body's);
    web addresses typed without a scheme are taken as https."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        choices = _editable_choices(request, db_field.related_model)
        if choices is not None and "queryset" not in kwargs:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        choices = _editable_choices(request, db_field.related_model)
        if choices is not None and "queryset" not in kwargs:
            kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class DeletedListFilter(admin.SimpleListFilter):
    """Soft-deleted rows stay in the database; the list hides them unless asked."""

    title = _("gelöscht")
    parameter_name = "geloescht"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("ja", _("nur gelöschte")), ("alle", _("alle"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == "alle":
            return queryset
        return queryset.filter(deleted=value == "ja")

    def choices(self, changelist: Any) -> Iterator[_ListFilterChoices]:
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("nicht gelöschte"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


def _is_autocomplete(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == "autocomplete"


class CouncilModelAdmin(CouncilFieldsMixin, admin.ModelAdmin):
    """Base of every admin for an OParl object: restricted to what the user may edit, lists
    deleted rows on request, and replaces hard deletion by the soft-delete services."""

    actions = ["mark_deleted", "restore"]
    # Relations shown in list columns, fetched once per page instead of once per row.
    list_prefetch_related: tuple[str, ...] = ()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # all_objects: the deleted filter decides what the list shows; change views of deleted
        # rows stay reachable so that they can be inspected and restored.
        queryset = self.model.all_objects.all()
        ordering = self.get_ordering(request)
        if ordering:
            queryset = queryset.order_by(*ordering)
        if self.list_prefetch_related:
            queryset = queryset.prefetch_related(*self.list_prefetch_related)
        return editable(request.user, queryset)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if _is_autocomplete(request):
            queryset = queryset.filter(deleted=False)
        return queryset, may_have_duplicates

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        return [*super().get_list_filter(request), DeletedListFilter]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return fields + [name for name in TRACKING_FIELDS if name not in fields]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if self.fieldsets:
            return super().get_fieldsets(request, obj)
        fields = list(self.get_fields(request, obj))
        metadata = [name for name in METADATA_FIELDS if name in fields]
        main = [name for name in fields if name not in metadata]
        return [
            (None, {"fields": main}),
            (_("Metadaten"), {"fields": metadata, "classes": ["collapse"]}),
        ]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # OParl keeps deleted objects (`deleted: true`): rows are marked, never removed.
        return False

    def has_soft_delete_permission(self, request: HttpRequest) -> bool:
        return super().has_delete_permission(request)

    @admin.action(description=_("Als gelöscht markieren"), permissions=["soft_delete"])
    def mark_deleted(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        done = self._apply(request, queryset, services.object_soft_delete)
        if done:
            message = ngettext(
                "%(count)d Eintrag wurde als gelöscht markiert.",
                "%(count)d Einträge wurden als gelöscht markiert.",
                done,
            )
            self.message_user(request, message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Wiederherstellen"), permissions=["soft_delete"])
    def restore(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        done = self._apply(request, queryset, services.object_restore)
        if done:
            message = ngettext(
                "%(count)d Eintrag wurde wiederhergestellt.",
                "%(count)d Einträge wurden wiederhergestellt.",
                done,
            )
            self.message_user(request, message % {"count": done}, messages.SUCCESS)

    def _apply(
        self,
        request: HttpRequest,
        queryset: QuerySet[Any],
        service: Callable[..., None],
    ) -> int:
        done = 0
        for obj in queryset:
            try:
                service(obj=obj)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                done += 1
        return done


class SoftDeleteInlineFormSet(BaseInlineFormSet):
    """Ticking "Löschen" in an inline marks the row deleted instead of removing it."""

    def delete_existing(self, obj: models.Model, commit: bool = True) -> None:
        if commit:
            services.object_soft_delete(obj=obj)


class CouncilInline(CouncilFieldsMixin, admin.options.InlineModelAdmin):
    """Inlines of OParl objects: editable choices, soft deletion, tracking fields hidden."""

    formset = SoftDeleteInlineFormSet
    extra = 0
    show_change_link = True


class MembershipByPersonInline(CouncilInline, admin.TabularInline):
    model = Membership
    fk_name = "person"
    fields = ("organization", "role", "voting_right", "start_date", "end_date", "on_behalf_of")
    autocomplete_fields = ("organization", "on_behalf_of")


class MembershipByOrganizationInline(CouncilInline, admin.TabularInline):
    model = Membership
    fk_name = "organization"
    fields = ("person", "role", "voting_right", "start_date", "end_date", "on_behalf_of")
    autocomplete_fields = ("person", "on_behalf_of")


@admin.register(Location)
class LocationAdmin(CouncilModelAdmin):
    list_display = ("__str__", "street_address", "postal_code", "locality", "modified")
    list_filter = ("locality",)
    search_fields = ("description", "room", "street_address", "postal_code", "locality")


@admin.register(Body)
class BodyAdmin(CouncilModelAdmin):
    list_display = ("name", "short_name", "ags", "classification", "website")
    search_fields = ("name", "short_name", "ags", "rgs")
    autocomplete_fields = ("location",)


@admin.register(LegislativeTerm)
class LegislativeTermAdmin(CouncilModelAdmin):
    list_display = ("name", "body", "start_date", "end_date")
    list_filter = (("body", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("body",)
    search_fields = ("name",)
    date_hierarchy = "start_date"


@admin.register(Organization)
class OrganizationAdmin(CouncilModelAdmin):
    list_display = (
        "name",
        "short_name",
        "organization_type",
        "classification",
        "body",
        "start_date",
        "end_date",
    )
    list_filter = (
        "organization_type",
        ("body", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("body",)
    search_fields = ("name", "short_name", "classification")
    autocomplete_fields = ("body", "sub_organization_of", "location")
    inlines = (MembershipByOrganizationInline,)


@admin.register(Person)
class PersonAdmin(CouncilModelAdmin):
    list_display = ("name", "family_name", "given_name", "body", "contact_public")
    list_filter = ("contact_public", ("body", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("body",)
    search_fields = ("name", "family_name", "given_name")
    autocomplete_fields = ("body", "location")
    inlines = (MembershipByPersonInline,)


@admin.register(Membership)
class MembershipAdmin(CouncilModelAdmin):
    list_display = ("person", "organization", "role", "voting_right", "start_date", "end_date")
    list_filter = ("voting_right", ("organization", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("person", "organization")
    search_fields = ("person__name", "organization__name", "role")
    autocomplete_fields = ("person", "organization", "on_behalf_of")
    date_hierarchy = "start_date"


@admin.register(User)
class UserAdmin(CouncilFieldsMixin, DjangoUserAdmin):
    """Logins. Clerk roles are granted and revoked through the services, which also keep staff
    access and the clerks' permission group in step."""

    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Ratsinfo"), {"fields": ("person", "clerk_of")}),
    )
    list_display = ("username", "first_name", "last_name", "email", "person", "is_staff")
    list_filter = (
        "is_staff",
        "is_superuser",
        "is_active",
        ("clerk_of", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("person",)
    search_fields = ("username", "first_name", "last_name", "email", "person__name")
    autocomplete_fields = ("person",)
    filter_horizontal = ("groups", "user_permissions", "clerk_of")

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return user_list_for_staff(user=request.user).order_by("username")

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: Any) -> None:
        user: User = form.instance
        before = set(user.clerk_of.all()) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(user.clerk_of.all())
        for body in after - before:
            services.clerk_grant(user=user, body=body)
        for body in before - after:
            services.clerk_revoke(user=user, body=body)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """The background job queue, for administrators only: read-only, failed jobs can be queued
    again. Clerks do not see it (`services.clerk_group_sync` leaves its permissions out)."""

    list_display = (
        "name",
        "state",
        "attempts",
        "progress",
        "short_error",
        "run_after",
        "modified",
    )
    list_filter = ("state", "name")
    search_fields = ("name", "dedupe_key", "last_error")
    ordering = ("-created",)
    actions = ["retry"]
    readonly_fields = [field.name for field in Job._meta.fields]

    @admin.display(description=_("Fortschritt"))
    def progress(self, job: Job) -> str:
        if job.progress_total is None:
            return "–"
        return f"{job.progress_done or 0}/{job.progress_total}"

    @admin.display(description=_("letzter Fehler"))
    def short_error(self, job: Job) -> str:
        return job.last_error.splitlines()[0] if job.last_error else ""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    @admin.action(description=_("Erneut einreihen"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        done = 0
        for job in queryset:
            try:
                jobs.job_retry(job=job)
            except DomainError as exc:
                self.message_user(request, f"{job}: {exc.message}", messages.ERROR)
            else:
                done += 1
        if done:
            message = ngettext(
                "%(count)d Aufgabe wurde erneut eingereiht.",
                "%(count)d Aufgaben wurden erneut eingereiht.",
                done,
            )
            self.message_user(request, message % {"count": done}, messages.SUCCESS)
