from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotesConfig(AppConfig):
    name = "votes"
    verbose_name = _("Abstimmungen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A meeting with an open poll must not close (sessions sends, votes answers).
        from sessions.live import meeting_closing
        from votes.services import refuse_close_with_open_poll

        meeting_closing.connect(refuse_close_with_open_poll, dispatch_uid="votes.open_poll")
