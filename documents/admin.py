"""Admin for papers, consultations and files; also adds the files inline to the meeting admin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from documents.errors import FileRejected
from documents.models import Consultation, ExtractionState, File, FilePage, FileVersion, Paper
from documents.services import file_fingerprint, file_replace, file_upload_recorded
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
        if isinstance(upload, UploadedFile):
            try:
                fingerprint = file_fingerprint(upload=upload)
            except FileRejected as exc:
                raise forms.ValidationError(exc.message) from exc
            self.instance.sha256 = fingerprint.sha256
            self.instance.size = fingerprint.size
            self.instance.file_name = fingerprint.file_name
            self.instance.mime_type = fingerprint.mime_type
            self.instance.extraction_state = ExtractionState.PENDING
            self.instance.extraction_reason = ""
        return upload


# The row keeps these until the replace service has recorded the earlier bytes as a version.
_UPLOAD_FIELDS = (
    "content",
    "sha256",
    "size",
    "file_name",
    "mime_type",
    "extraction_state",
    "extraction_reason",
)


class TracksUploads(admin.ModelAdmin):
    """Files uploaded through the admin, directly or inline, go through the upload services: a
    new file gets its first version and is queued for extraction, and a new upload on an
    existing file replaces it while keeping the earlier bytes as a version."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        replacement = self._hold_back_replacement(obj, form)
        super().save_model(request, obj, form, change)
        self._after_save(request, obj, form, replacement)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        held = [(f, self._hold_back_replacement(f.instance, f)) for f in formset.forms]
        super().save_formset(request, form, formset, change)
        for inline_form, replacement in held:
            self._after_save(request, inline_form.instance, inline_form, replacement)

    @staticmethod
    def _hold_back_replacement(obj: Any, form: Any) -> Any:
        if not (isinstance(obj, File) and obj.pk and "content" in form.changed_data):
            return None
        previous = File.all_objects.get(pk=obj.pk)
        for name in _UPLOAD_FIELDS:
            setattr(obj, name, getattr(previous, name))
        return form.cleaned_data["content"]

    def _after_save(self, request: HttpRequest, obj: Any, form: Any, replacement: Any) -> None:
        if not isinstance(obj, File) or not obj.pk:
            return
        if replacement is not None:
            try:
                file_replace(user=request.user, file=obj, upload=replacement)
            except FileRejected as exc:
                self.message_user(request, exc.message, level=messages.WARNING)
        elif "content" in form.changed_data:
            file_upload_recorded(file=obj, user=request.user)


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
class PaperAdmin(TracksUploads, CouncilModelAdmin):
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


def version_link(version: FileVersion) -> str:
    url = reverse("file-version-download", args=[version.file_id, version.number])
    return format_html('<a href="{}">{}</a>', url, version.file_name)


class ReadOnlyFilePart(admin.ModelAdmin):
    """Rows that only services write; a clerk sees those of the files they may edit."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        files = editable(request.user, File.all_objects.all())
        return super().get_queryset(request).filter(file__in=files)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FilePage)
class FilePageAdmin(ReadOnlyFilePart):
    """Extracted page texts, rewritten by every extraction run."""

    list_display = ("file", "number")
    list_select_related = ("file",)
    search_fields = ("text", "file__name", "file__file_name")
    fields = ("file", "number", "text")
    readonly_fields = ("file", "number", "text")


@admin.register(FileVersion)
class FileVersionAdmin(ReadOnlyFilePart):
    """Every upload of a file, kept when it was replaced: who, when, which bytes."""

    list_display = ("file", "number", "file_name", "size", "uploaded_by", "uploaded_at")
    list_select_related = ("file", "uploaded_by")
    search_fields = ("file__name", "file_name", "sha256")
    fields = (
        "file",
        "number",
        "file_name",
        "mime_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        "download",
    )
    readonly_fields = fields

    @admin.display(description=_("Herunterladen"))
    def download(self, version: FileVersion) -> str:
        return version_link(version)


class FileVersionInline(admin.TabularInline):
    model = FileVersion
    extra = 0
    can_delete = False
    fields = ("number", "file_name", "size", "uploaded_by", "uploaded_at", "download")
    readonly_fields = fields
    verbose_name_plural = _("Fassungen (frühere Uploads bleiben erhalten)")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("Herunterladen"))
    def download(self, version: FileVersion) -> str:
        return version_link(version)


@admin.register(File)
class FileAdmin(TracksUploads, CouncilModelAdmin):
    form = FileAdminForm
    list_display = (
        "__str__",
        "file_name",
        "role",
        "owner",
        "public",
        "size_display",
        "extraction_progress",
        "date",
    )
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

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        # A new file has no versions yet; its first upload becomes version 1 on saving.
        return (FileVersionInline,) if obj is not None else ()

    @admin.display(description=_("gehört zu"))
    def owner(self, file: File) -> str:
        return str(file.paper or file.meeting or file.agenda_item or "")

    @admin.display(description=_("Größe"), ordering="size")
    def size_display(self, file: File) -> str:
        return filesizeformat(file.size)

    @admin.display(description=_("Texterkennung"), ordering="extraction_state")
    def extraction_progress(self, file: File) -> str:
        if file.extraction_state == ExtractionState.RUNNING and file.page_count:
            return _("liest Seite %(done)s von %(total)s") % {
                "done": file.pages_done,
                "total": file.page_count,
            }
        return str(file.get_extraction_state_display())


admin.site.unregister(Meeting)


@admin.register(Meeting)
class MeetingWithFilesAdmin(TracksUploads, MeetingAdmin):
    inlines = [*MeetingAdmin.inlines, MeetingFileInline]
