"""Group commit of ballots (votes.services.ballots_cast, votes.batching): a batch is judged
as if its ballots were cast one after the other, one rejected ballot costs the others
nothing, and the database still holds exactly one ballot per member and poll."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ratsinfo.models import AuditEvent, User
from sessions.live import conflict_declare
from votes.batching import Batcher
from votes.errors import VoteRejected
from votes.models import Ballot, BallotReceipt, Poll, SecretBallot
from votes.services import BallotRequest, ballot_cast, ballots_cast, poll_close

pytestmark = pytest.mark.django_db


def statuses(outcomes: list[Any]) -> list[str]:
    return [
        type(outcome).__name__ if isinstance(outcome, Exception) else outcome.status
        for outcome in outcomes
    ]


def test_a_mixed_batch_is_answered_per_ballot(live, open_poll):
    poll = open_poll(allow_vote_change=True)
    m = live.members
    ballot_cast(poll_id=poll.pk, user=m[1], choice="yes", idempotency_key="k1")
    ballot_cast(poll_id=poll.pk, user=m[2], choice="yes")
    conflict_declare(agenda_item_id=live.public_item.pk, user=m[3], reason="Nachbar")
    anonymous = type("Anonymous", (), {"is_authenticated": False})()

    outcomes = ballots_cast(
        poll_id=poll.pk,
        requests=[
            BallotRequest(m[0], "yes"),  # first ballot
            BallotRequest(m[1], "no", idempotency_key="k1"),  # a retry: as before
            BallotRequest(m[2], "no"),  # a change, allowed here
            BallotRequest(m[3], "yes"),  # conflicted
            BallotRequest(anonymous, "yes"),
            BallotRequest(m[4], "maybe"),  # not a choice
            BallotRequest(m[4], "abstain"),  # then a valid first ballot
            BallotRequest(m[4], "no"),  # and a change in the same batch
        ],
    )

    assert statuses(outcomes) == [
        "recorded",
        "duplicate",
        "changed",
        "VoteRejected",
        "PermissionDenied",
        "VoteRejected",
        "recorded",
        "changed",
    ]
    assert "Befangenheit" in str(outcomes[3])
    votes = dict(Ballot.objects.filter(poll=poll).values_list("voter_id", "choice"))
    assert votes == {
        m[0].person_id: "yes",
        m[1].person_id: "yes",
        m[2].person_id: "no",
        m[4].person_id: "no",
    }
    assert BallotReceipt.objects.filter(poll=poll).count() == 4
    # Two earlier casts, then per batch: two first ballots and two changes.
    actions = list(AuditEvent.objects.filter(action__startswith="ballot.").values_list("action"))
    assert sorted(a for (a,) in actions) == ["ballot.cast"] * 4 + ["ballot.change"] * 2


def test_a_second_ballot_in_the_batch_is_rejected_where_changes_are_not_allowed(live, open_poll):
    poll = open_poll(allow_vote_change=False)
    m = live.members

    outcomes = ballots_cast(
        poll_id=poll.pk,
        requests=[
            BallotRequest(m[0], "yes"),
            BallotRequest(m[0], "yes"),
            BallotRequest(m[0], "no"),
        ],
    )

    assert statuses(outcomes) == ["recorded", "duplicate", "VoteRejected"]
    assert "nicht geändert" in str(outcomes[2])
    assert Ballot.objects.get(poll=poll).choice == "yes"


def test_secret_ballots_in_a_batch_carry_no_voter(live, open_poll):
    poll = open_poll(kind=Poll.Kind.SECRET)
    m = live.members

    outcomes = ballots_cast(
        poll_id=poll.pk,
        requests=[BallotRequest(u, "no") for u in m[:3]] + [BallotRequest(m[0], "yes")],
    )

    assert statuses(outcomes) == ["recorded"] * 3 + ["VoteRejected"]
    assert SecretBallot.objects.filter(poll=poll).count() == 3
    assert not Ballot.objects.filter(poll=poll).exists()
    assert BallotReceipt.objects.filter(poll=poll).count() == 3
    trail = list(AuditEvent.objects.filter(action="ballot.cast"))
    assert len(trail) == 3
    assert all(event.after == {"voted": True} and "Nein" not in event.message for event in trail)


def test_the_chair_may_not_cast_a_secret_ballot_for_a_member_in_a_batch(live, open_poll):
    poll = open_poll(kind=Poll.Kind.SECRET)

    outcomes = ballots_cast(
        poll_id=poll.pk,
        requests=[
            BallotRequest(live.chair, "yes", person_id=live.members[0].person_id),
            BallotRequest(live.members[1], "yes"),
        ],
    )

    assert statuses(outcomes) == ["PermissionDenied", "recorded"]


def test_after_the_close_repeats_are_answered_and_new_ballots_rejected(live, open_poll):
    poll = open_poll()
    m = live.members
    ballot_cast(poll_id=poll.pk, user=m[0], choice="no", idempotency_key="a")
    poll_close(poll_id=poll.pk, user=live.chair)

    outcomes = ballots_cast(
        poll_id=poll.pk,
        requests=[
            BallotRequest(m[0], "no", idempotency_key="a"),
            BallotRequest(m[1], "yes"),
        ],
    )

    assert statuses(outcomes) == ["duplicate", "VoteRejected"]
    assert "nicht geöffnet" in str(outcomes[1])


def test_a_batch_costs_the_same_queries_whatever_its_size(live, open_poll):
    poll = open_poll()
    users = list(User.objects.filter(pk__in=[u.pk for u in live.members]))

    def queries(voters: list[User]) -> int:
        with CaptureQueriesContext(connection) as captured:
            outcomes = ballots_cast(
                poll_id=poll.pk, requests=[BallotRequest(u, "yes") for u in voters]
            )
        assert statuses(outcomes) == ["recorded"] * len(voters)
        return len(captured.captured_queries)

    assert queries(users[:1]) == queries(users[1:])


def test_ballot_cast_still_raises_for_a_single_ballot(live, open_poll):
    poll = open_poll()

    with pytest.raises(PermissionDenied):
        ballot_cast(
            poll_id=poll.pk, user=live.members[0], choice="yes", person_id=live.members[1].pk
        )
    with pytest.raises(VoteRejected):
        ballot_cast(poll_id=poll.pk, user=live.members[0], choice="maybe")
    with pytest.raises(Poll.DoesNotExist):
        ballot_cast(poll_id=poll.pk + 1000, user=live.members[0], choice="yes")


# --- the batcher ----------------------------------------------------------------------------


def test_the_batcher_runs_requests_arriving_together_as_one_batch() -> None:
    batches: list[list[int]] = []

    def run(items: list[int]) -> list[int | Exception]:
        batches.append(items)
        return [ValueError(f"odd {n}") if n % 2 else n * 10 for n in items]

    async def main() -> list[Any]:
        batcher: Batcher[int, int] = Batcher(run, thread_sensitive=lambda: False, window=0.01)
        return await asyncio.gather(*(batcher.submit(n) for n in range(6)), return_exceptions=True)

    results = asyncio.run(main())

    assert batches == [[0, 1, 2, 3, 4, 5]]
    assert [r if isinstance(r, int) else str(r) for r in results] == [
        0,
        "odd 1",
        20,
        "odd 3",
        40,
        "odd 5",
    ]


def test_a_failing_batch_fails_each_of_its_requests_and_the_next_batch_runs() -> None:
    calls: list[list[int]] = []

    def run(items: list[int]) -> list[int | Exception]:
        calls.append(items)
        if len(calls) == 1:
            raise RuntimeError("database gone")
        return list[int | Exception](items)

    async def main() -> tuple[list[Any], int]:
        batcher: Batcher[int, int] = Batcher(
            run, thread_sensitive=lambda: False, window=0.01, max_batch=2
        )
        first = await asyncio.gather(*(batcher.submit(n) for n in range(3)), return_exceptions=True)
        return first, await batcher.submit(7)

    first, later = asyncio.run(main())

    assert [type(r).__name__ for r in first] == ["RuntimeError", "RuntimeError", "int"]
    assert later == 7
    assert calls == [[0, 1], [2], [7]]


def _in_flight_peak(*, thread_sensitive: bool) -> tuple[int, list[int]]:
    """Submit 4 requests, 30 ms apart, to a batcher whose run takes 100 ms; the most batches
    running at once and every result."""
    lock = threading.Lock()
    running = [0, 0]  # now, peak

    def run(items: list[int]) -> list[int | Exception]:
        with lock:
            running[0] += 1
            running[1] = max(running[1], running[0])
        time.sleep(0.1)
        with lock:
            running[0] -= 1
        return [n * 2 for n in items]

    async def main() -> list[int]:
        batcher: Batcher[int, int] = Batcher(
            run, thread_sensitive=lambda: thread_sensitive, window=0.005
        )

        async def later(n: int) -> int:
            await asyncio.sleep(0.03 * n)
            return await batcher.submit(n)

        return await asyncio.gather(*(later(n) for n in range(4)))

    results = asyncio.run(main())
    return running[1], results


def test_batches_of_one_poll_overlap_where_the_database_takes_concurrent_writers() -> None:
    peak, results = _in_flight_peak(thread_sensitive=False)

    assert peak == 2
    assert results == [0, 2, 4, 6]


def test_batches_run_one_at_a_time_in_djangos_sync_thread() -> None:
    peak, results = _in_flight_peak(thread_sensitive=True)

    assert peak == 1
    assert results == [0, 2, 4, 6]


# --- PostgreSQL: batches racing each other ----------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_batches_store_each_member_once(live, open_poll):
    poll = open_poll(allow_vote_change=False)
    users = list(User.objects.filter(pk__in=[u.pk for u in live.members]))
    threads_n = 6
    barrier = threading.Barrier(threads_n)
    results: list[list[Any]] = []
    errors: list[Exception] = []

    def worker(n: int) -> None:
        try:
            barrier.wait()
            # Every batch holds every member, in a different order, with the same message
            # ids: retries of the same ballots through several processes.
            order = users[n % len(users) :] + users[: n % len(users)]
            results.append(
                ballots_cast(
                    poll_id=poll.pk,
                    requests=[BallotRequest(u, "yes", idempotency_key=f"k{u.pk}") for u in order],
                )
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    flat = [s for outcomes in results for s in statuses(outcomes)]
    assert flat.count("recorded") == len(users)
    assert flat.count("duplicate") == len(users) * (threads_n - 1)
    assert BallotReceipt.objects.filter(poll=poll).count() == len(users)
    assert Ballot.objects.filter(poll=poll).count() == len(users)
    assert AuditEvent.objects.filter(action="ballot.cast").count() == len(users)
