"""Writes of the meetings app: publishing minutes."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ratsinfo.visibility import is_clerk_of
from sessions.errors import MinutesPublishRejected
from sessions.models import Minutes


@transaction.atomic
def minutes_publish(
    *, minutes: Minutes, user: Any, now: datetime.datetime | None = None
) -> Minutes:
    """Publish the minutes of a meeting now: from then on everyone who may see the meeting
    sees them. Only clerks of the meeting's body and administrators may.

    Raises PermissionDenied for anyone else, MinutesPublishRejected if the minutes are deleted
    or already published."""
    # Locked: two clerks publishing at once must not both pass the check below.
    locked = Minutes.all_objects.select_for_update().select_related("meeting").get(pk=minutes.pk)
    if not is_clerk_of(user, locked.meeting.body_id):
        raise PermissionDenied(
            _("Nur der Sitzungsdienst der Körperschaft kann Niederschriften veröffentlichen.")
        )
    if locked.deleted or locked.meeting.deleted:
        raise MinutesPublishRejected(
            _("Die Niederschrift „%(minutes)s“ ist gelöscht und kann nicht veröffentlicht werden.")
            % {"minutes": locked}
        )
    now = now or timezone.now()
    if locked.published_at is not None and locked.published_at <= now:
        raise MinutesPublishRejected(
            _("Die Niederschrift „%(minutes)s“ ist bereits seit %(date)s veröffentlicht.")
            % {"minutes": locked, "date": _local_date(locked.published_at)}
        )
    locked.published_at = now
    locked.save(update_fields=["published_at", "modified"])
    minutes.published_at = locked.published_at
    return locked


def _local_date(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")
