from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatsinfoConfig(AppConfig):
    name = "ratsinfo"
    verbose_name = _("Körperschaft und Personen")
    default_auto_field = "django.db.models.BigAutoField"
