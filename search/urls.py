from __future__ import annotations

from django.urls import path

from search import views

urlpatterns = [
    path("", views.search, name="search"),
    path("gespeichert/", views.saved_search_list, name="saved-search-list"),
    path("gespeichert/neu/", views.saved_search_create, name="saved-search-create"),
    path("gespeichert/<int:pk>/umbenennen/", views.saved_search_rename, name="saved-search-rename"),
    path(
        "gespeichert/<int:pk>/benachrichtigung/",
        views.saved_search_notify,
        name="saved-search-notify",
    ),
    path("gespeichert/<int:pk>/loeschen/", views.saved_search_delete, name="saved-search-delete"),
]
