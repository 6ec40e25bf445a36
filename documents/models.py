"""Papers (Vorlagen), their consultations and files (OParl Paper, Consultation, File)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ratsinfo.models import Body, Location, OParlObject, Organization, Person
from ratsinfo.visibility import VisibilitySpec
from sessions.models import AgendaItem, Meeting


class Paper(OParlObject):
    class Type(models.TextChoices):
        RESOLUTION_DRAFT = "Beschlussvorlage", _("Beschlussvorlage")
        MOTION = "Antrag", _("Antrag")
        INQUIRY = "Anfrage", _("Anfrage")
        NOTICE = "Mitteilung", _("Mitteilung")
        INFORMATION_DRAFT = "Informationsvorlage", _("Informationsvorlage")
        STATEMENT = "Stellungnahme", _("Stellungnahme")
        REPORT = "Bericht", _("Bericht")

    body = models.ForeignKey(
        Body, models.CASCADE, related_name="papers", verbose_name=_("Körperschaft")
    )
    name = models.CharField(_("Betreff"), max_length=500)
    reference = models.CharField(
        _("Drucksachennummer"), max_length=50, help_text=_("z. B. 2026/0147")
    )
    date = models.DateField(_("Datum"), null=True, blank=True, db_index=True)
    paper_type = models.CharField(
        _("Vorlagenart"), max_length=100, choices=Type.choices, default=Type.RESOLUTION_DRAFT
    )
    public = models.BooleanField(_("öffentlich"), default=True)
    published_at = models.DateTimeField(
        _("veröffentlicht am"),
        null=True,
        blank=True,
        help_text=_("Leer lassen, solange die Vorlage in Bearbeitung ist."),
    )
    related_papers = models.ManyToManyField(
        "self", blank=True, symmetrical=True, verbose_name=_("verwandte Vorlagen")
    )
    subordinated_papers = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        related_name="superordinated_papers",
        verbose_name=_("untergeordnete Vorlagen"),
    )
    originator_persons = models.ManyToManyField(
        Person, blank=True, related_name="originated_papers", verbose_name=_("Urheber (Personen)")
    )
    originator_organizations = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="originated_papers",
        verbose_name=_("Urheber (Gremien, Fraktionen, Ämter)"),
    )
    under_direction_of = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="directed_papers",
        verbose_name=_("federführend"),
    )
    locations = models.ManyToManyField(
        Location, blank=True, related_name="papers", verbose_name=_("Orte")
    )

    visibility: ClassVar[VisibilitySpec] = VisibilitySpec(
        bodies=("body",),
        public="public",
        published="published_at",
        organizations=(
            "consultations__organizations",
            "originator_organizations",
            "under_direction_of",
        ),
    )

    class Meta:
        verbose_name = _("Vorlage")
        verbose_name_plural = _("Vorlagen")
        ordering = ["-date", "-reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "reference"],
                condition=Q(deleted=False),
                name="paper_unique_reference_per_body",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"


class Consultation(OParlObject):
    """A paper's passage through one organization, usually at one agenda item."""

    paper = models.ForeignKey(
        Paper, models.CASCADE, related_name="consultations", verbose_name=_("Vorlage")
    )
    agenda_item = models.OneToOneField(
        AgendaItem,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation",
        verbose_name=_("Tagesordnungspunkt"),
    )
    organizations = models.ManyToManyField(
        Organization, blank=True, related_name="consultations", verbose_name=_("Gremien")
    )
    authoritative = models.BooleanField(
        _("beschließend"), default=False, help_text=_("Das Gremium entscheidet abschließend.")
    )
    role = models.CharField(
        _("Rolle"), max_length=100, blank=True, help_text=_("z. B. Vorberatung, Entscheidung")
    )

    visibility: ClassVar[VisibilitySpec] = VisibilitySpec(
        bodies=("paper__body",), parents=("paper", "agenda_item")
    )

    class Meta:
        verbose_name = _("Beratung")
        verbose_name_plural = _("Beratungen")
        ordering = ["paper", "agenda_item__meeting__start", "pk"]

    def __str__(self) -> str:
        return f"{self.paper.reference} – {self.role}"

    @property
    def meeting(self) -> Meeting | None:
        return self.agenda_item.meeting if self.agenda_item else None


class ExtractionState(models.TextChoices):
    PENDING = "pending", _("ausstehend")
    RUNNING = "running", _("läuft")
    DONE = "done", _("Text gelesen")
    NEEDS_OCR = "needs_ocr", _("Texterkennung (OCR) nötig")
    FAILED = "failed", _("nicht lesbar")


def searchable_pdf_path(instance: File, filename: str) -> str:
    # Named after the original's checksum: one searchable copy per stored original.
    digest = instance.sha256 or "pending"
    return f"files/ocr/{digest[:2]}/{digest}.pdf"


def file_upload_path(instance: File, filename: str) -> str:
    # Content-addressed: names never collide and never reveal the subject of a paper.
    digest = instance.sha256 or "pending"
    return f"files/{digest[:2]}/{digest}"


