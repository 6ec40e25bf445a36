from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Vorlagen und Dokumente")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the queue handlers (text extraction) with ratsinfo.jobs.
        from documents import tasks  # noqa: F401
