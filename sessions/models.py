"""Meetings and their agendas (OParl Meeting, AgendaItem)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ratsinfo.models import Body, Location, OParlObject, Organization, Person
from ratsinfo.visibility import VisibilitySpec


class Meeting(OParlObject):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("terminiert")
        INVITED = "invited", _("eingeladen")
        RUNNING = "running", _("läuft")
        COMPLETED = "completed", _("durchgeführt")
        CANCELLED = "cancelled", _("abgesagt")

    body = models.ForeignKey(
        Body, models.CASCADE, related_name="meetings", verbose_name=_("Körperschaft")
    )
    name = models.CharField(_("Name"), max_length=255)
    state = models.CharField(
        _("Status"), max_length=20, choices=State.choices, default=State.SCHEDULED
    )
    start = models.DateTimeField(_("Beginn"), null=True, blank=True, db_index=True)
    end = models.DateTimeField(_("Ende"), null=True, blank=True)
    location = models.ForeignKey(
        Location,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("Ort"),
    )
    organizations = models.ManyToManyField(
        Organization, related_name="meetings", verbose_name=_("Gremien")
    )
    participants = models.ManyToManyField(
        Person, blank=True, related_name="meetings", verbose_name=_("Teilnehmende")
    )
    published_at = models.DateTimeField(
        _("veröffentlicht am"),
        null=True,
        blank=True,
        help_text=_("Leer lassen, solange die Sitzung in Vorbereitung ist."),
    )
    current_agenda_item = models.ForeignKey(
        "AgendaItem",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aktueller Tagesordnungspunkt"),
    )

    visibility: ClassVar[VisibilitySpec] = VisibilitySpec(
        bodies=("body",), published="published_at", organizations=("organizations",)
    )

    class Meta:
        verbose_name = _("Sitzung")
        verbose_name_plural = _("Sitzungen")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=F("start")),
                name="meeting_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(
                    state__in=["scheduled", "invited", "running", "completed", "cancelled"]
                ),
                name="meeting_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def cancelled(self) -> bool:
        return self.state == self.State.CANCELLED


class AgendaItem(OParlObject):
    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="agenda_items", verbose_name=_("Sitzung")
    )
    number = models.CharField(
        _("Nummer"), max_length=30, blank=True, help_text=_("z. B. Ö 3.1 oder N 2")
    )
    order = models.PositiveIntegerField(_("Reihenfolge"))
    name = models.CharField(_("Bezeichnung"), max_length=500)
    public = models.BooleanField(_("öffentlich"), default=True)
    result = models.CharField(_("Ergebnis"), max_length=255, blank=True)
    resolution_text = models.TextField(_("Beschlusstext"), blank=True)
    start = models.DateTimeField(_("Beginn"), null=True, blank=True)
    end = models.DateTimeField(_("Ende"), null=True, blank=True)

    visibility: ClassVar[VisibilitySpec] = VisibilitySpec(
        bodies=("meeting__body",),
        public="public",
        parents=("meeting",),
        organizations=("meeting__organizations",),
    )

    class Meta:
        verbose_name = _("Tagesordnungspunkt")
        verbose_name_plural = _("Tagesordnungspunkte")
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "order"],
                condition=Q(deleted=False),
                name="agendaitem_unique_order_per_meeting",
            ),
            models.UniqueConstraint(
                fields=["meeting", "number"],
                condition=Q(deleted=False) & ~Q(number=""),
                name="agendaitem_unique_number_per_meeting",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=F("start")),
                name="agendaitem_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()


class Minutes(OParlObject):
    """The results record (Niederschrift) of a meeting, published as a page once approved for
    publication. The agenda items carry the results; this adds the framing text."""

    meeting = models.OneToOneField(
        Meeting, models.CASCADE, related_name="minutes", verbose_name=_("Sitzung")
    )
    introduction = models.TextField(
        _("Einleitung"), blank=True, help_text=_("z. B. Eröffnung, Beschlussfähigkeit")
    )
    closing = models.TextField(_("Schluss"), blank=True)
    recorder = models.CharField(_("Schriftführung"), max_length=255, blank=True)
    approved_on = models.DateField(
        _("genehmigt am"), null=True, blank=True, help_text=_("Datum der Genehmigung im Gremium")
    )
    published_at = models.DateTimeField(
        _("veröffentlicht am"),
        null=True,
        blank=True,
        help_text=_("Leer lassen, solange die Niederschrift nicht freigegeben ist."),
    )

    visibility: ClassVar[VisibilitySpec] = VisibilitySpec(
        bodies=("meeting__body",), published="published_at", parents=("meeting",)
    )

    class Meta:
        verbose_name = _("Niederschrift")
        verbose_name_plural = _("Niederschriften")
        ordering = ["-meeting__start"]

    def __str__(self) -> str:
        return f"{_('Niederschrift')} – {self.meeting}"


class Attendance(models.Model):
    """Whether a person takes part in a live meeting, and from which agenda item to which."""

    class Status(models.TextChoices):
        PRESENT = "present", _("anwesend")
        ABSENT = "absent", _("abwesend")
        EXCUSED = "excused", _("entschuldigt")

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="attendances", verbose_name=_("Sitzung")
    )
    person = models.ForeignKey(
        Person, models.CASCADE, related_name="attendances", verbose_name=_("Person")
    )
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices)
    # The first item at which the person was present, and the first at which they no longer
    # were; both for the minutes ("ab TOP 3 anwesend").
    arrived_at_item = models.ForeignKey(
        AgendaItem,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("anwesend ab TOP"),
    )
    left_at_item = models.ForeignKey(
        AgendaItem,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("abwesend ab TOP"),
    )
    arrived_at = models.DateTimeField(_("gekommen um"), null=True, blank=True)
    left_at = models.DateTimeField(_("gegangen um"), null=True, blank=True)
    created = models.DateTimeField(_("erstellt"), auto_now_add=True)
    modified = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Anwesenheit")
        verbose_name_plural = _("Anwesenheiten")
        ordering = ["meeting", "person__family_name", "person__given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], name="attendance_unique_person_per_meeting"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["present", "absent", "excused"]),
                name="attendance_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_status_display()}"


class ConflictDeclaration(models.Model):
    """A conflict of interest (Befangenheit, e.g. § 31 GO NRW): the person takes no part in
    debate and vote on the item and counts as absent for it."""

    agenda_item = models.ForeignKey(
        AgendaItem, models.CASCADE, related_name="conflicts", verbose_name=_("Tagesordnungspunkt")
    )
    person = models.ForeignKey(
        Person, models.CASCADE, related_name="conflicts", verbose_name=_("Person")
    )
    reason = models.CharField(_("Grund"), max_length=500, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("erklärt durch"),
    )
    created = models.DateTimeField(_("erklärt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Befangenheitserklärung")
        verbose_name_plural = _("Befangenheitserklärungen")
        ordering = ["agenda_item", "created"]
        constraints = [
            models.UniqueConstraint(
                fields=["agenda_item", "person"], name="conflict_unique_person_per_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.agenda_item}"


class SpeakerRequest(models.Model):
    """A place on an item's speaker list. Points of order (Geschäftsordnungsanträge) are
    called before every ordinary request; within a kind, first come first served."""

    class Kind(models.TextChoices):
        NORMAL = "normal", _("Wortmeldung")
        POINT_OF_ORDER = "point_of_order", _("Geschäftsordnungsantrag")

    class State(models.TextChoices):
        WAITING = "waiting", _("wartet")
        SPEAKING = "speaking", _("spricht")
        DONE = "done", _("erledigt")
        REMOVED = "removed", _("zurückgezogen")

    agenda_item = models.ForeignKey(
        AgendaItem, models.CASCADE, related_name="speakers", verbose_name=_("Tagesordnungspunkt")
    )
    person = models.ForeignKey(
        Person, models.CASCADE, related_name="speaker_requests", verbose_name=_("Person")
    )
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.NORMAL)
    state = models.CharField(
        _("Status"), max_length=10, choices=State.choices, default=State.WAITING
    )
    order = models.PositiveIntegerField(_("Reihenfolge"))
    created = models.DateTimeField(_("gemeldet um"), auto_now_add=True)
    started_at = models.DateTimeField(_("Beginn"), null=True, blank=True)
    ended_at = models.DateTimeField(_("Ende"), null=True, blank=True)

    class Meta:
        verbose_name = _("Wortmeldung")
        verbose_name_plural = _("Wortmeldungen")
        ordering = ["agenda_item", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["waiting", "speaking", "done", "removed"]),
                name="speaker_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["normal", "point_of_order"]), name="speaker_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["agenda_item"],
                condition=Q(state="speaking"),
                name="speaker_one_speaking_per_item",
            ),
            models.UniqueConstraint(
                fields=["agenda_item", "person", "kind"],
                condition=Q(state="waiting"),
                name="speaker_one_waiting_request_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_kind_display()})"
