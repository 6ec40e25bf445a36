from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from ratsinfo import views

urlpatterns = [
    path("", include("documents.urls")),
    path("", include("sessions.urls")),
    path("suche/", include("search.urls")),
    path("sitzungen/<int:meeting_id>/live/", include("votes.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("gremien/", views.organization_list, name="organization-list"),
    path("personen/", views.person_list, name="person-list"),
    path("personen/<int:pk>/", views.person_detail, name="person-detail"),
    path("anmelden/", auth_views.LoginView.as_view(), name="login"),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = _("Ratsinfo – Verwaltung")
admin.site.site_title = _("Ratsinfo")
admin.site.index_title = _("Sitzungsdienst und Stammdaten")
