from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    # django.contrib.sessions owns the label "sessions".
    name = "sessions"
    label = "meetings"
    verbose_name = _("Sitzungen")
    default_auto_field = "django.db.models.BigAutoField"