class File(OParlObject):
    """A document: the main file or an attachment of a paper, or a meeting's or agenda item's
    invitation, protocol or resolution. Exactly one owner."""

    class Role(models.TextChoices):
        MAIN = "main", _("Hauptdokument")
        AUXILIARY = "auxiliary", _("Anlage")
        INVITATION = "invitation", _("Einladung")
        RESULTS_PROTOCOL = "results_protocol", _("Ergebnisprotokoll")
        VERBATIM_PROTOCOL = "verbatim_protocol", _("Wortprotokoll")
        RESOLUTION = "resolution", _("Beschluss")

    name = models.CharField(_("Titel"), max_length=500)
    file_name = models.CharField(_("Dateiname"), max_length=255)
    mime_type = models.CharField(_("Dateityp"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("Größe (Bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    content = models.FileField(_("Datei"), upload_to=file_upload_path, max_length=255)
    searchable_content = models.FileField(
        _("durchsuchbare Fassung"),
        upload_to=searchable_pdf_path,
        max_length=255,
        blank=True,
        help_text=_(
            "Von der Texterkennung (OCR) erzeugte Kopie mit Textebene; das Original bleibt."
        ),
    )
    text = models.TextField(_("Text"), blank=True)
    date = models.DateField(_("Datum"), null=True, blank=True)
    role = models.CharField(_("Art"), max_length=30, choices=Role.choices, default=Role.AUXILIARY)
    order = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    public = models.BooleanField(
        _("öffentlich"),
        default=True,
        help_text=_("Nichtöffentliche Anlagen sehen nur Mitglieder der beratenden Gremien."),
    )
    paper = models.ForeignKey(
        Paper,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("Vorlage"),
    )
    meeting = models.ForeignKey(
        Meeting,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("Sitzung"),
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("Tagesordnungspunkt"),
    )
    file_license = models.URLField(_("Lizenz der Datei"), blank=True)
    extraction_state = models.CharField(
        _("Textauslesung"),
        max_length=20,
        choices=ExtractionState.choices,
        default=ExtractionState.PENDING,
    )
    extraction_reason = models.TextField(
        _("Hinweis zur Textauslesung"),
        blank=True,
        help_text=_("Warum der Text fehlt oder unvollständig ist und was zu tun ist."),
    )
    page_count = models.PositiveIntegerField(_("Seitenzahl"), null=True, blank=True)
    pages_done = models.PositiveIntegerField(_("Seiten gelesen"), default=0)
    extracted_at = models.DateTimeField(_("Text ausgelesen am"), null=True, blank=True)

    visibility: ClassVar[VisibilitySpec] = VisibilitySpec(
        bodies=("paper__body", "meeting__body", "agenda_item__meeting__body"),
        public="public",
        owners=("paper", "meeting", "agenda_item"),
        organizations=(
            "paper__consultations__organizations",
            "paper__originator_organizations",
            "paper__under_direction_of",
            "meeting__organizations",
            "agenda_item__meeting__organizations",
        ),
    )

    class Meta:
        verbose_name = _("Datei")
        verbose_name_plural = _("Dateien")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(paper__isnull=False, meeting__isnull=True, agenda_item__isnull=True)
                    | Q(paper__isnull=True, meeting__isnull=False, agenda_item__isnull=True)
                    | Q(paper__isnull=True, meeting__isnull=True, agenda_item__isnull=False)
                ),
                name="file_exactly_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["main", "auxiliary"]) | Q(paper__isnull=True),
                name="file_paper_role",
            ),
            models.UniqueConstraint(
                fields=["paper"],
                condition=Q(role="main", deleted=False),
                name="file_one_main_file_per_paper",
            ),
            models.CheckConstraint(
                condition=Q(extraction_state__in=ExtractionState.values),
                name="file_extraction_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.file_name


class FilePage(models.Model):
    """The text of one page of a file, so that a search hit can name its page. Formats
    without fixed pages (DOCX, ODT, text) have a single page 1."""

    file = models.ForeignKey(File, models.CASCADE, related_name="pages", verbose_name=_("Datei"))
    number = models.PositiveIntegerField(_("Seite"))
    text = models.TextField(_("Text"), blank=True)

    class Meta:
        verbose_name = _("Dateiseite")
        verbose_name_plural = _("Dateiseiten")
        ordering = ["file", "number"]
        constraints = [
            models.UniqueConstraint(fields=["file", "number"], name="file_page_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="file_page_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.file} – {self.number}"


class FileVersion(models.Model):
    """One upload of a file's bytes. Replacing a file keeps every earlier upload, with who
    uploaded it and when; the file itself always carries the newest."""

    file = models.ForeignKey(File, models.CASCADE, related_name="versions", verbose_name=_("Datei"))
    number = models.PositiveIntegerField(_("Fassung"))
    # The content-addressed blob the file pointed at while this version was current.
    content = models.FileField(_("Datei"), max_length=255)
    file_name = models.CharField(_("Dateiname"), max_length=255)
    mime_type = models.CharField(_("Dateityp"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("Größe (Bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hochgeladen von"),
    )
    uploaded_at = models.DateTimeField(_("hochgeladen am"))

    class Meta:
        verbose_name = _("Dateifassung")
        verbose_name_plural = _("Dateifassungen")
        ordering = ["file", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["file", "number"], name="fileversion_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="fileversion_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({_('Fassung')} {self.number})"


class Note(models.Model):
    """A council member's private note on a paper or an agenda item. Only its author ever sees
    it; it is part of nothing public (no page, feed, search index or export)."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notes",
        verbose_name=_("Verfasser"),
    )
    paper = models.ForeignKey(
        Paper, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("Vorlage")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Tagesordnungspunkt"),
    )
    text = models.TextField(_("Notiz"))
    created = models.DateTimeField(_("erstellt"), auto_now_add=True)
    modified = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Notiz")
        verbose_name_plural = _("Notizen")
        ordering = ["-modified"]
        constraints = [
            models.CheckConstraint(
                condition=Q(paper__isnull=False, agenda_item__isnull=True)
                | Q(paper__isnull=True, agenda_item__isnull=False),
                name="note_exactly_one_target",
            ),
            models.UniqueConstraint(
                fields=["author", "paper"],
                condition=Q(paper__isnull=False),
                name="note_one_per_author_and_paper",
            ),
            models.UniqueConstraint(
                fields=["author", "agenda_item"],
                condition=Q(agenda_item__isnull=False),
                name="note_one_per_author_and_agenda_item",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]
