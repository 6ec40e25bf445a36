"""Template context every page shares."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from ratsinfo.models import Body


def site(request: HttpRequest) -> dict[str, Any]:
    """The body this installation serves (the first one), loaded only if a page shows it."""
    return {"site_body": SimpleLazyObject(lambda: Body.objects.order_by("pk").first())}
