"""Admin for papers, consultations and files; also adds the files inline to the meeting admin."""

from __future__ import annotations

import hashlib
import mimetypes
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from documents.models import Consultation, File, Paper
from ratsinfo.admin import TRACKING_FIELDS, CouncilInline, CouncilModelAdmin
from sessions.admin import MeetingAdmin
from sessions.models import Meeting


class FileAdminForm(forms.ModelForm):
    """Takes name, size, type and checksum from the upload itself; the stored path is the
    checksum, so it must be known before the file is saved."""

    class Meta:
        model = File
        # The admins list the fields they show; the form only needs the upload.
        fields = ("content",)

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
            name = upload.name or ""
            self.instance.sha256 = digest.hexdigest()
            self.instance.size = upload.size
            self.instance.file_name = name
            self.instance.mime_type = (
                mimetypes.guess_type(name)[0] or upload.content_type or "application/octet-stream"
            )
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
    list_filter = ("role", "public", "mime_type")
    list_select_related = ("paper", "meeting", "agenda_item")
    search_fields = ("name", "file_name", "sha256", "paper__reference")
    autocomplete_fields = ("paper", "meeting", "agenda_item")
    fieldsets = (
        (None, {"fields": ("name", "role", "content", "public", "order", "date")}),
        (_("Gehört zu"), {"fields": ("paper", "meeting", "agenda_item")}),
        (
            _("Aus der Datei ermittelt"),
            {"fields": ("file_name", "mime_type", "size", "sha256", "text")},
        ),
        (
            _("Metadaten"),
            {
                "fields": ("file_license", "license", "keyword", "external_id", *TRACKING_FIELDS),
                "classes": ["collapse"],
            },
        ),
    )
    readonly_fields = ("file_name", "mime_type", "size", "sha256", "text")
    date_hierarchy = "date"

    @admin.display(description=_("gehört zu"))
    def owner(self, file: File) -> str:
        return str(file.paper or file.meeting or file.agenda_item or "")

    @admin.display(description=_("Größe"), ordering="size")
    def size_display(self, file: File) -> str:
        return filesizeformat(file.size)


admin.site.unregister(Meeting)


@admin.register(Meeting)
class MeetingWithFilesAdmin(MeetingAdmin):
    inlines = [*MeetingAdmin.inlines, MeetingFileInline]
