from __future__ import annotations

from django.urls import path

from sessions import views

urlpatterns = [
    path("sitzungen/", views.meeting_calendar, name="meeting-calendar"),
    path("sitzungen/liste/", views.meeting_list, name="meeting-list"),
    path("sitzungen/kalender.ics", views.meeting_ical_all, name="meeting-ical-all"),
    path("sitzungen/<int:pk>/sitzung.ics", views.meeting_ical, name="meeting-ical"),
    path("gremien/<int:pk>/", views.organization_detail, name="organization-detail"),
    path("gremien/<int:pk>/kalender.ics", views.organization_ical, name="organization-ical"),
]
