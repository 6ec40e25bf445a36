"""The search index as rows (database backends) and members' saved searches."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ratsinfo.models import Body, Organization


class Kind(models.TextChoices):
    PAPER = "paper", _("Vorlage")
    FILE = "file", _("Datei")
    MEETING = "meeting", _("Sitzung")
    AGENDA_ITEM = "agenda_item", _("Tagesordnungspunkt")
    MINUTES = "minutes", _("Niederschrift")
    ORGANIZATION = "organization", _("Gremium")
    PERSON = "person", _("Person")


class Entry(models.Model):
    """One searchable object. Visibility is not stored here: database backends apply
    `ratsinfo.visibility` to the object itself inside the query, so a change of rights or of a
    publication date takes effect at once, without re-indexing."""

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    body = models.ForeignKey(Body, models.CASCADE, related_name="+", null=True)
    title = models.CharField(max_length=1000)
    # Everything else that is searched. For files: the pages' text joined with "\f", so a
    # snippet can be found again on its page.
    text = models.TextField(blank=True)
    # Shown under the title: "Anlage zu Vorlage 2026/0012 …", "Sitzung des Rates am …".
    context = models.CharField(max_length=1000, blank=True)
    url = models.CharField(max_length=500)
    # Sort date and year facet: paper date, meeting start, file date, publication.
    date = models.DateTimeField(null=True, db_index=True)
    year = models.PositiveSmallIntegerField(null=True)
    # When the object (or what it hangs on, the later of both) was published; saved searches
    # report matches published since their last run.
    published_at = models.DateTimeField(null=True, db_index=True)
    paper_type = models.CharField(max_length=100, blank=True)
    file_type = models.CharField(max_length=20, blank=True)
    organizations = models.ManyToManyField(Organization, related_name="+", blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Suchindex-Eintrag")
        verbose_name_plural = _("Suchindex-Einträge")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique_object")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.title}"


class SavedSearch(models.Model):
    """A member's saved query; new matches are mailed to them (search.notifications)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("Name"), max_length=200)
    query = models.CharField(_("Suchbegriff"), max_length=500)
    # The facet filters and sort order as the search page's query string.
    filters = models.CharField(_("Filter"), max_length=1000, blank=True)
    notify = models.BooleanField(_("bei neuen Treffern benachrichtigen"), default=True)
    created = models.DateTimeField(_("erstellt"), auto_now_add=True)
    # Matches published before this moment have been reported already.
    notified_until = models.DateTimeField(_("benachrichtigt bis"))

    class Meta:
        verbose_name = _("gespeicherte Suche")
        verbose_name_plural = _("gespeicherte Suchen")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name
