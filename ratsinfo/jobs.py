"""The database-backed job queue: register handlers, enqueue work, claim and run it.

Queued work lives in the `Job` table, so it survives restarts. A worker claims a job with a
lease (`locked_until`); when the worker dies, the lease runs out and another worker takes the
job over and runs it again. Handlers must therefore be idempotent: running one twice for the
same payload must leave the same result as running it once. Apps register their handlers in
their `AppConfig.ready()`; this module never imports them (DESIGN.md §1).
"""

from __future__ import annotations

import logging
import random
import time
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Literal

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ratsinfo.errors import DomainError
from ratsinfo.models import Job

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Handler = Callable[[dict[str, Any], Progress], None]
Outcome = Literal["started", "done", "requeued", "failed"]
Report = Callable[[Job, Outcome], None]

PENDING_STATES = (Job.State.QUEUED, Job.State.RUNNING)
BACKOFF_BASE_SECONDS = 5
BACKOFF_CAP_SECONDS = 3600
# Progress is stored at most this often; the final value is always stored.
PROGRESS_INTERVAL_SECONDS = 0.5
# last_error keeps the summary and the end of the traceback, where the cause usually is.
ERROR_TAIL_CHARS = 4000

_handlers: dict[str, Handler] = {}


def register(name: str) -> Callable[[Handler], Handler]:
    """Decorator: make `handler` run jobs called `name` ("documents.extract_file")."""

    def decorator(handler: Handler) -> Handler:
        known = _handlers.get(name)
        if known is not None and _qualified(known) != _qualified(handler):
            raise ValueError(f"Job handler {name!r} is already registered as {_qualified(known)}")
        _handlers[name] = handler
        return handler

    return decorator


def _qualified(handler: Handler) -> str:
    return f"{handler.__module__}.{getattr(handler, '__qualname__', repr(handler))}"


def job_enqueue(
    *,
    name: str,
    payload: dict[str, Any],
    run_after: datetime | None = None,
    dedupe_key: str | None = None,
) -> Job:
    """Queue a job in the caller's transaction (a rolled-back caller queues nothing).

    With `dedupe_key`, a queued or running job with the same key is returned instead of a
    new one."""
    fields: dict[str, Any] = {"name": name, "payload": payload, "dedupe_key": dedupe_key}
    if run_after is not None:
        fields["run_after"] = run_after
    if dedupe_key is None:
        return Job.objects.create(**fields)
    pending = Job.objects.filter(dedupe_key=dedupe_key, state__in=PENDING_STATES)
    existing = pending.first()
    if existing is not None:
        return existing
    try:
        # A savepoint: losing the race to a concurrent enqueue must not spoil the caller's
        # transaction.
        with transaction.atomic():
            return Job.objects.create(**fields)
    except IntegrityError:
        existing = pending.first()
        if existing is None:
            raise
        return existing


def _due(now: datetime) -> Q:
    # A running job whose lease ran out belongs to a worker that died: take it over.
    return Q(state=Job.State.QUEUED, run_after__lte=now) | Q(
        state=Job.State.RUNNING, locked_until__lt=now
    )


def job_claim(*, worker_id: str, lease: timedelta) -> Job | None:
    """Take the oldest due job for `worker_id` and lease it; None when nothing is due."""
    if connection.features.has_select_for_update_skip_locked:
        return _claim_skip_locked(worker_id=worker_id, lease=lease)
    return _claim_conditional_update(worker_id=worker_id, lease=lease)


def _claim_skip_locked(*, worker_id: str, lease: timedelta) -> Job | None:
    with transaction.atomic():
        now = timezone.now()
        job = (
            Job.objects.select_for_update(skip_locked=True)
            .filter(_due(now))
            .order_by("run_after", "pk")
            .first()
        )
        if job is None:
            return None
        job.state = Job.State.RUNNING
        job.attempts += 1
        job.locked_by = worker_id
        job.locked_until = now + lease
        job.save(update_fields=["state", "attempts", "locked_by", "locked_until", "modified"])
        return job


def _claim_conditional_update(*, worker_id: str, lease: timedelta) -> Job | None:
    # SQLite has no row locks; its write lock serialises the UPDATEs, and repeating the due
    # condition in the WHERE clause makes the one that comes second match no row.
    for _attempt in range(10):
        now = timezone.now()
        due = Job.objects.filter(_due(now)).order_by("run_after", "pk")
        pk = due.values_list("pk", flat=True).first()
        if pk is None:
            return None
        taken = (
            Job.objects.filter(_due(now), pk=pk).update(
                state=Job.State.RUNNING,
                attempts=F("attempts") + 1,
                locked_by=worker_id,
                locked_until=now + lease,
                modified=now,
            )
            == 1
        )
        if taken:
            return Job.objects.get(pk=pk)
    return None


