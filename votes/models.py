"""Polls and ballots of a live meeting or a circular resolution (Umlaufbeschluss: a poll
without a meeting)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ratsinfo.models import Body, Organization, Person
from sessions.models import AgendaItem, Meeting
from votes import rules


class MajorityMethod(models.TextChoices):
    SIMPLE = rules.SIMPLE, _("einfache Mehrheit")
    PRESENT = rules.PRESENT, _("Mehrheit der anwesenden Mitglieder")
    ABSOLUTE = rules.ABSOLUTE, _("Mehrheit der gesetzlichen Mitglieder")
    TWO_THIRDS = rules.TWO_THIRDS, _("Zweidrittelmehrheit der abgegebenen Stimmen")
    TWO_THIRDS_STATUTORY = (
        rules.TWO_THIRDS_STATUTORY,
        _("Zweidrittelmehrheit der gesetzlichen Mitglieder"),
    )


class Choice(models.TextChoices):
    YES = rules.YES, _("Ja")
    NO = rules.NO, _("Nein")
    ABSTAIN = rules.ABSTAIN, _("Enthaltung")


class BodyVotingRules(models.Model):
    """A body's defaults for new polls; each poll may deviate."""

    body = models.OneToOneField(
        Body, models.CASCADE, related_name="voting_rules", verbose_name=_("Körperschaft")
    )
    majority_method = models.CharField(
        _("Mehrheitsregel"),
        max_length=30,
        choices=MajorityMethod.choices,
        default=MajorityMethod.SIMPLE,
    )
    allow_vote_change = models.BooleanField(
        _("Stimmänderung erlaubt"),
        default=True,
        help_text=_("Mitglieder dürfen ihre Stimme ändern, bis die Abstimmung geschlossen wird."),
    )

    class Meta:
        verbose_name = _("Abstimmungsregeln")
        verbose_name_plural = _("Abstimmungsregeln")

    def __str__(self) -> str:
        return f"{_('Abstimmungsregeln')} – {self.body}"


