"""Building the demo town's structure: body, town hall, legislative term, council, factions,
committees, administration units, people, their memberships and the demo logins.

Like tests/factories.py this module is a data builder: it creates rows with the ORM directly
instead of going through services, because it only ever writes into an empty database. The one
exception is the clerk role, which is granted through `ratsinfo.services.clerk_grant` so that
the demo clerk gets exactly the rights a real one would.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from ratsinfo.models import Body, LegislativeTerm, Location, Membership, Organization, Person, User
from ratsinfo.services import clerk_grant

from .boards import (
    BODY_NAME,
    COMMITTEES,
    COUNCIL,
    COUNCIL_DEF,
    COUNCIL_MEMBER_PASSWORD,
    DEMO_EXTERNAL_ID,
    DEPARTMENTS,
    FACTIONS,
    LOGINS,
    PROFESSIONS,
    TOWN,
    dhondt,
    term_bounds,
)
from .names import FEMALE, NameGenerator, PersonName, email_local_part


@dataclass
class Seat:
    """A place in a board: who sits there, for which faction, whether they vote."""

    person: Person
    faction: str | None
    voting: bool = True


@dataclass
class Town:
    body: Body
    term: LegislativeTerm
    town_hall: Location
    council_room: Location
    committee_room: Location
    boards: dict[str, Organization]
    factions: dict[str, Organization]
    departments: dict[str, Organization]
    mayor: Person
    faction_chairs: dict[str, Person]
    seats: dict[str, list[Seat]] = field(default_factory=dict)
    chairs: dict[str, Person] = field(default_factory=dict)
    users: list[User] = field(default_factory=list)


def _gendered(name: PersonName, female: str, male: str) -> str:
    return female if name.female else male


def town_build(*, rng: random.Random, names: NameGenerator, today: datetime.date) -> Town:
    """Create the body with its rooms, term, boards, factions, departments, people and logins."""
    term_start, term_end = term_bounds(today)
    town_hall = Location.objects.create(
        description="Rathaus Musterstadt",
        street_address="Marktplatz 1",
        postal_code="12345",
        locality=TOWN,
        geojson={"type": "Point", "coordinates": [7.6281, 51.9607]},
    )
    council_room = Location.objects.create(
        description="Rathaus, Ratssaal",
        room="Ratssaal (Erdgeschoss)",
        street_address="Marktplatz 1",
        postal_code="12345",
        locality=TOWN,
    )
    committee_room = Location.objects.create(
        description="Rathaus, Sitzungszimmer",
        room="Sitzungszimmer 1.12 (1. Obergeschoss)",
        street_address="Marktplatz 1",
        postal_code="12345",
        locality=TOWN,
    )
    body = Body.objects.create(
        name=BODY_NAME,
        short_name=TOWN,
        website="https://www.musterstadt.example",
        ags="05999001",
        rgs="059990001001",
        contact_email="ratsbuero@musterstadt.example",
        contact_name="Ratsbüro der Stadt Musterstadt",
        classification="Stadt",
        license="https://creativecommons.org/licenses/by/4.0/",
        location=town_hall,
        external_id=DEMO_EXTERNAL_ID,
        keyword=["Demo"],
    )
    term = LegislativeTerm.objects.create(
        body=body,
        name=f"Wahlperiode {term_start.year}–{term_end.year}",
        start_date=term_start,
        end_date=term_end,
    )
    council = Organization.objects.create(
        body=body,
        name=COUNCIL_DEF.name,
        short_name=COUNCIL_DEF.short_name,
        organization_type=Organization.Type.BOARD,
        classification="Rat",
        # 32 elected members plus the mayor, who is a voting member by law.
        statutory_members=sum(f.seats for f in FACTIONS) + 1,
        post=["Vorsitz", "Stellvertretender Vorsitz", "Mitglied"],
        start_date=term_start,
        website="https://www.musterstadt.example/rat",
        location=council_room,
    )
    boards = {COUNCIL: council}
    for board in COMMITTEES:
        boards[board.key] = Organization.objects.create(
            body=body,
            name=board.name,
            short_name=board.short_name,
            organization_type=Organization.Type.BOARD,
            classification="Ausschuss",
            statutory_members=board.seats + (1 if board.chair is None else 0),
            post=["Vorsitz", "Stellvertretender Vorsitz", "Mitglied", "Sachkundige Bürger"],
            sub_organization_of=council,
            start_date=term_start,
            location=committee_room,
        )
    factions = {
        f.key: Organization.objects.create(
            body=body,
            name=f.name,
            short_name=f.short_name,
            organization_type=Organization.Type.FACTION,
            classification="Fraktion",
            post=["Fraktionsvorsitz", "Stellvertretender Fraktionsvorsitz", "Mitglied"],
            sub_organization_of=council,
            start_date=term_start,
        )
        for f in FACTIONS
    }
    departments = {
        d.key: Organization.objects.create(
            body=body,
            name=d.name,
            short_name=d.short_name,
            organization_type=Organization.Type.ADMINISTRATION,
            classification="Fachbereich",
            location=town_hall,
        )
        for d in DEPARTMENTS
    }

    mayor_name = names.draw(gender=FEMALE)
    mayor = _person(body, mayor_name, rng, status="Bürgermeisterin", since=term_start.year)
    mayor.form_of_address = "Bürgermeisterin"
    mayor.contact_public = True
    members: dict[str, list[tuple[Person, PersonName]]] = {}
    for f in FACTIONS:
        members[f.key] = []
        for _ in range(f.seats):
            pname = names.draw()
            status = _gendered(pname, "Ratsfrau", "Ratsherr")
            members[f.key].append((_person(body, pname, rng, status=status), pname))
    citizens: dict[str, list[tuple[Person, PersonName, str]]] = {}
    for board in COMMITTEES:
        citizens[board.key] = []
        for faction_key in board.citizens:
            pname = names.draw()
            status = _gendered(pname, "Sachkundige Bürgerin", "Sachkundiger Bürger")
            person = _person(body, pname, rng, status=status)
            person.form_of_address = _gendered(pname, "Frau", "Herr")
            citizens[board.key].append((person, pname, faction_key))
    everyone = [mayor, *(p for ms in members.values() for p, _ in ms)]
    everyone += [p for cs in citizens.values() for p, _, _ in cs]
    Person.objects.bulk_create(everyone)

    town = Town(
        body=body,
        term=term,
        town_hall=town_hall,
        council_room=council_room,
        committee_room=committee_room,
        boards=boards,
        factions=factions,
        departments=departments,
        mayor=mayor,
        faction_chairs={key: ms[0][0] for key, ms in members.items()},
    )
    memberships, login = _memberships(town, rng, members, citizens, term_start)
    Membership.objects.bulk_create(memberships)
    _users(town, names, login)
    return town


def _person(
    body: Body, pname: PersonName, rng: random.Random, *, status: str, since: int | None = None
) -> Person:
    profession = _gendered(pname, *rng.choice(PROFESSIONS))
    born = rng.randint(1950, 2001)
    since_year = since or rng.choice((2009, 2014, 2014, 2020, 2020, 2024))
    life = (
        f"Jahrgang {born}, {profession}. "
        f"{rng.choice(('verheiratet, zwei Kinder', 'ledig', 'verheiratet', 'ein Kind'))}. "
        f"Seit {since_year} kommunalpolitisch in Musterstadt aktiv."
    )
    public = rng.random() < 0.6
    return Person(
        body=body,
        name=pname.full_name,
        family_name=pname.family_name,
        given_name=pname.given_name,
        form_of_address=_gendered(pname, "Ratsfrau", "Ratsherr"),
        title=list(pname.titles),
        gender=pname.gender,
        email=[f"{email_local_part(pname)}@rat.musterstadt.example"],
        phone=[f"+49 12345 {rng.randint(10000, 99999)}"] if public else [],
        status=[status],
        life=life,
        life_source="Angaben der Person",
        contact_public=public,
    )


def _memberships(
    town: Town,
    rng: random.Random,
    members: dict[str, list[tuple[Person, PersonName]]],
    citizens: dict[str, list[tuple[Person, PersonName, str]]],
    start: datetime.date,
) -> tuple[list[Membership], Person]:
    """Every membership, filling `town.seats` and `town.chairs`; also picks the person behind
    the demo council member login."""
    council = town.boards[COUNCIL]
    result = [
        Membership(person=town.mayor, organization=council, role="Vorsitzende", start_date=start)
    ]
    town.chairs[COUNCIL] = town.mayor
    town.seats[COUNCIL] = [Seat(town.mayor, None)]
    deputies = {"cdu": "1.", "spd": "2."}
    for f in FACTIONS:
        faction = town.factions[f.key]
        for index, (person, pname) in enumerate(members[f.key]):
            role = "Mitglied"
            if f.key in deputies and index == 1:
                role = _gendered(
                    pname,
                    f"{deputies[f.key]} stellvertretende Bürgermeisterin",
                    f"{deputies[f.key]} stellvertretender Bürgermeister",
                )
            result.append(
                Membership(
                    person=person,
                    organization=council,
                    role=role,
                    start_date=start,
                    on_behalf_of=faction,
                )
            )
            town.seats[COUNCIL].append(Seat(person, f.key))
            faction_role = "Mitglied"
            if index == 0:
                faction_role = _gendered(pname, "Fraktionsvorsitzende", "Fraktionsvorsitzender")
            elif index == 1 and f.seats >= 5:
                faction_role = _gendered(
                    pname,
                    "Stellvertretende Fraktionsvorsitzende",
                    "Stellvertretender Fraktionsvorsitzender",
                )
            result.append(
                Membership(
                    person=person,
                    organization=faction,
                    role=faction_role,
                    start_date=start,
                    on_behalf_of=faction,
                )
            )

    load: dict[int, int] = {}
    order = {id(p): rng.random() for ms in members.values() for p, _ in ms}
    sizes = {f.key: f.seats for f in FACTIONS}
    names_by_person = {id(p): n for ms in members.values() for p, n in ms}
    for board in COMMITTEES:
        org = town.boards[board.key]
        seats: list[Seat] = []
        roles: list[tuple[Person, str, str | None, bool]] = []
        if board.chair is None:
            # The mayor chairs (and votes) in addition to the faction seats.
            roles.append((town.mayor, "Vorsitzende", None, True))
            town.chairs[board.key] = town.mayor
        for faction_key, count in dhondt(board.seats, sizes).items():
            pool = [p for p, _ in members[faction_key]]
            # Faction leaders sit in the Haupt- und Finanzausschuss; elsewhere seats go to
            # whoever has the fewest so far.
            leader = [pool.pop(0)] if board.key == "hfa" else []
            pool.sort(key=lambda p: (load.get(id(p), 0), order[id(p)]))
            chosen = [*leader, *pool][:count]
            for position, person in enumerate(chosen):
                load[id(person)] = load.get(id(person), 0) + 1
                pname = names_by_person[id(person)]
                role = "Mitglied"
                if faction_key == board.chair and position == 0:
                    role = _gendered(pname, "Vorsitzende", "Vorsitzender")
                    town.chairs[board.key] = person
                elif faction_key == board.deputy and position == 0:
                    role = _gendered(
                        pname, "Stellvertretende Vorsitzende", "Stellvertretender Vorsitzender"
                    )
                roles.append((person, role, faction_key, True))
        for person, pname, faction_key in citizens[board.key]:
            role = _gendered(pname, "Sachkundige Bürgerin", "Sachkundiger Bürger")
            roles.append((person, role, faction_key, False))
        for person, role, sent_by, voting in roles:
            result.append(
                Membership(
                    person=person,
                    organization=org,
                    role=role,
                    voting_right=voting,
                    start_date=start,
                    on_behalf_of=town.factions[sent_by] if sent_by else None,
                )
            )
            seats.append(Seat(person, sent_by, voting))
        town.seats[board.key] = seats
    # The demo council member: an ordinary member of the largest faction who sits in the
    # Haupt- und Finanzausschuss, so non-public items there are visible to the login.
    hfa_people = {id(s.person) for s in town.seats["hfa"]}
    login = next(p for p, _ in members[FACTIONS[0].key][2:] if id(p) in hfa_people)
    return result, login


def _users(town: Town, names: NameGenerator, person: Person) -> None:
    admin_login, clerk_login, member_login = LOGINS
    admin = User.objects.create_superuser(
        username=admin_login.username,
        email="admin@musterstadt.example",
        password=admin_login.password,
        first_name="Demo",
        last_name="Administration",
    )
    clerk_name = names.draw(titles=())
    clerk = User.objects.create_user(
        username=clerk_login.username,
        email="ratsbuero@musterstadt.example",
        password=clerk_login.password,
        first_name=clerk_name.given_name,
        last_name=clerk_name.family_name,
    )
    clerk_grant(user=clerk, body=town.body)
    member = User.objects.create_user(
        username=member_login.username,
        email=person.email[0],
        password=member_login.password,
        first_name=person.given_name,
        last_name=person.family_name,
        person=person,
    )
    town.users = [admin, clerk, member, *_council_users(town, person)]


def _council_users(town: Town, taken: Person) -> list[User]:
    """A login for every other council member (the mayor included), for trying live votes.
    One password hash for all: hashing 33 times would cost seconds and proves nothing here."""
    password = make_password(COUNCIL_MEMBER_PASSWORD)
    users = [
        User(
            username=seat.person.email[0].split("@")[0],
            email=seat.person.email[0],
            password=password,
            first_name=seat.person.given_name,
            last_name=seat.person.family_name,
            person=seat.person,
        )
        for seat in town.seats[COUNCIL]
        if seat.person is not taken and seat.person.email
    ]
    return User.objects.bulk_create(users)
