"""The database-backed job queue: enqueue, claim, run, retry with backoff, take over the work of
a dead worker exactly once, progress, and the `run_worker` command (docs/worker.md)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ratsinfo import jobs
from ratsinfo.errors import DomainError
from ratsinfo.jobs import job_claim, job_enqueue, job_retry, job_run_one, register
from ratsinfo.models import Job, User
from ratsinfo.services import clerk_grant
from tests.factories import UserFactory

LEASE = timedelta(minutes=5)
REPO = Path(settings.BASE_DIR)

calls: list[dict[str, Any]] = []


@register("tests.record")
def record(payload: dict[str, Any], progress: jobs.Progress) -> None:
    calls.append(payload)


@register("tests.explode")
def explode(payload: dict[str, Any], progress: jobs.Progress) -> None:
    calls.append(payload)
    raise ValueError("Datei kaputt")


@register("tests.count_to")
def count_to(payload: dict[str, Any], progress: jobs.Progress) -> None:
    for done in range(1, payload["total"] + 1):
        progress(done, payload["total"])


@pytest.fixture(autouse=True)
def _no_calls() -> Iterator[None]:
    calls.clear()
    yield
    calls.clear()


def run_one(worker_id: str = "w1", lease: timedelta = LEASE) -> bool:
    return job_run_one(worker_id=worker_id, lease=lease)


def fresh(job: Job) -> Job:
    return Job.objects.get(pk=job.pk)


# --- enqueue, claim, run ------------------------------------------------------------------


@pytest.mark.django_db
def test_enqueued_job_runs_once_and_is_done() -> None:
    job = job_enqueue(name="tests.record", payload={"file": 7})

    assert run_one() is True

    job = fresh(job)
    assert calls == [{"file": 7}]
    assert job.state == Job.State.DONE
    assert job.attempts == 1
    assert job.finished_at is not None
    assert run_one() is False


@pytest.mark.django_db
def test_empty_queue_runs_nothing() -> None:
    assert job_claim(worker_id="w1", lease=LEASE) is None
    assert run_one() is False


@pytest.mark.django_db
def test_claim_takes_the_oldest_due_job_and_leases_it() -> None:
    later = job_enqueue(name="tests.record", payload={}, run_after=timezone.now())
    first = job_enqueue(
        name="tests.record", payload={}, run_after=timezone.now() - timedelta(minutes=1)
    )

    claimed = job_claim(worker_id="w1", lease=LEASE)

    assert claimed is not None
    assert claimed.pk == first.pk
    assert claimed.state == Job.State.RUNNING
    assert claimed.attempts == 1
    assert claimed.locked_by == "w1"
    assert claimed.locked_until is not None and claimed.locked_until > timezone.now()
    assert fresh(later).state == Job.State.QUEUED


@pytest.mark.django_db
def test_job_in_the_future_is_not_due() -> None:
    job_enqueue(name="tests.record", payload={}, run_after=timezone.now() + timedelta(hours=1))

    assert job_claim(worker_id="w1", lease=LEASE) is None


@pytest.mark.django_db(transaction=True)
def test_enqueue_in_a_rolled_back_transaction_queues_nothing() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        job_enqueue(name="tests.record", payload={})
        raise RuntimeError("upload failed")

    assert not Job.objects.exists()


# --- dedupe_key --------------------------------------------------------------------------


@pytest.mark.django_db
def test_same_pending_work_is_enqueued_once() -> None:
    first = job_enqueue(name="tests.record", payload={"file": 1}, dedupe_key="extract:1")

    second = job_enqueue(name="tests.record", payload={"file": 1}, dedupe_key="extract:1")

    assert second.pk == first.pk
    assert Job.objects.count() == 1


@pytest.mark.django_db
def test_running_job_also_absorbs_the_same_work() -> None:
    first = job_enqueue(name="tests.record", payload={}, dedupe_key="extract:1")
    job_claim(worker_id="w1", lease=LEASE)

    second = job_enqueue(name="tests.record", payload={}, dedupe_key="extract:1")

    assert second.pk == first.pk


@pytest.mark.django_db
def test_finished_work_can_be_enqueued_again() -> None:
    first = job_enqueue(name="tests.record", payload={}, dedupe_key="extract:1")
    run_one()

    second = job_enqueue(name="tests.record", payload={}, dedupe_key="extract:1")

    assert second.pk != first.pk
    assert fresh(second).state == Job.State.QUEUED


# --- failures, backoff, max_attempts -------------------------------------------------------


@pytest.mark.django_db
def test_failing_job_is_queued_again_with_backoff() -> None:
    job = job_enqueue(name="tests.explode", payload={})
    before = timezone.now()

    assert run_one() is True

    job = fresh(job)
    assert job.state == Job.State.QUEUED
    assert job.attempts == 1
    # 5 s × 2**1, plus up to 10 % jitter.
    assert before + timedelta(seconds=10) <= job.run_after <= timezone.now() + timedelta(seconds=11)
    assert job.last_error.startswith("ValueError: Datei kaputt\n")
    assert "Traceback" in job.last_error
    assert job.locked_until is None
    assert run_one() is False, "not due again before the backoff has passed"


@pytest.mark.django_db
def test_backoff_grows_exponentially_and_is_capped_at_an_hour() -> None:
    assert timedelta(seconds=20) <= jobs._backoff(2) <= timedelta(seconds=22)
    assert timedelta(seconds=80) <= jobs._backoff(4) <= timedelta(seconds=88)
    assert timedelta(hours=1) <= jobs._backoff(20) <= timedelta(hours=1.1)


@pytest.mark.django_db
def test_job_fails_for_good_after_max_attempts() -> None:
    job = job_enqueue(name="tests.explode", payload={})

    for _attempt in range(job.max_attempts):
        Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
        assert run_one() is True

    job = fresh(job)
    assert len(calls) == 5
    assert job.state == Job.State.FAILED
    assert job.attempts == 5
    assert job.finished_at is not None
    assert "ValueError: Datei kaputt" in job.last_error
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    assert run_one() is False


@pytest.mark.django_db
def test_unknown_handler_fails_with_a_clear_message() -> None:
    job = job_enqueue(name="documents.gibt_es_nicht", payload={})

    assert run_one() is True

    job = fresh(job)
    assert job.state == Job.State.FAILED
    assert "documents.gibt_es_nicht" in job.last_error
    assert "kein Handler" in job.last_error


def test_a_name_cannot_be_registered_for_two_handlers() -> None:
    def other(payload: dict[str, Any], progress: jobs.Progress) -> None:
        pass

    with pytest.raises(ValueError, match=r"tests\.record"):
        register("tests.record")(other)


# --- leases: dead workers, no double runs --------------------------------------------------


@pytest.mark.django_db
def test_live_lease_is_not_claimed_twice() -> None:
    job_enqueue(name="tests.record", payload={})
    assert job_claim(worker_id="w1", lease=LEASE) is not None

    assert job_claim(worker_id="w2", lease=LEASE) is None


@pytest.mark.django_db
def test_job_of_a_dead_worker_is_taken_over_and_completes_exactly_once() -> None:
    job = job_enqueue(name="tests.record", payload={"file": 3})
    # Worker 1 claims with a lease that runs out at once, then dies without finishing.
    dead = job_claim(worker_id="w1", lease=timedelta(0))
    assert dead is not None

    assert run_one(worker_id="w2") is True
    assert run_one(worker_id="w2") is False

    job = fresh(job)
    assert calls == [{"file": 3}]
    assert job.state == Job.State.DONE
    assert job.locked_by == "w2"
    assert job.attempts == 2


@pytest.mark.django_db
def test_late_result_of_a_worker_that_lost_its_lease_is_ignored() -> None:
    job = job_enqueue(name="tests.record", payload={})
    stale = job_claim(worker_id="w1", lease=timedelta(0))
    assert stale is not None
    taken_over = job_claim(worker_id="w2", lease=LEASE)
    assert taken_over is not None

    jobs._finish_failed(stale, "late")

    job = fresh(job)
    assert job.state == Job.State.RUNNING
    assert job.locked_by == "w2"
    assert job.last_error == ""


@pytest.mark.django_db
def test_job_that_keeps_killing_its_worker_ends_failed() -> None:
    job = job_enqueue(name="tests.record", payload={})
    for _attempt in range(job.max_attempts):
        assert job_claim(worker_id="w1", lease=timedelta(0)) is not None

    assert run_one(worker_id="w2") is True

    job = fresh(job)
    assert calls == []
    assert job.state == Job.State.FAILED
    assert "unterbrochen" in job.last_error


# --- progress ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_progress_is_stored_with_the_final_value() -> None:
    job = job_enqueue(name="tests.count_to", payload={"total": 3})

    run_one()

    job = fresh(job)
    assert (job.progress_done, job.progress_total) == (3, 3)


@pytest.mark.django_db
def test_progress_writes_are_throttled(django_assert_max_num_queries: Any) -> None:
    job_enqueue(name="tests.record", payload={})
    job = job_claim(worker_id="w1", lease=LEASE)
    assert job is not None
    progress = jobs._ProgressRecorder(job=job, lease=LEASE)

    with django_assert_max_num_queries(2):
        for done in range(1, 1001):
            progress(done, 1000)

    job = fresh(job)
    assert (job.progress_done, job.progress_total) == (1000, 1000)


@pytest.mark.django_db
def test_progress_renews_the_lease_after_half_of_it() -> None:
    job_enqueue(name="tests.record", payload={})
    job = job_claim(worker_id="w1", lease=timedelta(seconds=10))
    assert job is not None
    progress = jobs._ProgressRecorder(job=job, lease=timedelta(seconds=60))
    # Half of the 60-second lease has passed since the claim.
    progress._renewed -= 31

    progress(1, 10)

    locked_until = fresh(job).locked_until
    assert locked_until is not None
    assert locked_until > timezone.now() + timedelta(seconds=50)


# --- retry (admin action) ----------------------------------------------------------------


@pytest.mark.django_db
def test_failed_job_can_be_queued_again() -> None:
    job = job_enqueue(name="documents.gibt_es_nicht", payload={})
    run_one()

    job_retry(job=fresh(job))

    job = fresh(job)
    assert job.state == Job.State.QUEUED
    assert job.attempts == 0
    assert job.finished_at is None


@pytest.mark.django_db
def test_only_failed_jobs_can_be_queued_again() -> None:
    job = job_enqueue(name="tests.record", payload={})

    with pytest.raises(DomainError):
        job_retry(job=job)


@pytest.mark.django_db
def test_retry_is_refused_while_the_same_work_is_pending() -> None:
    failed = job_enqueue(name="documents.gibt_es_nicht", payload={}, dedupe_key="k")
    run_one()
    job_enqueue(name="tests.record", payload={}, dedupe_key="k")

    with pytest.raises(DomainError, match="bereits eingereiht"):
        job_retry(job=fresh(failed))

    assert fresh(failed).state == Job.State.FAILED


@pytest.mark.django_db
def test_admin_action_queues_failed_jobs_again(admin: User, client: Client) -> None:
    job = job_enqueue(name="documents.gibt_es_nicht", payload={})
    run_one()
    client.force_login(admin)

    response = client.post(
        reverse("admin:ratsinfo_job_changelist"),
        {"action": "retry", "_selected_action": [job.pk]},
    )

    assert response.status_code == 302
    assert fresh(job).state == Job.State.QUEUED


@pytest.mark.django_db
def test_admin_lists_jobs_for_administrators(admin: User, client: Client) -> None:
    job_enqueue(name="documents.extract_file", payload={})
    client.force_login(admin)

    response = client.get(reverse("admin:ratsinfo_job_changelist") + "?state__exact=queued")

    assert response.status_code == 200
    assert "documents.extract_file" in response.content.decode()


@pytest.mark.django_db
def test_clerks_do_not_see_jobs(body: Any, client: Client) -> None:
    clerk = clerk_grant(user=UserFactory(), body=body)
    client.force_login(clerk)

    response = client.get(reverse("admin:ratsinfo_job_changelist"))

    assert response.status_code == 403
    clerk = User.objects.get(pk=clerk.pk)
    assert not clerk.has_perm("ratsinfo.view_job")
    assert not Permission.objects.filter(group__user=clerk, content_type__model="job").exists()


# --- the run_worker command ---------------------------------------------------------------


@pytest.mark.django_db
def test_run_worker_once_drains_the_queue_even_when_a_job_fails() -> None:
    job_enqueue(name="tests.record", payload={"n": 1})
    job_enqueue(name="tests.explode", payload={"n": 2})
    job_enqueue(name="tests.record", payload={"n": 3})
    out = StringIO()

    call_command("run_worker", "--once", stdout=out)

    assert len(calls) == 3
    assert Job.objects.filter(state=Job.State.DONE).count() == 2
    assert Job.objects.filter(state=Job.State.QUEUED, attempts=1).count() == 1
    text = out.getvalue()
    assert text.count("gestartet (Versuch 1 von 5)") == 3
    assert text.count("erledigt in") == 2
    assert "fehlgeschlagen nach" in text and "ValueError: Datei kaputt" in text
    assert "Worker beendet (3 Aufgaben bearbeitet)." in text


@pytest.mark.django_db
def test_run_worker_stops_after_max_jobs() -> None:
    for n in range(3):
        job_enqueue(name="tests.record", payload={"n": n})

    call_command("run_worker", "--max-jobs", "2", "--sleep", "0.01", stdout=StringIO())

    assert len(calls) == 2
    assert Job.objects.filter(state=Job.State.QUEUED).count() == 1


@pytest.mark.django_db
def test_run_worker_is_silent_with_verbosity_0() -> None:
    job_enqueue(name="tests.record", payload={})
    out = StringIO()

    call_command("run_worker", "--once", verbosity=0, stdout=out)

    assert out.getvalue() == ""
    assert calls == [{}]


# --- the worker process: restart and SIGTERM ----------------------------------------------


@pytest.fixture(scope="module")
def migrated_var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file-based SQLite database, migrated once, for worker processes."""
    var_dir = tmp_path_factory.mktemp("worker-var")
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO,
        env=worker_env(var_dir),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return var_dir


