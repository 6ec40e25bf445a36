"""Writes of the documents app: uploads and text extraction of files, members' private notes."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File as DjangoFile
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from documents import sniffing
from documents.errors import FileRejected, NoteRejected
from documents.extraction import ExtractionResult, extract, missing_reason
from documents.extraction.result import failed
from documents.models import ExtractionState, File, FilePage, FileVersion, Note, Paper
from ratsinfo.jobs import job_enqueue
from ratsinfo.models import Job
from ratsinfo.visibility import can_see, editable, is_clerk_of
from sessions.models import AgendaItem

NOTE_MAX_LENGTH = 20_000
# The queue handler's name (registered in documents/tasks.py).
EXTRACT_FILE = "documents.extract_file"
# "Page 12 of 80" is written at most this often; a write per page would slow long files.
PROGRESS_INTERVAL_SECONDS = 1.0
PAGE_SEPARATOR = "\n\n"


def file_extract(
    *, file_id: int, progress: Callable[[int, int], None] | None = None
) -> ExtractionResult:
    """Read the text of a stored file into its pages and `File.text` and record the outcome
    (state, reason, page count). Idempotent; the stored bytes are only read. A file that
    cannot be read ends as failed or needs_ocr with a reason, never as an exception.

    Raises File.DoesNotExist for an unknown id. Marking the file running and writing the
    result are two short transactions; the extraction between them holds no lock."""
    with transaction.atomic():
        file = File.objects.select_for_update().get(pk=file_id)
        file.extraction_state = ExtractionState.RUNNING
        file.pages_done = 0
        file.save(update_fields=["extraction_state", "pages_done"])
    path = _stored_path(file)
    if path is None or not path.is_file():
        result = failed(missing_reason())
        mime = file.mime_type
    else:
        mime = sniffing.detect_type(path).mime
        result = extract(path=path, mime=mime, progress=_progress_recorder(file_id, progress))
    try:
        _file_extraction_save(file_id=file_id, mime=mime, result=result)
    finally:
        if result.searchable_pdf is not None:
            result.searchable_pdf.unlink(missing_ok=True)
    return result


@transaction.atomic
def _file_extraction_save(*, file_id: int, mime: str, result: ExtractionResult) -> None:
    file = File.objects.select_for_update().get(pk=file_id)
    FilePage.objects.filter(file=file).delete()
    FilePage.objects.bulk_create(
        [
            FilePage(file=file, number=number, text=text)
            for number, text in enumerate(result.pages, start=1)
        ],
        batch_size=500,
    )
    file.text = PAGE_SEPARATOR.join(text.strip() for text in result.pages).strip()
    file.mime_type = mime
    file.page_count = result.page_count
    file.pages_done = len(result.pages)
    file.extraction_state = result.state
    file.extraction_reason = result.reason
    file.extracted_at = timezone.now()
    if result.searchable_pdf is not None:
        # OCR made a copy with a text layer; the uploaded original stays as it is.
        with result.searchable_pdf.open("rb") as searchable:
            file.searchable_content.save("ocr.pdf", DjangoFile(searchable), save=False)
    file.save(
        update_fields=[
            "searchable_content",
            "text",
            "mime_type",
            "page_count",
            "pages_done",
            "extraction_state",
            "extraction_reason",
            "extracted_at",
        ]
    )


def _stored_path(file: File) -> Path | None:
    if not file.content.name:
        return None
    try:
        return Path(file.content.path)
    except (NotImplementedError, ValueError):
        # Storages without local paths (object stores) would need a download first.
        return None


def _progress_recorder(
    file_id: int, progress: Callable[[int, int], None] | None
) -> Callable[[int, int], None]:
    last_write = 0.0

    def record(done: int, total: int) -> None:
        nonlocal last_write
        now = time.monotonic()
        if done == total or now - last_write >= PROGRESS_INTERVAL_SECONDS:
            last_write = now
            File.objects.filter(pk=file_id).update(pages_done=done, page_count=total)
        if progress is not None:
            progress(done, total)

    return record


@transaction.atomic
def note_save(
    *,
    user: Any,
    paper: Paper | None = None,
    agenda_item: AgendaItem | None = None,
    text: str,
) -> Note | None:
    """Create, replace or (with empty text) delete the user's private note on a paper or an
    agenda item. Returns the note, or None when it was deleted.

    Raises PermissionDenied for anonymous users and for targets the user may not see, and
    NoteRejected for a note longer than NOTE_MAX_LENGTH characters or without exactly one target.
    """
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Nur angemeldete Personen können Notizen speichern."))
    target: Paper | AgendaItem
    if paper is not None and agenda_item is None:
        target = paper
    elif agenda_item is not None and paper is None:
        target = agenda_item
    else:
        raise NoteRejected(_("Eine Notiz gehört entweder zu einer Vorlage oder zu einem TOP."))
    if not can_see(user, target):
        raise PermissionDenied(_("Sie können diesen Eintrag nicht sehen."))
    # Browsers send line breaks as CR LF; the limit counts what is stored and shown.
    text = text.replace("\r\n", "\n")
    if len(text) > NOTE_MAX_LENGTH:
        raise NoteRejected(
            _(
                "Die Notiz ist zu lang: höchstens %(max)s Zeichen sind möglich, Ihr Text hat "
                "%(length)s. Ihre bisherige Notiz bleibt unverändert."
            )
            % {
                "max": number_format(NOTE_MAX_LENGTH, force_grouping=True),
                "length": number_format(len(text), force_grouping=True),
            }
        )
    target_filter = {"author": user, "paper": paper, "agenda_item": agenda_item}
    if not text.strip():
        Note.objects.filter(**target_filter).delete()
        return None
    # update_or_create retries as an update when another tab created the note first.
    note, _created = Note.objects.update_or_create(**target_filter, defaults={"text": text})
    return note


@dataclass(frozen=True)
class Fingerprint:
    """What an upload's bytes say about it, whatever its name claims."""

    sha256: str
    size: int
    file_name: str
    mime_type: str


