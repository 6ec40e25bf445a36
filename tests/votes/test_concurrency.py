"""Exactly one ballot per member and poll under concurrency, enforced by the database."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from ratsinfo.models import User
from votes.models import Ballot, BallotReceipt, Poll
from votes.services import ballot_cast, poll_close

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def run_concurrently(target, count=THREADS):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker(n):
        try:
            barrier.wait()
            results.append(target(n))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_same_member_voting_from_many_threads_is_stored_once(live, open_poll):
    poll = open_poll()
    member = User.objects.get(pk=live.members[0].pk)

    results, errors = run_concurrently(
        lambda n: ballot_cast(poll_id=poll.pk, user=member, choice="yes", idempotency_key="m-1")
    )

    assert errors == []
    assert sorted(ack.status for ack in results) == ["duplicate"] * (THREADS - 1) + ["recorded"]
    assert BallotReceipt.objects.filter(poll=poll).count() == 1
    assert Ballot.objects.filter(poll=poll).count() == 1


def test_all_members_voting_at_once_are_all_counted(live, open_poll):
    poll = open_poll()
    members = list(User.objects.filter(pk__in=[u.pk for u in live.members]))

    results, errors = run_concurrently(
        lambda n: ballot_cast(poll_id=poll.pk, user=members[n], choice="yes"), count=len(members)
    )
    poll_close(poll_id=poll.pk, user=live.chair)

    assert errors == []
    assert len(results) == len(members)
    assert Poll.objects.get(pk=poll.pk).yes_count == len(members)


def test_ballots_racing_the_close_are_either_counted_or_rejected(live, open_poll):
    poll = open_poll()
    members = list(User.objects.filter(pk__in=[u.pk for u in live.members]))
    chair = User.objects.get(pk=live.chair.pk)

    def act(n):
        if n == len(members):
            return poll_close(poll_id=poll.pk, user=chair)
        return ballot_cast(poll_id=poll.pk, user=members[n], choice="yes")

    results, errors = run_concurrently(act, count=len(members) + 1)

    closed = Poll.objects.get(pk=poll.pk)
    acknowledged = sum(1 for r in results if not isinstance(r, Poll))
    assert closed.yes_count == acknowledged == BallotReceipt.objects.filter(poll=poll).count()
    assert all("geschlossen" in e.message or "nicht geöffnet" in e.message for e in errors)