class Poll(models.Model):
    class Kind(models.TextChoices):
        NAMED = "named", _("namentlich")
        OPEN_ANONYMOUS = "open_anonymous", _("offen, ohne Namen")
        SECRET = "secret", _("geheim")
        SHOW_OF_HANDS = "show_of_hands", _("Handzeichen")
        ELECTION = "election", _("Wahl")

    class State(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        OPEN = "open", _("läuft")
        CLOSED = "closed", _("geschlossen")
        PUBLISHED = "published", _("veröffentlicht")
        ANNULLED = "annulled", _("aufgehoben")

    body = models.ForeignKey(
        Body, models.CASCADE, related_name="polls", verbose_name=_("Körperschaft")
    )
    organization = models.ForeignKey(
        Organization,
        models.PROTECT,
        related_name="polls",
        verbose_name=_("Gremium"),
        help_text=_("Dessen stimmberechtigte Mitglieder abstimmen."),
    )
    meeting = models.ForeignKey(
        Meeting,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="polls",
        verbose_name=_("Sitzung"),
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="polls",
        verbose_name=_("Tagesordnungspunkt"),
    )
    title = models.CharField(_("Gegenstand"), max_length=500)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.NAMED)
    majority_method = models.CharField(
        _("Mehrheitsregel"), max_length=30, choices=MajorityMethod.choices
    )
    allow_vote_change = models.BooleanField(_("Stimmänderung erlaubt"), default=True)
    state = models.CharField(_("Status"), max_length=10, choices=State.choices, default=State.DRAFT)
    resolution_text = models.TextField(_("Beschlusstext"), blank=True)
    annul_reason = models.TextField(_("Grund der Aufhebung"), blank=True)
    # Snapshot when the poll opens: the basis of quorum and majority.
    statutory_members = models.PositiveIntegerField(_("gesetzliche Mitglieder"), default=0)
    eligible_count = models.PositiveIntegerField(_("stimmberechtigt anwesend"), default=0)
    yes_count = models.PositiveIntegerField(_("Ja"), null=True, blank=True)
    no_count = models.PositiveIntegerField(_("Nein"), null=True, blank=True)
    abstain_count = models.PositiveIntegerField(_("Enthaltungen"), null=True, blank=True)
    accepted = models.BooleanField(_("angenommen"), null=True, blank=True)
    result_short = models.CharField(_("Ergebnis"), max_length=100, blank=True)
    result_text = models.TextField(_("Ergebnistext"), blank=True)
    # Per candidate of an election, the run-off, and the names per choice of a named vote.
    result_detail = models.JSONField(_("Ergebnis im Einzelnen"), default=dict, blank=True)
    created = models.DateTimeField(_("erstellt"), auto_now_add=True)
    modified = models.DateTimeField(_("geändert"), auto_now=True)
    opened_at = models.DateTimeField(_("geöffnet um"), null=True, blank=True)
    closed_at = models.DateTimeField(_("geschlossen um"), null=True, blank=True)
    published_at = models.DateTimeField(_("veröffentlicht um"), null=True, blank=True)

    class Meta:
        verbose_name = _("Abstimmung")
        verbose_name_plural = _("Abstimmungen")
        ordering = ["created", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["draft", "open", "closed", "published", "annulled"]),
                name="poll_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=["named", "open_anonymous", "secret", "show_of_hands", "election"]
                ),
                name="poll_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(majority_method__in=list(rules.METHODS)), name="poll_method_valid"
            ),
            models.CheckConstraint(
                condition=(Q(state="annulled") & ~Q(annul_reason=""))
                | (~Q(state="annulled") & Q(annul_reason="")),
                name="poll_annul_reason_iff_annulled",
            ),
            models.CheckConstraint(
                condition=Q(agenda_item__isnull=True) | Q(meeting__isnull=False),
                name="poll_item_needs_meeting",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "open"])
                | Q(closed_at__isnull=False)
                | Q(state="annulled"),
                name="poll_closed_has_time",
            ),
            # One running poll per meeting: the room screen and the tablets show "the" poll.
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(state="open"), name="poll_one_open_per_meeting"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Candidate(models.Model):
    poll = models.ForeignKey(
        Poll, models.CASCADE, related_name="candidates", verbose_name=_("Wahl")
    )
    name = models.CharField(_("Name"), max_length=255)
    person = models.ForeignKey(
        Person, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("Person")
    )
    order = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Bewerberin/Bewerber")
        verbose_name_plural = _("Bewerberinnen/Bewerber")
        ordering = ["poll", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "name"], name="candidate_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class EligibleVoter(models.Model):
    """Who may vote in the poll, fixed when it opens (voting right, present, not conflicted)."""

    poll = models.ForeignKey(
        Poll, models.CASCADE, related_name="eligible_voters", verbose_name=_("Abstimmung")
    )
    person = models.ForeignKey(Person, models.PROTECT, related_name="+", verbose_name=_("Person"))

    class Meta:
        verbose_name = _("Stimmberechtigte Person")
        verbose_name_plural = _("Stimmberechtigte")
        constraints = [
            models.UniqueConstraint(fields=["poll", "person"], name="eligible_unique_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.poll}"


class BallotReceipt(models.Model):
    """That a person has voted in a poll, for every kind: the database's guarantee that each
    member votes once (unique per poll and voter), and the count behind poll.progress. It
    never says how."""

    poll = models.ForeignKey(
        Poll, models.CASCADE, related_name="receipts", verbose_name=_("Abstimmung")
    )
    voter = models.ForeignKey(Person, models.PROTECT, related_name="+", verbose_name=_("Person"))
    idempotency_key = models.CharField(_("Nachrichtenkennung"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("erfasst durch"),
    )
    created = models.DateTimeField(_("abgestimmt um"), auto_now_add=True)

    class Meta:
        verbose_name = _("Stimmabgabe")
        verbose_name_plural = _("Stimmabgaben")
        constraints = [
            models.UniqueConstraint(fields=["poll", "voter"], name="receipt_one_per_voter"),
        ]

    def __str__(self) -> str:
        return f"{self.voter} – {self.poll}"


def _one_choice() -> Q:
    return (Q(choice="") & Q(candidate__isnull=False)) | (
        Q(choice__in=list(rules.CHOICES)) & Q(candidate__isnull=True)
    )


class Ballot(models.Model):
    """How a member voted in a named, open-anonymous or election poll (never secret)."""

    poll = models.ForeignKey(
        Poll, models.CASCADE, related_name="ballots", verbose_name=_("Abstimmung")
    )
    voter = models.ForeignKey(Person, models.PROTECT, related_name="+", verbose_name=_("Person"))
    choice = models.CharField(_("Stimme"), max_length=10, choices=Choice.choices, blank=True)
    candidate = models.ForeignKey(
        Candidate, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("abgegeben um"), auto_now_add=True)
    modified = models.DateTimeField(_("geändert um"), auto_now=True)

    class Meta:
        verbose_name = _("Stimme")
        verbose_name_plural = _("Stimmen")
        constraints = [
            models.UniqueConstraint(fields=["poll", "voter"], name="ballot_one_per_voter"),
            models.CheckConstraint(condition=_one_choice(), name="ballot_one_choice"),
        ]

    def __str__(self) -> str:
        return f"{self.voter} – {self.poll}"


class SecretBallot(models.Model):
    """A secret vote: no voter, no time and a random key, so neither a column nor the row
    order links it to the receipt written in the same transaction."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(
        Poll, models.CASCADE, related_name="secret_ballots", verbose_name=_("Abstimmung")
    )
    choice = models.CharField(_("Stimme"), max_length=10, choices=Choice.choices, blank=True)
    candidate = models.ForeignKey(
        Candidate, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("geheime Stimme")
        verbose_name_plural = _("geheime Stimmen")
        constraints = [
            models.CheckConstraint(condition=_one_choice(), name="secretballot_one_choice"),
        ]

    def __str__(self) -> str:
        return f"{_('geheime Stimme')} – {self.poll}"
