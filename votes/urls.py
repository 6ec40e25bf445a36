"""The live screens of one meeting, mounted under `sitzungen/<meeting_id>/live/`."""

from __future__ import annotations

from django.urls import path

from votes import views

urlpatterns = [
    path("", views.live_tablet, name="live-tablet"),
    path("leitung/", views.live_console, name="live-console"),
    path("saal/", views.live_room, name="live-room"),
    path("oeffentlich/", views.live_public, name="live-public"),
]
