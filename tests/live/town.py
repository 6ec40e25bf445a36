"""A running council meeting with an open poll, seeded into the database of a real server
process; run as `python -m tests.live.town --members 33` with that server's environment. Prints
one JSON line: the ids, and a session cookie per member and for the chair.

Used by the live tests (tests/live/) and the benches (bench/fanout.py, bench/ballots.py). Rows
are bulk-created, so 2,000 members take seconds, not minutes of password hashing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent.parent


def seed(*, members: int, kind: str, allow_vote_change: bool) -> dict[str, Any]:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from ratsinfo.models import Body, Membership, Organization, Person, User
    from ratsinfo.services import clerk_grant
    from sessions.live import attendance_record, meeting_start
    from sessions.models import AgendaItem, Attendance, Meeting
    from votes.services import poll_create, poll_open

    tag = os.urandom(4).hex()
    body = Body.objects.create(name=f"Live-Stadt {tag}", short_name=f"live-{tag}")
    council = Organization.objects.create(body=body, name="Stadtrat", classification="Rat")
    meeting = Meeting.objects.create(
        body=body, name="Ratssitzung live", state="invited", published_at=timezone.now()
    )
    meeting.organizations.add(council)
    item = AgendaItem.objects.create(meeting=meeting, order=1, number="Ö 1", name="Haushalt")
    AgendaItem.objects.create(
        meeting=meeting, order=2, number="N 1", name="Grundstück Kanalstraße", public=False
    )
    people = Person.objects.bulk_create(
        [
            Person(body=body, given_name="Rat", family_name=f"{n:04d}", name=f"Rat {n:04d}")
            for n in range(members)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(person=p, organization=council, voting_right=True) for p in people]
    )
    users = User.objects.bulk_create(
        [User(username=f"rat-{tag}-{n}", person=p) for n, p in enumerate(people)]
    )
    chair = clerk_grant(user=User.objects.create(username=f"vorsitz-{tag}"), body=body)
    meeting_start(meeting_id=meeting.pk, user=chair)
    # One attendance through the service (its event and audit), the rest in bulk.
    attendance_record(meeting_id=meeting.pk, person_id=people[0].pk, status="present", user=chair)
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, person=p, status="present") for p in people[1:]]
    )
    poll = poll_create(
        user=chair,
        title="Haushalt beschließen",
        agenda_item_id=item.pk,
        kind=kind,
        allow_vote_change=allow_vote_change,
    )
    poll_open(poll_id=poll.pk, user=chair)

    def cookie(user: Any) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return str(store.session_key)

    return {
        "meeting_id": meeting.pk,
        "agenda_item_id": item.pk,
        "poll_id": poll.pk,
        "eligible": members,
        "chair_cookie": cookie(chair),
        "person_ids": [p.pk for p in people],
        "member_cookies": [cookie(u) for u in users],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Seed a live meeting with an open poll.")
    parser.add_argument("--members", type=int, default=33)
    parser.add_argument("--kind", default="named")
    parser.add_argument("--no-vote-change", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ratsinfo.settings")
    import django

    django.setup()
    from django.db import transaction

    with transaction.atomic():
        town = seed(members=args.members, kind=args.kind, allow_vote_change=not args.no_vote_change)
    print(json.dumps(town))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
