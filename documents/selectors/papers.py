"""Reads of papers, filtered by the visibility rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404

from documents.models import Consultation, File, Note, Paper
from documents.selectors.files import file_list_for_owners
from ratsinfo.models import Organization, Person
from ratsinfo.visibility import is_clerk_of, visible


def paper_list_recent(*, user: Any, limit: int = 10) -> QuerySet[Paper]:
    """The most recently published papers the user may see."""
    return visible(user, Paper.objects.all()).order_by("-published_at", "-pk")[:limit]


def paper_list_for_user(
    *,
    user: Any,
    paper_type: str | None = None,
    organization_id: int | None = None,
    year: int | None = None,
) -> QuerySet[Paper]:
    """The papers the user may see, newest first, optionally of one type, of one year, or
    consulted, originated or led by one organization."""
    papers = Paper.objects.all()
    if paper_type:
        papers = papers.filter(paper_type=paper_type)
    if year is not None:
        papers = papers.filter(date__year=year)
    if organization_id is not None:
        # Only consultations the user may see count: a public paper on a committee's
        # non-public agenda item must not be found through that committee.
        consulted = visible(
            user, Consultation.objects.filter(organizations=organization_id)
        ).values("paper_id")
        # A subquery, not a join: joins over the many-to-many fields would repeat papers.
        linked = Paper.objects.filter(
            Q(pk__in=consulted)
            | Q(originator_organizations=organization_id)
            | Q(under_direction_of=organization_id)
        ).values("pk")
        papers = papers.filter(pk__in=linked)
    return visible(user, papers).order_by(F("date").desc(nulls_last=True), "-reference", "-pk")


def paper_filter_organizations(*, user: Any) -> QuerySet[Organization]:
    """The boards (Gremien) the paper list can be filtered by."""
    return visible(
        user, Organization.objects.filter(organization_type=Organization.Type.BOARD)
    ).order_by("name")


def paper_filter_years(*, user: Any) -> list[int]:
    """The years of the papers the user may see, newest first."""
    dates = visible(user, Paper.objects.filter(date__isnull=False)).dates(
        "date", "year", order="DESC"
    )
    return [day.year for day in dates]


@dataclass
class PaperPage:
    """Everything the paper page shows. `note` is the viewer's own note, set by the view;
    `clerk_view` says whether the viewer is a clerk of the paper's body (upload form, text
    extraction states)."""

    paper: Paper
    originator_persons: list[Person]
    originator_organizations: list[Organization]
    under_direction_of: list[Organization]
    consultations: list[Consultation]
    main_files: list[File]
    auxiliary_files: list[File]
    related: list[Paper]
    superordinated: list[Paper]
    subordinated: list[Paper]
    note: Note | None = field(default=None)
    clerk_view: bool = field(default=False)


def paper_get_for_user(*, user: Any, paper_id: int) -> Paper:
    """The paper if the user may see it. Raises Http404 otherwise."""
    paper = visible(user, Paper.objects.filter(pk=paper_id)).first()
    if paper is None:
        raise Http404("paper not visible")
    return paper


def paper_page_for_user(*, user: Any, paper_id: int) -> PaperPage:
    """The paper with its originators, consultation path, files and related papers, each
    filtered by the visibility rule (a constant number of queries). Raises Http404 if the user
    may not see the paper."""
    paper = paper_get_for_user(user=user, paper_id=paper_id)
    visible_organizations = visible(user, Organization.objects.order_by("name"))
    consultations = list(
        visible(user, Consultation.objects.filter(paper=paper))
        .select_related("agenda_item__meeting")
        .prefetch_related(
            Prefetch("organizations", queryset=visible_organizations),
            Prefetch("agenda_item__meeting__organizations", queryset=visible_organizations),
        )
        .order_by(F("agenda_item__meeting__start").asc(nulls_last=True), "pk")
    )
    files = list(file_list_for_owners(user=user, paper_ids=[paper.pk]))
    visible_papers = visible(user, Paper.objects.all())
    return PaperPage(
        paper=paper,
        originator_persons=list(visible(user, paper.originator_persons.all())),
        originator_organizations=list(visible(user, paper.originator_organizations.all())),
        under_direction_of=list(visible(user, paper.under_direction_of.all())),
        consultations=consultations,
        main_files=[file for file in files if file.role == File.Role.MAIN],
        auxiliary_files=[file for file in files if file.role != File.Role.MAIN],
        related=list(visible_papers.filter(pk__in=paper.related_papers.values("pk"))),
        superordinated=list(visible_papers.filter(pk__in=paper.superordinated_papers.values("pk"))),
        subordinated=list(visible_papers.filter(pk__in=paper.subordinated_papers.values("pk"))),
        clerk_view=is_clerk_of(user, paper.body_id),
    )
