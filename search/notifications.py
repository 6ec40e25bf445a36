"""E-mail about new matches of saved searches.

Once a day (job `search.notify_saved_searches` on the database queue, see `docs/worker.md`)
every saved search with notification on is run as its user with `published_after` set to the
moment it was last reported up to. The backend applies the visibility rule, so a mail lists
only what its reader may see. Each user gets at most one mail per run, covering all their
searches with news; nothing is mailed when nothing is new. `notified_until` then moves to the
start of the run, so the next run reports only what was published after it.

The daily job re-queues itself for the next morning before it does its work, so a failing
run (retried by the queue) never breaks the chain; creating a saved search (or switching its
notification on) and `manage.py notify_saved_searches --schedule` queue the job when none is
pending, which starts the chain on a new installation and mends it after a queue was cleared.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ratsinfo.jobs import job_enqueue, register
from ratsinfo.models import Body, Job
from search.backends import get_backend
from search.backends.base import Hit, SearchRequest
from search.models import Kind, SavedSearch
from search.params import params_from_querystring, search_url
from search.query import parse

logger = logging.getLogger(__name__)

JOB = "search.notify_saved_searches"
# Local time of the daily run: mails are waiting when the working day starts.
NOTIFY_HOUR = 6
# Matches listed per saved search in one mail; the mail links to the rest.
MAIL_HITS = 10


@dataclass(frozen=True)
class MailHit:
    kind: str
    title: str
    context: str
    date: datetime.datetime | None
    link: str


@dataclass(frozen=True)
class MailSection:
    saved: SavedSearch
    total: int
    hits: list[MailHit]
    link: str

    @property
    def more(self) -> int:
        return self.total - len(self.hits)


@dataclass
class NotifyReport:
    searches: int = 0
    mails: int = 0
    # Users whose mail could not be sent; their searches are reported again next time.
    failed_users: list[int] = field(default_factory=list)


class NotificationsFailed(Exception):
    """Some mails could not be sent; the queue runs the job again later."""


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _mail_hit(hit: Hit) -> MailHit:
    return MailHit(
        kind=str(Kind(hit.kind).label) if hit.kind in Kind.values else hit.kind,
        title=hit.title,
        context=hit.context,
        date=hit.date,
        link=_absolute(hit.url),
    )


def _new_matches(saved: SavedSearch) -> MailSection | None:
    """What the saved search finds, as its user, published after `notified_until`."""
    parsed = parse(saved.query)
    if parsed.is_empty:
        return None
    params = params_from_querystring(saved.query, saved.filters)
    results = get_backend().search(
        SearchRequest(
            query=parsed,
            filters=params.filters,
            sort="date_desc",
            per_page=MAIL_HITS,
            published_after=saved.notified_until,
        ),
        user=saved.user,
    )
    if not results.total:
        return None
    # Newest first, whatever the saved order: the news of the mail lead the list.
    link = search_url(query=params.query, filters=params.filters, sort="date_desc")
    return MailSection(
        saved=saved,
        total=results.total,
        hits=[_mail_hit(hit) for hit in results.hits[:MAIL_HITS]],
        link=_absolute(link),
    )


def _send(user: Any, sections: list[MailSection], site_name: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        if len(sections) == 1:
            subject = _("Neue Treffer für Ihre gespeicherte Suche „%(name)s“") % {
                "name": sections[0].saved.name
            }
        else:
            subject = _("Neue Treffer für %(count)d Ihrer gespeicherten Suchen") % {
                "count": len(sections)
            }
        body = render_to_string(
            "search/notification_email.txt",
            {
                "user": user,
                "sections": sections,
                "site_name": site_name,
                "manage_link": _absolute(reverse("saved-search-list")),
            },
        )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def saved_searches_notify(*, now: datetime.datetime | None = None) -> NotifyReport:
    """Mail every user the new matches of their saved searches and move each search's
    `notified_until` to `now`. A user whose mail fails keeps their `notified_until`, so the
    next run reports the same matches.

    Raises NotificationsFailed after the run if any mail could not be sent, and the backend's
    SearchError when searching is impossible (nothing is advanced for the searches not yet run).
    """
    now = now or timezone.now()
    report = NotifyReport()
    body = Body.objects.order_by("pk").first()
    site_name = body.name if body else "Ratsinfo"
    due = (
        SavedSearch.objects.filter(notify=True, notified_until__lt=now, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id", "pk")
    )
    for _user_id, group in groupby(due, key=lambda saved: saved.user_id):
        searches = list(group)
        user = searches[0].user
        report.searches += len(searches)
        sections = [s for s in map(_new_matches, searches) if s is not None]
        if sections:
            try:
                _send(user, sections, site_name)
            except Exception:
                logger.exception("Benachrichtigung an Zugang %s nicht verschickt", user.pk)
                report.failed_users.append(user.pk)
                continue
            report.mails += 1
        SavedSearch.objects.filter(pk__in=[s.pk for s in searches], notified_until__lt=now).update(
            notified_until=now
        )
    if report.failed_users:
        raise NotificationsFailed(
            f"{len(report.failed_users)} Benachrichtigung(en) nicht verschickt: "
            f"Zugänge {report.failed_users}"
        )
    return report


def next_run_after(moment: datetime.datetime) -> datetime.datetime:
    """The first NOTIFY_HOUR o'clock (local time) after `moment`."""
    local = timezone.localtime(moment)
    day = local.date()
    run_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(NOTIFY_HOUR)))
    if run_at <= moment:
        run_at = timezone.make_aware(
            datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(NOTIFY_HOUR))
        )
    return run_at


def notify_job_ensure_scheduled(*, now: datetime.datetime | None = None) -> Job:
    """Queue the next daily run unless it is queued already (the key names its day)."""
    run_at = next_run_after(now or timezone.now())
    return job_enqueue(
        name=JOB,
        payload={},
        run_after=run_at,
        dedupe_key=f"{JOB}:{timezone.localtime(run_at).date().isoformat()}",
    )


@register(JOB)
def _notify_job(payload: dict[str, Any], progress: Any) -> None:
    # Tomorrow's run is queued before today's work: a failure here is retried by the queue
    # and never breaks the daily chain.
    notify_job_ensure_scheduled()
    saved_searches_notify()
