"""A council meeting ready to run live, for the sessions and votes tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ratsinfo.models import Body, Organization, User
from ratsinfo.services import clerk_grant
from sessions.live import attendance_record, meeting_start
from sessions.models import AgendaItem, Meeting
from tests.factories import (
    AgendaItemFactory,
    MeetingFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)


@dataclass
class LiveCouncil:
    body: Body
    council: Organization
    meeting: Meeting
    public_item: AgendaItem
    secret_item: AgendaItem
    chair: User
    members: list[User] = field(default_factory=list)

    def start(self, *, present: int | None = None) -> LiveCouncil:
        """Open the meeting with the first `present` members (default: all) present."""
        meeting_start(meeting_id=self.meeting.pk, user=self.chair)
        for user in self.members[: len(self.members) if present is None else present]:
            self.attend(user)
        self.meeting.refresh_from_db()
        return self

    def attend(self, user: User, status: str = "present") -> None:
        assert user.person_id is not None
        attendance_record(
            meeting_id=self.meeting.pk, person_id=user.person_id, status=status, user=self.chair
        )


def live_council(body: Body, *, members: int = 5, statutory: int | None = None) -> LiveCouncil:
    council = OrganizationFactory(
        body=body, name="Stadtrat", classification="Rat", statutory_members=statutory
    )
    meeting = MeetingFactory(body=body, name="Ratssitzung", organizations=[council])
    public_item = AgendaItemFactory(meeting=meeting, order=1, name="Neubau Kita Lindenweg")
    secret_item = AgendaItemFactory(
        meeting=meeting, order=2, public=False, name="Grundstückskauf Kanalstraße"
    )
    chair = clerk_grant(user=UserFactory(username="vorsitz"), body=body)
    users: list[Any] = [
        UserFactory(
            username=f"rat{n}",
            person=MembershipFactory(organization=council, person__body=body).person,
        )
        for n in range(members)
    ]
    return LiveCouncil(body, council, meeting, public_item, secret_item, chair, users)
