"""Admin for papers, consultations and files; also adds the files inline to the meeting admin."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from documents.models import Consultation, ExtractionState, File, FilePage, Paper
from documents.sniffing import detect_type, safe_file_name
from ratsinfo.admin import TRACKING_FIELDS, CouncilInline, CouncilModelAdmin
from ratsinfo.visibility import editable
from sessions.admin import MeetingAdmin
from sessions.models import Meeting


class FileAdminForm(forms.ModelForm):
    """Takes name, size, type and checksum from the upload itself; the stored path is the
    checksum, so it must be known before the file is saved. The type comes from the content,
    never from the extension; a new upload waits for text extraction again."""

    class Meta:
        model = File
        # The admins list the fields they show; the form only needs the upload.
        fields = ("content",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An empty upload is kept and flagged by text extraction ("Die Datei ist leer."),
        # not refused: nothing a clerk uploads is lost.
        if "content" in self.fields:
            self.fields["content"].allow_empty_file = True  # type: ignore[attr-defined]

    def clean_content(self) -> Any:
        upload = self.cleaned_data.get("content")
        if isinstance(upload, UploadedFile) and upload.size is not None:
            if upload.size > settings.FILE_UPLOAD_MAX_BYTES:
                raise forms.ValidationError(
                    _("Die Datei ist %(size)s groß; erlaubt sind höchstens %(limit)s."),
                    params={
                        "size": filesizeformat(upload.size),
                        "limit": filesizeformat(settings.FILE_UPLOAD_MAX_BYTES),
                    },
                )
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            self.instance.sha256 = digest.hexdigest()
            self.instance.size = upload.size
            self.instance.file_name = safe_file_name(upload.name or "")
            self.instance.mime_type = detect_type(upload).mime
            self.instance.extraction_state = ExtractionState.PENDING
            self.instance.extraction_reason = ""
        return upload


class FileInline(CouncilInline):
    model = File
    form = FileAdminForm
    fields = ("name", "role", "content", "public", "order", "date")


class PaperFileInline(FileInline, admin.StackedInline):
    fk_name = "paper"


class MeetingFileInline(FileInline, admin.StackedInline):
    fk_name = "meeting"


class ConsultationInline(CouncilInline, admin.TabularInline):
    model = Consultation
    fields = ("organizations", "agenda_item", "role", "authoritative")
    autocomplete_fields = ("organizations", "agenda_item")


@admin.register(Paper)
class PaperAdmin(CouncilModelAdmin):
    list_display = ("reference", "name", "paper_type", "date", "public", "published_at", "body")
    list_display_links = ("reference", "name")
    list_filter = ("paper_type", "public", ("body", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("body",)
    search_fields = ("reference", "name")
    date_hierarchy = "date"
    autocomplete_fields = (
        "body",
        "related_papers",
        "subordinated_papers",
        "originator_persons",
        "originator_organizations",
        "under_direction_of",
        "locations",
    )
    inlines = (ConsultationInline, PaperFileInline)


@admin.register(Consultation)
class ConsultationAdmin(CouncilModelAdmin):
    list_display = ("__str__", "paper", "agenda_item", "role", "authoritative")
    list_filter = ("authoritative", ("organizations", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("paper", "agenda_item")
    search_fields = ("paper__reference", "paper__name", "role")
    autocomplete_fields = ("paper", "agenda_item", "organizations")


@admin.register(File)
class FileAdmin(CouncilModelAdmin):
    form = FileAdminForm
    list_display = ("__str__", "file_name", "role", "owner", "public", "size_display", "date")
    list_filter = ("role", "public", "mime_type", "extraction_state")
    list_select_related = ("paper", "meeting", "agenda_item")
    search_fields = ("name", "file_name", "sha256", "paper__reference")
    autocomplete_fields = ("paper", "meeting", "agenda_item")
    fieldsets = (
        (None, {"fields": ("name", "role", "content", "public", "order", "date")}),
        (_("Gehört zu"), {"fields": ("paper", "meeting", "agenda_item")}),
        (
            _("Aus der Datei ermittelt"),
            {
                "fields": (
                    "file_name",
                    "mime_type",
                    "size",
                    "sha256",
                    "extraction_state",
                    "extraction_reason",
                    "page_count",
                    "extracted_at",
                    "text",
                )
            },
        ),
        (
            _("Metadaten"),
            {
                "fields": ("file_license", "license", "keyword", "external_id", *TRACKING_FIELDS),
                "classes": ["collapse"],
            },
        ),
    )
    readonly_fields = (
        "file_name",
        "mime_type",
        "size",
        "sha256",
        "extraction_state",
        "extraction_reason",
        "page_count",
        "extracted_at",
        "text",
    )
    date_hierarchy = "date"

    @admin.display(description=_("gehört zu"))
    def owner(self, file: File) -> str:
        return str(file.paper or file.meeting or file.agenda_item or "")

    @admin.display(description=_("Größe"), ordering="size")
    def size_display(self, file: File) -> str:
        return filesizeformat(file.size)


@admin.register(FilePage)
class FilePageAdmin(admin.ModelAdmin):
    """Extracted page texts, read-only: they are rewritten by every extraction run. A clerk
    sees the pages of the files they may edit, as for the files themselves."""

    list_display = ("file", "number")
    list_select_related = ("file",)
    search_fields = ("text", "file__name", "file__file_name")
    fields = ("file", "number", "text")
    readonly_fields = ("file", "number", "text")

    def get_queryset(self, request: HttpRequest) -> QuerySet[FilePage]:
        files = editable(request.user, File.all_objects.all())
        return super().get_queryset(request).filter(file__in=files)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.unregister(Meeting)


@admin.register(Meeting)
class MeetingWithFilesAdmin(MeetingAdmin):
    inlines = [*MeetingAdmin.inlines, MeetingFileInline]