def worker_env(var_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(RATSINFO_VAR_DIR=str(var_dir), PYTHONUNBUFFERED="1")
    return env


@pytest.fixture
def var_dir(migrated_var_dir: Path, tmp_path: Path) -> Path:
    """A copy of the migrated database for one test."""
    target = tmp_path / "var"
    target.mkdir()
    source = sqlite3.connect(migrated_var_dir / "ratsinfo.sqlite3")
    copy = sqlite3.connect(target / "ratsinfo.sqlite3")
    source.backup(copy)
    source.close()
    copy.close()
    return target


def wait_for(condition: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def test_worker_process_exits_cleanly_on_sigterm_while_idle(var_dir: Path) -> None:
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--sleep", "0.1"],
        cwd=REPO,
        env=worker_env(var_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert worker.stdout is not None
        assert "gestartet" in worker.stdout.readline()
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=30)
    finally:
        worker.kill()

    assert worker.returncode == 0, err
    assert "Worker beendet (0 Aufgaben bearbeitet)." in out


# A worker process with a slow handler: it enqueues one job, then runs the worker command.
SLOW_WORKER = """
import pathlib, sys, time
import django
django.setup()
from django.core.management import call_command
from ratsinfo.jobs import job_enqueue, register

marks = pathlib.Path(sys.argv[1])

@register("tests.slow")
def slow(payload, progress):
    (marks / "started").touch()
    time.sleep(1.5)
    (marks / "finished").touch()

job_enqueue(name="tests.slow", payload={})
call_command("run_worker", "--sleep", "0.1")
"""


def test_sigterm_lets_the_running_job_finish_then_exits_0(var_dir: Path) -> None:
    env = worker_env(var_dir)
    env["DJANGO_SETTINGS_MODULE"] = "ratsinfo.settings"
    worker = subprocess.Popen(  # noqa: S603 - this interpreter running a fixed script
        [sys.executable, "-c", SLOW_WORKER, str(var_dir)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: (var_dir / "started").exists() or worker.poll() is not None)
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=30)
    finally:
        worker.kill()

    assert worker.returncode == 0, err
    assert (var_dir / "finished").exists()
    assert "erledigt in" in out
    database = sqlite3.connect(var_dir / "ratsinfo.sqlite3")
    states = database.execute("SELECT state, attempts FROM ratsinfo_job").fetchall()
    database.close()
    assert states == [("done", 1)]


# --- PostgreSQL: concurrent workers -------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_never_share_a_job() -> None:
    for n in range(50):
        job_enqueue(name="tests.record", payload={"n": n})
    start = threading.Barrier(2)
    claimed: dict[str, list[int]] = {"w1": [], "w2": []}

    def claim_all(worker_id: str) -> None:
        try:
            start.wait()
            while (job := job_claim(worker_id=worker_id, lease=LEASE)) is not None:
                claimed[worker_id].append(job.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim_all, args=(w,)) for w in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    first, second = set(claimed["w1"]), set(claimed["w2"])
    assert not first & second
    assert first | second == set(Job.objects.values_list("pk", flat=True))
    assert len(claimed["w1"]) + len(claimed["w2"]) == 50
