"""Meetings and their agendas (OParl Meeting, AgendaItem)."""

from __future__ import annotations

from typing import ClassVar

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