def _backoff(attempts: int) -> timedelta:
    seconds = min(BACKOFF_BASE_SECONDS * 2**attempts, BACKOFF_CAP_SECONDS)
    # Jitter spreads jobs that failed together (a database hiccup) over a little time.
    return timedelta(seconds=seconds * random.uniform(1.0, 1.1))


def _error_text(exc: BaseException) -> str:
    summary = f"{type(exc).__name__}: {exc}".splitlines()[0]
    tail = "".join(traceback.format_exception(exc))[-ERROR_TAIL_CHARS:]
    return f"{summary}\n{tail}"


def _owned(job: Job) -> Any:
    """The job's row while `job`'s claim still holds: the attempt count fences off a worker whose
    lease ran out and whose job another worker has taken over meanwhile."""
    return Job.objects.filter(
        pk=job.pk, state=Job.State.RUNNING, locked_by=job.locked_by, attempts=job.attempts
    )


class _ProgressRecorder:
    """The `progress(done, total)` callable handed to a handler: stores progress at most every
    PROGRESS_INTERVAL_SECONDS (always the final value) and renews the lease once half of it
    has passed, so that a long job that reports progress is never taken over."""

    def __init__(self, *, job: Job, lease: timedelta) -> None:
        self.job = job
        self.lease = lease
        self._written = float("-inf")
        self._renewed = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        renew = now - self._renewed >= self.lease.total_seconds() / 2
        final = done >= total
        if not (renew or final or now - self._written >= PROGRESS_INTERVAL_SECONDS):
            return
        fields: dict[str, Any] = {
            "progress_done": done,
            "progress_total": total,
            "modified": timezone.now(),
        }
        if renew:
            fields["locked_until"] = timezone.now() + self.lease
            self._renewed = now
        _owned(self.job).update(**fields)
        self.job.progress_done, self.job.progress_total = done, total
        self._written = now


def job_run_one(*, worker_id: str, lease: timedelta, report: Report | None = None) -> bool:
    """Claim one due job and run it; False when nothing was due.

    A failing handler never raises here: the job is queued again with backoff, or marked
    failed once `max_attempts` is used up. `report` is told when the job starts and ends."""
    job = job_claim(worker_id=worker_id, lease=lease)
    if job is None:
        return False
    if report is not None:
        report(job, "started")
    handler = _handlers.get(job.name)
    if job.attempts > job.max_attempts:
        # Only a worker that died while running the job can push attempts past the limit.
        _finish_failed(
            job,
            _("Abgebrochen: Die Bearbeitung wurde %(count)d-mal unterbrochen.")
            % {"count": job.max_attempts},
        )
    elif handler is None:
        _finish_failed(
            job, _("Unbekannte Aufgabe „%(name)s“: kein Handler registriert.") % {"name": job.name}
        )
    else:
        try:
            handler(dict(job.payload), _ProgressRecorder(job=job, lease=lease))
        except Exception as exc:
            logger.warning("Job %s (%s) failed", job.pk, job.name, exc_info=True)
            _finish_error(job, _error_text(exc))
        else:
            _finish_done(job)
    if report is not None:
        report(job, _outcome(job))
    return True


def _outcome(job: Job) -> Outcome:
    if job.state == Job.State.DONE:
        return "done"
    if job.state == Job.State.QUEUED:
        return "requeued"
    return "failed"


def _finish_done(job: Job) -> None:
    now = timezone.now()
    job.state, job.finished_at = Job.State.DONE, now
    _owned(job).update(
        state=Job.State.DONE, finished_at=now, locked_until=None, modified=now, last_error=""
    )
    job.locked_until, job.last_error = None, ""


def _finish_failed(job: Job, error: str) -> None:
    now = timezone.now()
    job.state, job.finished_at, job.last_error = Job.State.FAILED, now, error
    _owned(job).update(
        state=Job.State.FAILED, finished_at=now, last_error=error, locked_until=None, modified=now
    )
    job.locked_until = None


def _finish_error(job: Job, error: str) -> None:
    if job.attempts >= job.max_attempts:
        _finish_failed(job, error)
        return
    now = timezone.now()
    job.state, job.run_after, job.last_error = Job.State.QUEUED, now + _backoff(job.attempts), error
    _owned(job).update(
        state=Job.State.QUEUED,
        run_after=job.run_after,
        last_error=error,
        locked_until=None,
        modified=now,
    )
    job.locked_until = None


@transaction.atomic
def job_retry(*, job: Job) -> Job:
    """Queue a failed job again with a fresh set of attempts.

    Raises DomainError when the job has not failed, or when the same work is already pending."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.state != Job.State.FAILED:
        raise DomainError(_("Nur fehlgeschlagene Aufgaben können erneut eingereiht werden."))
    job.state = Job.State.QUEUED
    job.attempts = 0
    job.run_after = timezone.now()
    job.locked_by = ""
    job.locked_until = None
    job.finished_at = None
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError as exc:
        raise DomainError(
            _("Dieselbe Aufgabe ist bereits eingereiht (%(key)s).") % {"key": job.dedupe_key}
        ) from exc
    return job
