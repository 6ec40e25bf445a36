"""Core domain: the body and who belongs to it (OParl 1.1 Body, LegislativeTerm, Organization,
Person, Membership, Location), plus users and their roles, and the background job queue."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ratsinfo.visibility import VisibilitySpec


class LiveQuerySet(models.QuerySet[Any]):
    def alive(self) -> LiveQuerySet:
        return self.filter(deleted=False)


class LiveManager(models.Manager[Any]):
    """Default manager: soft-deleted rows are hidden everywhere except the admin and the API's
    deletion feed, which use `all_objects`."""

    def get_queryset(self) -> models.QuerySet[Any]:
        return LiveQuerySet(self.model, using=self._db).filter(deleted=False)


class OParlObject(models.Model):
    """Fields every OParl object carries: timestamps, soft deletion, keywords, licence, and the
    identifier it had in the system it was imported from."""

    created = models.DateTimeField(_("erstellt"), auto_now_add=True)
    modified = models.DateTimeField(_("geändert"), auto_now=True, db_index=True)
    deleted = models.BooleanField(_("gelöscht"), default=False, db_index=True)
    keyword = models.JSONField(_("Schlagworte"), default=list, blank=True)
    license = models.CharField(_("Lizenz"), max_length=255, blank=True)
    external_id = models.URLField(
        _("externe OParl-ID"), max_length=500, blank=True, help_text=_("ID im Altsystem (Import)")
    )

    visibility: ClassVar[VisibilitySpec] = VisibilitySpec()

    all_objects = models.Manager()
    objects = LiveManager()

    class Meta:
        abstract = True
        base_manager_name = "all_objects"
        default_manager_name = "objects"


class Location(OParlObject):
    description = models.CharField(_("Beschreibung"), max_length=255, blank=True)
    street_address = models.CharField(_("Straße und Hausnummer"), max_length=255, blank=True)
    room = models.CharField(_("Raum"), max_length=255, blank=True)
    postal_code = models.CharField(_("Postleitzahl"), max_length=10, blank=True)
    sub_locality = models.CharField(_("Ortsteil"), max_length=255, blank=True)
    locality = models.CharField(_("Ort"), max_length=255, blank=True)
    geojson = models.JSONField(_("GeoJSON"), null=True, blank=True)

    class Meta:
        verbose_name = _("Ort")
        verbose_name_plural = _("Orte")
        ordering = ["locality", "street_address", "room"]

    def __str__(self) -> str:
        parts = [self.description, self.room, self.street_address, self.locality]
        return ", ".join(p for p in parts if p) or f"#{self.pk}"


class Body(OParlObject):
    visibility: ClassVar[VisibilitySpec] = VisibilitySpec(bodies=("pk",))

    name = models.CharField(_("Name"), max_length=255)
    short_name = models.CharField(_("Kurzname"), max_length=100, blank=True)
    website = models.URLField(_("Webseite"), blank=True)
    ags = models.CharField(_("Amtlicher Gemeindeschlüssel"), max_length=8, blank=True)
    rgs = models.CharField(_("Regionalschlüssel"), max_length=12, blank=True)
    contact_email = models.EmailField(_("Kontakt-E-Mail"), blank=True)
    contact_name = models.CharField(_("Kontaktname"), max_length=255, blank=True)
    classification = models.CharField(_("Art"), max_length=100, blank=True)
    license_valid_since = models.DateTimeField(_("Lizenz gültig seit"), null=True, blank=True)
    oparl_since = models.DateTimeField(_("OParl seit"), null=True, blank=True)
    location = models.ForeignKey(
        Location, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("Ort")
    )

    class Meta:
        verbose_name = _("Körperschaft")
        verbose_name_plural = _("Körperschaften")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LegislativeTerm(OParlObject):
    visibility: ClassVar[VisibilitySpec] = VisibilitySpec(bodies=("body",))

    body = models.ForeignKey(
        Body, models.CASCADE, related_name="legislative_terms", verbose_name=_("Körperschaft")
    )
    name = models.CharField(_("Name"), max_length=255)
    start_date = models.DateField(_("Beginn"), null=True, blank=True)
    end_date = models.DateField(_("Ende"), null=True, blank=True)

    class Meta:
        verbose_name = _("Wahlperiode")
        verbose_name_plural = _("Wahlperioden")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="legislativeterm_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Organization(OParlObject):
    visibility: ClassVar[VisibilitySpec] = VisibilitySpec(bodies=("body",))

    class Type(models.TextChoices):
        # OParl 1.1 organizationType vocabulary.
        BOARD = "Gremium", _("Gremium")
        FACTION = "Fraktion", _("Fraktion")
        PARTY = "Partei", _("Partei")
        ADMINISTRATION = "Verwaltungsbereich", _("Verwaltungsbereich")
        EXTERNAL_BOARD = "externes Gremium", _("externes Gremium")
        INSTITUTION = "Institution", _("Institution")
        OTHER = "Sonstiges", _("Sonstiges")

    body = models.ForeignKey(
        Body, models.CASCADE, related_name="organizations", verbose_name=_("Körperschaft")
    )
    name = models.CharField(_("Name"), max_length=255)
    short_name = models.CharField(_("Kurzname"), max_length=100, blank=True)
    organization_type = models.CharField(
        _("Organisationstyp"), max_length=50, choices=Type.choices, default=Type.BOARD
    )
    classification = models.CharField(
        _("Art"), max_length=100, blank=True, help_text=_("z. B. Rat, Ausschuss, Beirat")
    )
    post = models.JSONField(_("Positionen"), default=list, blank=True)
    sub_organization_of = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="sub_organizations",
        verbose_name=_("Teil von"),
    )
    start_date = models.DateField(_("Gründung"), null=True, blank=True)
    end_date = models.DateField(_("Auflösung"), null=True, blank=True)
    website = models.URLField(_("Webseite"), blank=True)
    location = models.ForeignKey(
        Location, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("Ort")
    )
    external_body = models.URLField(_("externe Körperschaft"), blank=True)
    statutory_members = models.PositiveIntegerField(
        _("gesetzliche Mitgliederzahl"),
        null=True,
        blank=True,
        help_text=_("Grundlage für Beschlussfähigkeit und absolute Mehrheit"),
    )

    class Meta:
        verbose_name = _("Gremium/Organisation")
        verbose_name_plural = _("Gremien/Organisationen")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "name"],
                condition=Q(deleted=False),
                name="organization_unique_name_per_body",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="organization_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Person(OParlObject):
    visibility: ClassVar[VisibilitySpec] = VisibilitySpec(bodies=("body",))

    body = models.ForeignKey(
        Body, models.CASCADE, related_name="persons", verbose_name=_("Körperschaft")
    )
    name = models.CharField(_("Name"), max_length=255)
    family_name = models.CharField(_("Familienname"), max_length=255, blank=True)
    given_name = models.CharField(_("Vorname"), max_length=255, blank=True)
    form_of_address = models.CharField(_("Anrede"), max_length=50, blank=True)
    affix = models.CharField(_("Namenszusatz"), max_length=100, blank=True)
    title = models.JSONField(_("Titel"), default=list, blank=True)
    gender = models.CharField(_("Geschlecht"), max_length=50, blank=True)
    phone = models.JSONField(_("Telefon"), default=list, blank=True)
    email = models.JSONField(_("E-Mail"), default=list, blank=True)
    location = models.ForeignKey(
        Location, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("Ort")
    )
    status = models.JSONField(_("Status"), default=list, blank=True)
    life = models.TextField(_("Lebenslauf"), blank=True)
    life_source = models.CharField(_("Quelle des Lebenslaufs"), max_length=255, blank=True)
    contact_public = models.BooleanField(
        _("Kontaktdaten veröffentlichen"),
        default=False,
        help_text=_("Telefon, E-Mail und Anschrift erscheinen nur mit Einwilligung öffentlich."),
    )

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = ["family_name", "given_name", "name"]

    def __str__(self) -> str:
        return self.name


class Membership(OParlObject):
    visibility: ClassVar[VisibilitySpec] = VisibilitySpec(bodies=("organization__body",))

    person = models.ForeignKey(
        Person, models.CASCADE, related_name="memberships", verbose_name=_("Person")
    )
    organization = models.ForeignKey(
        Organization, models.CASCADE, related_name="memberships", verbose_name=_("Gremium")
    )
    role = models.CharField(_("Rolle"), max_length=100, blank=True, default="Mitglied")
    voting_right = models.BooleanField(_("stimmberechtigt"), default=True)
    start_date = models.DateField(_("Beginn"), null=True, blank=True)
    end_date = models.DateField(_("Ende"), null=True, blank=True)
    on_behalf_of = models.ForeignKey(
        Organization,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="delegated_memberships",
        verbose_name=_("für Fraktion"),
    )

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        ordering = ["organization__name", "person__family_name", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="membership_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.organization} ({self.role})"


class User(AbstractUser):
    """A login. Council members are linked to their Person; clerks (Sitzungsdienst) are
    assigned to the bodies they administer; administrators are superusers."""

    person = models.OneToOneField(
        Person,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("Person"),
    )
    clerk_of = models.ManyToManyField(
        Body,
        blank=True,
        related_name="clerks",
        verbose_name=_("Sitzungsdienst für"),
        help_text=_("Körperschaften, deren Sitzungsdienst dieser Zugang angehört."),
    )

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("Benutzer")
        verbose_name_plural = _("Benutzer")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Job(models.Model):
    """One unit of background work on the database-backed queue; `ratsinfo/jobs.py` claims and
    runs it, `manage.py run_worker` drives it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("eingereiht")
        RUNNING = "running", _("läuft")
        DONE = "done", _("erledigt")
        FAILED = "failed", _("fehlgeschlagen")

    name = models.CharField(_("Aufgabe"), max_length=100)
    payload = models.JSONField(_("Daten"), default=dict, blank=True)
    state = models.CharField(
        _("Status"), max_length=10, choices=State.choices, default=State.QUEUED
    )
    attempts = models.PositiveIntegerField(_("Versuche"), default=0)
    max_attempts = models.PositiveIntegerField(_("Versuche höchstens"), default=5)
    run_after = models.DateTimeField(_("frühestens ab"), default=timezone.now)
    locked_by = models.CharField(_("bearbeitet von"), max_length=100, blank=True)
    locked_until = models.DateTimeField(_("reserviert bis"), null=True, blank=True)
    progress_done = models.PositiveIntegerField(_("erledigt"), null=True, blank=True)
    progress_total = models.PositiveIntegerField(_("gesamt"), null=True, blank=True)
    last_error = models.TextField(_("letzter Fehler"), blank=True)
    # Pending jobs with the same key are the same work: enqueueing it again adds nothing. NULL
    # (not "") means "no key", because NULLs never collide in the unique constraint.
    dedupe_key = models.CharField(  # noqa: DJ001
        _("Schlüssel"), max_length=255, null=True, blank=True
    )
    created = models.DateTimeField(_("erstellt"), auto_now_add=True)
    modified = models.DateTimeField(_("geändert"), auto_now=True)
    finished_at = models.DateTimeField(_("beendet"), null=True, blank=True)

    class Meta:
        verbose_name = _("Hintergrundaufgabe")
        verbose_name_plural = _("Hintergrundaufgaben")
        ordering = ["-created"]
        indexes = [models.Index(fields=["state", "run_after"], name="job_state_run_after")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["queued", "running", "done", "failed"]),
                name="job_state_valid",
            ),
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(state__in=["queued", "running"]),
                name="job_unique_pending_dedupe_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """The audit trail is append-only (DESIGN.md §4): bulk updates and deletes are refused."""

    def update(self, **kwargs: Any) -> int:
        raise TypeError("Audit events are never updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit events are never deleted.")


class AuditEvent(models.Model):
    """One state change of a poll, ballot, meeting or circulation folder: who, when, what,
    before → after. Lives in the core app so that every app above may write it."""

    actor = models.ForeignKey(
        # PROTECT, not SET_NULL: clearing the actor would update the event.
        User,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("durch"),
    )
    actor_name = models.CharField(_("durch (Name)"), max_length=255, blank=True)
    action = models.CharField(_("Vorgang"), max_length=50, db_index=True)
    object_type = models.CharField(_("Objekttyp"), max_length=50)
    object_id = models.CharField(_("Objekt-ID"), max_length=64)
    object_repr = models.CharField(_("Objekt"), max_length=255, blank=True)
    # Whose clerks may read the event; the meeting, for the trail of one meeting.
    body = models.ForeignKey(
        Body,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Körperschaft"),
    )
    meeting_id = models.BigIntegerField(_("Sitzung"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("vorher"), null=True, blank=True)
    after = models.JSONField(_("nachher"), null=True, blank=True)
    message = models.TextField(_("Beschreibung"), blank=True)
    created = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokolleinträge")
        ordering = ["created", "pk"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M:%S} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("Audit events are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit events are never deleted.")
