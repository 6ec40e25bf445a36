from __future__ import annotations

from django.urls import path

from documents.views import feeds, files, home, meetings, minutes, notes, papers, uploads, workspace

urlpatterns = [
    path("", home.home, name="home"),
    path("sitzungen/<int:pk>/", meetings.meeting_detail, name="meeting-detail"),
    path("sitzungen/<int:pk>/niederschrift/", minutes.minutes_detail, name="minutes-detail"),
    path("vorlagen/", papers.paper_list, name="paper-list"),
    path("vorlagen/<int:pk>/", papers.paper_detail, name="paper-detail"),
    path("vorlagen/<int:pk>/dateien/", uploads.paper_file_upload, name="paper-file-upload"),
    path(
        "dateien/<int:pk>/fassung/<int:number>/",
        files.file_version_download,
        name="file-version-download",
    ),
    path("dateien/<int:pk>/<str:filename>", files.file_download, name="file-download"),
    path("feeds/neu.atom", feeds.NewDocumentsFeed(), name="feed-atom"),
    path("mein-bereich/", workspace.workspace, name="workspace"),
    path("notizen/<str:kind>/<int:pk>/", notes.note_save, name="note-save"),
]