def file_fingerprint(*, upload: DjangoFile) -> Fingerprint:
    """Checksum, size, a safe name and the type detected from the content of an upload.
    Raises FileRejected when the upload is larger than FILE_UPLOAD_MAX_BYTES."""
    size = upload.size or 0
    if size > settings.FILE_UPLOAD_MAX_BYTES:
        raise FileRejected(
            _(
                "Die Datei ist %(size)s groß; erlaubt sind höchstens %(limit)s. Teilen Sie "
                "die Datei auf oder verkleinern Sie sie (z. B. PDF mit geringerer Bildauflösung)."
            )
            % {
                "size": filesizeformat(size),
                "limit": filesizeformat(settings.FILE_UPLOAD_MAX_BYTES),
            }
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    mime = sniffing.detect_type(upload).mime
    upload.seek(0)
    return Fingerprint(
        sha256=digest.hexdigest(),
        size=size,
        file_name=sniffing.safe_file_name(upload.name or ""),
        mime_type=mime,
    )


def file_extraction_enqueue(*, file: File) -> None:
    """Queue text extraction for `file` (once: a pending job for it is not queued twice)."""
    job_enqueue(
        name=EXTRACT_FILE, payload={"file_id": file.pk}, dedupe_key=f"{EXTRACT_FILE}:{file.pk}"
    )


@transaction.atomic
def file_upload(
    *,
    user: Any,
    paper: Paper,
    upload: DjangoFile,
    name: str = "",
    role: str = File.Role.AUXILIARY,
    public: bool = True,
) -> File:
    """Attach an uploaded file to a paper, stored byte for byte, and queue its text extraction.

    Raises PermissionDenied unless the user is a clerk of the paper's body, and FileRejected
    for an upload over the size limit, one already attached to the paper, or a second main
    document."""
    if not is_clerk_of(user, paper.body_id):
        raise PermissionDenied(_("Nur der Sitzungsdienst kann Dateien an Vorlagen anhängen."))
    fingerprint = file_fingerprint(upload=upload)
    duplicate = File.objects.filter(paper=paper, sha256=fingerprint.sha256).first()
    if duplicate is not None:
        raise FileRejected(
            _("Diese Datei ist bereits an der Vorlage angehängt („%(name)s“).")
            % {"name": duplicate.name or duplicate.file_name}
        )
    if role == File.Role.MAIN and File.objects.filter(paper=paper, role=File.Role.MAIN).exists():
        raise FileRejected(
            _(
                "Die Vorlage hat bereits ein Hauptdokument. Laden Sie die Datei als Anlage hoch "
                "oder löschen Sie zuerst das bisherige Hauptdokument in der Verwaltung."
            )
        )
    file = File(
        paper=paper,
        role=role,
        public=public,
        name=name.strip() or fingerprint.file_name,
        file_name=fingerprint.file_name,
        mime_type=fingerprint.mime_type,
        size=fingerprint.size,
        sha256=fingerprint.sha256,
        date=timezone.localdate(),
        order=File.objects.filter(paper=paper).count(),
    )
    # upload_to names the blob by its checksum, which is set above.
    file.content.save(fingerprint.file_name, upload, save=False)
    file.save()
    file_upload_recorded(file=file, user=user)
    return file


def file_upload_recorded(*, file: File, user: Any) -> None:
    """After a file's first bytes are stored: record them as version 1 and queue extraction."""
    _version_record(file=file, user=user)
    file_extraction_enqueue(file=file)


@transaction.atomic
def file_replace(*, user: Any, file: File, upload: DjangoFile) -> File:
    """Replace a file's bytes with a new upload. The earlier bytes stay stored as a version
    with who uploaded them and when; the text is read again.

    Raises PermissionDenied unless the user may edit the file (clerk of its body), and
    FileRejected for an upload over the size limit or with the same bytes as now."""
    locked = File.objects.select_for_update().get(pk=file.pk)
    if not editable(user, File.objects.filter(pk=locked.pk)).exists():
        raise PermissionDenied(_("Nur der Sitzungsdienst kann Dateien ersetzen."))
    fingerprint = file_fingerprint(upload=upload)
    if fingerprint.sha256 == locked.sha256:
        raise FileRejected(
            _("Die hochgeladene Datei ist mit der aktuellen Fassung identisch; nichts geändert.")
        )
    if not locked.versions.exists():
        # Files from before versioning (imports, the demo) get their first upload recorded.
        _version_record(file=locked, user=None, at=locked.created)
    locked.sha256 = fingerprint.sha256
    locked.size = fingerprint.size
    locked.file_name = fingerprint.file_name
    locked.mime_type = fingerprint.mime_type
    locked.extraction_state = ExtractionState.PENDING
    locked.extraction_reason = ""
    locked.pages_done = 0
    # The OCR copy belonged to the old bytes; the new ones are read (and scanned) afresh.
    locked.searchable_content = ""
    locked.content.save(fingerprint.file_name, upload, save=False)
    locked.save()
    _version_record(file=locked, user=user)
    file_extraction_enqueue(file=locked)
    return locked


def _version_record(*, file: File, user: Any, at: Any = None) -> FileVersion:
    number = (file.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    return FileVersion.objects.create(
        file=file,
        number=number,
        content=file.content.name,
        file_name=file.file_name,
        mime_type=file.mime_type,
        size=file.size,
        sha256=file.sha256,
        uploaded_by=user if user is not None and user.is_authenticated else None,
        uploaded_at=at or timezone.now(),
    )


def file_extraction_enqueue_pending(*, everything: bool = False) -> int:
    """Queue extraction for every file still waiting for it (or, with `everything`, for all
    files, e.g. after an extractor improved); files already queued are skipped. Returns how
    many jobs were added. One bulk insert, so a town of 30,000 files is queued in seconds."""
    files = (
        File.objects.all()
        if everything
        else File.objects.filter(extraction_state=ExtractionState.PENDING)
    )
    jobs = [
        Job(
            name=EXTRACT_FILE,
            payload={"file_id": pk},
            dedupe_key=f"{EXTRACT_FILE}:{pk}",
        )
        for pk in files.values_list("pk", flat=True).iterator()
    ]
    before = Job.objects.filter(name=EXTRACT_FILE).count()
    # The partial unique index on pending dedupe keys turns repeats into no-ops.
    Job.objects.bulk_create(jobs, batch_size=1000, ignore_conflicts=True)
    return Job.objects.filter(name=EXTRACT_FILE).count() - before
