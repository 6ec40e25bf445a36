from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotesConfig(AppConfig):
    name = "votes"
    verbose_name = _("Abstimmungen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A meeting with an open poll must not close, and a conflict on an item with an open
        # poll stays until it ends (sessions sends, votes answers).
        from sessions.live import conflict_withdrawing, meeting_closing
        from votes.services import refuse_close_with_open_poll, refuse_withdraw_during_open_poll

        meeting_closing.connect(refuse_close_with_open_poll, dispatch_uid="votes.open_poll")
        conflict_withdrawing.connect(
            refuse_withdraw_during_open_poll, dispatch_uid="votes.open_poll_conflict"
        )
