from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = _("Suche")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Search subscribes to the domain apps' saves and deletions (DESIGN.md §1, §5): they
        # never import search.
        from search import signals

        signals.connect()
        # Registers the daily saved-search job with the queue, so run_worker knows it.
        from search import notifications  # noqa: F401
