"""factory_boy factories for the domain (DESIGN.md §9)."""

from __future__ import annotations

import datetime
import hashlib

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from documents.models import Consultation, File, Note, Paper
from ratsinfo.models import Body, LegislativeTerm, Location, Membership, Organization, Person, User
from sessions.models import AgendaItem, Meeting, Minutes


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    description = "Rathaus"
    room = factory.Sequence(lambda n: f"Sitzungssaal {n}")
    street_address = "Marktplatz 1"
    postal_code = "12345"
    locality = "Musterstadt"


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"Stadt Testhausen {n}")
    short_name = "Testhausen"


class LegislativeTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegislativeTerm

    body = factory.SubFactory(BodyFactory)
    name = "Wahlperiode 2024–2029"
    start_date = datetime.date(2024, 6, 1)
    end_date = datetime.date(2029, 5, 31)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    body = factory.SubFactory(BodyFactory)
    name = factory.Sequence(lambda n: f"Ausschuss {n}")
    organization_type = Organization.Type.BOARD
    classification = "Ausschuss"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    body = factory.SubFactory(BodyFactory)
    given_name = "Erika"
    family_name = factory.Sequence(lambda n: f"Mustermann{n}")
    name = factory.LazyAttribute(lambda p: f"{p.given_name} {p.family_name}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "Mitglied"
    voting_right = True
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))
    end_date = None


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "geheim-123")

    @factory.post_generation
    def clerk_of(self, create: bool, extracted: list[Body] | None, **kwargs: object) -> None:
        if create and extracted:
            self.clerk_of.add(*extracted)
        if create:
            self.save()


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    body = factory.SubFactory(BodyFactory)
    name = factory.Sequence(lambda n: f"Sitzung {n}")
    state = Meeting.State.INVITED
    start = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    end = factory.LazyAttribute(
        lambda m: m.start + datetime.timedelta(hours=3) if m.start else None
    )
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))

    @factory.post_generation
    def organizations(
        self, create: bool, extracted: list[Organization] | None, **kwargs: object
    ) -> None:
        if create and extracted:
            self.organizations.add(*extracted)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    order = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda a: f"{'Ö' if a.public else 'N'} {a.order}")
    name = factory.Sequence(lambda n: f"Tagesordnungspunkt {n}")
    public = True


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paper
        skip_postgeneration_save = True

    body = factory.SubFactory(BodyFactory)
    name = factory.Sequence(lambda n: f"Vorlage {n}")
    reference = factory.Sequence(lambda n: f"2026/{n:04d}")
    date = datetime.date(2026, 3, 1)
    paper_type = Paper.Type.RESOLUTION_DRAFT
    public = True
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))

    @factory.post_generation
    def originator_organizations(
        self, create: bool, extracted: list[Organization] | None, **kwargs: object
    ) -> None:
        if create and extracted:
            self.originator_organizations.add(*extracted)

    @factory.post_generation
    def under_direction_of(
        self, create: bool, extracted: list[Organization] | None, **kwargs: object
    ) -> None:
        if create and extracted:
            self.under_direction_of.add(*extracted)


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation
        skip_postgeneration_save = True

    paper = factory.SubFactory(PaperFactory)
    role = "Entscheidung"
    authoritative = True

    @factory.post_generation
    def organizations(
        self, create: bool, extracted: list[Organization] | None, **kwargs: object
    ) -> None:
        if create and extracted:
            self.organizations.add(*extracted)


def _pdf_bytes(text: str) -> bytes:
    # A minimal single-page PDF is enough where a test needs stored bytes, not layout.
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


class FileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = File

    paper = factory.SubFactory(PaperFactory)
    role = File.Role.AUXILIARY
    name = factory.Sequence(lambda n: f"Anlage {n}")
    file_name = factory.Sequence(lambda n: f"anlage-{n}.pdf")
    mime_type = "application/pdf"
    public = True
    text = ""
    content = factory.LazyAttribute(lambda f: ContentFile(_pdf_bytes(f.name), name=f.file_name))
    sha256 = factory.LazyAttribute(lambda f: hashlib.sha256(_pdf_bytes(f.name)).hexdigest())
    size = factory.LazyAttribute(lambda f: len(_pdf_bytes(f.name)))


class MinutesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Minutes

    meeting = factory.SubFactory(MeetingFactory)
    introduction = "Die Vorsitzende eröffnet die Sitzung und stellt die Beschlussfähigkeit fest."
    closing = "Die Vorsitzende schließt die Sitzung."
    recorder = "Petra Protokoll"
    approved_on = None
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    author = factory.SubFactory(UserFactory)
    paper = factory.SubFactory(PaperFactory)
    agenda_item = None
    text = "Nachfragen zur Kostenschätzung"
