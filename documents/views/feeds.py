"""The Atom feed of newly published papers and minutes. Feed readers ask anonymously, and a
feed can be shared: it shows public content only, whoever requests it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.selectors.minutes import minutes_list_recent
from documents.selectors.papers import paper_list_recent
from ratsinfo.models import Body

FEED_LENGTH = 50


@dataclass(frozen=True)
class FeedEntry:
    title: str
    description: str
    link: str
    published: datetime.datetime
    updated: datetime.datetime


if TYPE_CHECKING:
    _Feed = Feed[FeedEntry, Body | None]
else:
    _Feed = Feed


class NewDocumentsFeed(_Feed):
    feed_type = Atom1Feed
    description = gettext_lazy("Neu veröffentlichte Vorlagen und Niederschriften")

    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> Body | None:
        return Body.objects.order_by("pk").first()

    def title(self, body: Body | None) -> str:
        name = body.name if body else "Ratsinfo"
        return _("%(body)s: neue Vorlagen und Niederschriften") % {"body": name}

    def link(self) -> str:
        return reverse("home")

    def subtitle(self) -> str:
        return str(self.description)

    def items(self) -> list[FeedEntry]:
        citizen = AnonymousUser()
        entries = [
            FeedEntry(
                title=_("Vorlage %(reference)s: %(name)s")
                % {"reference": paper.reference, "name": paper.name},
                description=paper.get_paper_type_display()
                + (f", {date_format(paper.date)}" if paper.date else ""),
                link=reverse("paper-detail", args=[paper.pk]),
                published=paper.published_at or paper.created,
                updated=paper.modified,
            )
            for paper in paper_list_recent(user=citizen, limit=FEED_LENGTH)
        ]
        entries += [
            FeedEntry(
                title=_("Niederschrift: %(meeting)s") % {"meeting": minutes.meeting.name}
                + (
                    f" ({date_format(timezone.localtime(minutes.meeting.start))})"
                    if minutes.meeting.start
                    else ""
                ),
                description=_("Die Niederschrift der Sitzung ist veröffentlicht."),
                link=reverse("minutes-detail", args=[minutes.meeting_id]),
                published=minutes.published_at or minutes.created,
                updated=minutes.modified,
            )
            for minutes in minutes_list_recent(user=citizen, limit=FEED_LENGTH)
        ]
        entries.sort(key=lambda entry: entry.published, reverse=True)
        return entries[:FEED_LENGTH]

    def item_title(self, item: FeedEntry) -> str:
        return item.title

    def item_description(self, item: FeedEntry) -> str:
        return item.description

    def item_link(self, item: FeedEntry) -> str:
        return item.link

    def item_pubdate(self, item: FeedEntry) -> datetime.datetime:
        return item.published

    def item_updateddate(self, item: FeedEntry) -> datetime.datetime:
        return item.updated
