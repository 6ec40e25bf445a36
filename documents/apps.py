from __future__ import annotations

import importlib.util

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Vorlagen und Dokumente")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The job queue is optional while it is being built; without it nothing is registered.
        if importlib.util.find_spec("ratsinfo.jobs") is not None:
            importlib.import_module("documents.tasks")
