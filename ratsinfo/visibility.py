"""The one rule that decides who sees what (DESIGN.md §3).

- Administrators see everything the queryset holds (`all_objects` includes deleted rows).
- Clerks (Sitzungsdienst) see every object of the bodies they are assigned to, published or not,
  unless it or anything it hangs on is deleted.
- Everyone else, anonymous or logged in, sees an object once it is published and every object it
  hangs on (its meeting, its paper, ...) is visible to them; if the object is non-public, they
  must in addition be a current member of one of the organizations it belongs to (through links
  that are not deleted: a deleted consultation no longer opens its paper).

Models declare *where* their body, publication date, public flag, organizations and parents are
(`VisibilitySpec`); this module alone decides *what follows* from that. Nothing else may filter
on `public` by hand. Apps higher up register their models by declaring a spec, so this module
never imports them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models
from django.db.models import Exists, OuterRef, Q, Value
from django.utils import timezone

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class VisibilitySpec:
    """Where a model keeps what the rule needs. Paths are Django lookup paths."""

    # Paths to the Body whose clerks see the object.
    bodies: tuple[str, ...] = ()
    # Boolean field; when False the object is non-public.
    public: str | None = None
    # Date-time field that must be set and reached before anyone but clerks sees the object.
    published: str | None = None
    # Paths to organizations whose current members see the object when it is non-public.
    organizations: tuple[str, ...] = ()
    # Foreign keys that must each be visible when set (a consultation needs its paper).
    parents: tuple[str, ...] = ()
    # Foreign keys of which exactly one is set and must be visible (a file's owner).
    owners: tuple[str, ...] = ()


@dataclass(frozen=True)
class Principal:
    """What the rule needs to know about a user, computed once per request."""

    is_admin: bool = False
    clerk_body_ids: frozenset[int] = field(default_factory=frozenset)
    member_organization_ids: frozenset[int] = field(default_factory=frozenset)


ANONYMOUS = Principal()
_CACHE_ATTR = "_ratsinfo_principal"


def principal_for(user: Any, *, today: datetime.date | None = None) -> Principal:
    """The user's rights: admin flag, clerk bodies, organizations with a current membership."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached: Principal | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None and today is None:
        return cached
    if user.is_superuser:
        principal = Principal(is_admin=True)
    else:
        principal = _principal_query(user, today or timezone.localdate())
    if today is None:
        setattr(user, _CACHE_ATTR, principal)
    return principal


def _principal_query(user: Any, day: datetime.date) -> Principal:
    from ratsinfo.models import Body, Membership

    # One query for both roles, as (is_clerk, id) rows: the principal is computed on every
    # request, so it must not cost a query per role.
    rows = (
        Body.objects.filter(clerks=user)
        .annotate(is_clerk=Value(True, output_field=models.BooleanField()))
        .order_by()
        .values_list("is_clerk", "pk")
    )
    if user.person_id is not None:
        memberships = (
            Membership.objects.filter(person_id=user.person_id, person__deleted=False)
            .filter(Q(start_date__isnull=True) | Q(start_date__lte=day))
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
            .annotate(is_clerk=Value(False, output_field=models.BooleanField()))
            .order_by()
            .values_list("is_clerk", "organization_id")
        )
        rows = rows.union(memberships, all=True)
    body_ids: set[int] = set()
    org_ids: set[int] = set()
    for is_clerk, pk in rows:
        (body_ids if is_clerk else org_ids).add(pk)
    return Principal(clerk_body_ids=frozenset(body_ids), member_organization_ids=frozenset(org_ids))


def forget_principal(user: Any) -> None:
    """Drop the cached rights after memberships or roles of this user changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _spec(model: type[models.Model]) -> VisibilitySpec:
    spec = getattr(model, "visibility", None)
    if not isinstance(spec, VisibilitySpec):
        raise TypeError(f"{model.__name__} declares no VisibilitySpec")
    return spec


def _related_model(model: type[models.Model], name: str) -> type[models.Model]:
    related = model._meta.get_field(name).related_model
    if not isinstance(related, type):
        raise TypeError(f"{model.__name__}.{name} is not a relation")
    return related


def _clerk_q(spec: VisibilitySpec, principal: Principal, prefix: str) -> Q:
    q = Q(pk__in=[])
    if principal.clerk_body_ids:
        for path in spec.bodies:
            q |= Q(**{f"{prefix}{path}__in": principal.clerk_body_ids})
    return q


def _reader_q(model: type[models.Model], principal: Principal, prefix: str, now: Any) -> Q:
    """Visible to a reader who is not a clerk of the object's body."""
    spec = _spec(model)
    q = Q(**{f"{prefix}deleted": False})
    if spec.published:
        q &= Q(**{f"{prefix}{spec.published}__lte": now})
    for parent in spec.parents:
        parent_q = _visible_q(_related_model(model, parent), principal, f"{prefix}{parent}__", now)
        q &= Q(**{f"{prefix}{parent}__isnull": True}) | parent_q
    if spec.owners:
        owner_q = Q(pk__in=[])
        for owner in spec.owners:
            owner_model = _related_model(model, owner)
            owner_q |= Q(**{f"{prefix}{owner}__isnull": False}) & _visible_q(
                owner_model, principal, f"{prefix}{owner}__", now
            )
        q &= owner_q
    if spec.public:
        access = Q(**{f"{prefix}{spec.public}": True})
        if principal.member_organization_ids and spec.organizations:
            # A correlated EXISTS, not a join: a join over many-to-many paths would duplicate
            # rows, and an uncorrelated IN (SELECT …) would scan every row of the model.
            # One EXISTS per path: a single EXISTS over all paths left-joins every path for
            # every row, about ten times the cost per row on PostgreSQL.
            for path in spec.organizations:
                members_see = model._default_manager.filter(
                    _live_path_q(model, path, principal.member_organization_ids),
                    pk=OuterRef(f"{prefix}pk"),
                )
                access |= Q(Exists(members_see))
        q &= access
    return q


def _live_path_q(model: type[models.Model], path: str, organization_ids: frozenset[int]) -> Q:
    """`path` leads to one of the organizations, over rows none of which is deleted: a deleted
    consultation no longer opens its paper to the committee it named."""
    q = Q(**{f"{path}__in": organization_ids})
    current = model
    names = path.split("__")
    for depth, name in enumerate(names, start=1):
        current = _related_model(current, name)
        if any(field.name == "deleted" for field in current._meta.concrete_fields):
            q &= Q(**{f"{'__'.join(names[:depth])}__deleted": False})
    return q


def _alive_q(model: type[models.Model], prefix: str) -> Q:
    """Neither the object nor anything it hangs on (its parents, its owner) is deleted."""
    spec = _spec(model)
    q = Q(**{f"{prefix}deleted": False})
    for parent in spec.parents:
        parent_q = _alive_q(_related_model(model, parent), f"{prefix}{parent}__")
        q &= Q(**{f"{prefix}{parent}__isnull": True}) | parent_q
    if spec.owners:
        owner_q = Q(pk__in=[])
        for owner in spec.owners:
            owner_q |= Q(**{f"{prefix}{owner}__isnull": False}) & _alive_q(
                _related_model(model, owner), f"{prefix}{owner}__"
            )
        q &= owner_q
    return q


def _visible_q(model: type[models.Model], principal: Principal, prefix: str, now: Any) -> Q:
    spec = _spec(model)
    clerk_q = _clerk_q(spec, principal, prefix)
    if principal.clerk_body_ids:
        clerk_q &= _alive_q(model, prefix)
    return clerk_q | _reader_q(model, principal, prefix, now)


def visibility_q(model: type[models.Model], user: Any) -> Q:
    """The rule as a Q object for `model`, for use inside larger queries (search, counts)."""
    principal = principal_for(user)
    if principal.is_admin:
        return Q()
    return _visible_q(model, principal, "", timezone.now())


def visible(user: Any, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """Only the rows of `queryset` that `user` may see."""
    principal = principal_for(user)
    if principal.is_admin:
        return queryset
    return queryset.filter(_visible_q(queryset.model, principal, "", timezone.now()))


def can_see(user: Any, obj: models.Model) -> bool:
    """Whether `user` may see `obj` (one query, none for administrators)."""
    if principal_for(user).is_admin:
        return True
    manager = type(obj)._base_manager
    return visible(user, manager.filter(pk=obj.pk)).exists()


def editable(user: Any, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """Only the rows `user` may change: all for administrators, their bodies' for clerks,
    shared objects without a body (locations) for any clerk, nothing for anyone else."""
    principal = principal_for(user)
    if principal.is_admin:
        return queryset
    if not principal.clerk_body_ids:
        return queryset.none()
    spec = _spec(queryset.model)
    if not spec.bodies:
        return queryset
    return queryset.filter(_clerk_q(spec, principal, ""))


def is_clerk_of(user: Any, body_id: int | None) -> bool:
    """Whether `user` may edit the body's council work (clerk of that body or administrator)."""
    principal = principal_for(user)
    return principal.is_admin or (body_id is not None and body_id in principal.clerk_body_ids)


# --- The rule as data, for indexes outside the database ----------------------------------------


@dataclass(frozen=True)
class Audience:
    """Who may see an object, as flat ids that an index outside the database can store with it
    (Elasticsearch cannot ask the database at query time). `audience()` computes it from the
    rule itself, for one moment; administrators are in every audience.

    Limit: the ids say "members of one of these organizations", so an object that only a
    combination of rights opens (membership in two organizations at once, each opening one of
    the objects it hangs on) is admitted to its body's clerks only: the safe side."""

    # Everyone sees it (anonymous readers included).
    public: bool
    # Current members of any of these organizations see it (empty when public).
    organization_ids: frozenset[int] = frozenset()
    # Clerks of any of these bodies see it (empty when public).
    body_ids: frozenset[int] = frozenset()
    # A publication date of the object or of something it hangs on that lies ahead: the
    # audience widens then and must be computed again.
    changes_at: datetime.datetime | None = None

    def admits(self, principal: Principal) -> bool:
        """Whether `principal` is in this audience; an index filter must mean the same."""
        return (
            principal.is_admin
            or self.public
            or bool(self.organization_ids & principal.member_organization_ids)
            or bool(self.body_ids & principal.clerk_body_ids)
        )


NOBODY = Audience(public=False)


def audience(obj: models.Model) -> Audience:
    """Who may see `obj` now, by the rule (see `Audience`)."""
    return audiences(type(obj), [obj.pk])[obj.pk]


def audiences(
    model: type[models.Model], pks: Iterable[Any], *, now: datetime.datetime | None = None
) -> dict[Any, Audience]:
    """`audience()` for many objects of one model, in a number of queries that grows with the
    candidate organizations and bodies, not with the objects: one for the public, one per
    path of the spec, one per candidate organization and one per candidate body."""
    ids = set(pks)
    if not ids:
        return {}
    moment = now or timezone.now()
    base = model._base_manager.filter(pk__in=ids)
    public = set(base.filter(_visible_q(model, ANONYMOUS, "", moment)).values_list("pk", flat=True))
    closed = ids - public
    bodies, organizations, published = _audience_paths(model, "")
    orgs_of = _candidates(base.filter(pk__in=closed), organizations)
    bodies_of = _candidates(base.filter(pk__in=closed), bodies)
    org_ids = _admitted(
        model, base, orgs_of, lambda x: Principal(member_organization_ids=frozenset({x})), moment
    )
    body_ids = _admitted(
        model, base, bodies_of, lambda x: Principal(clerk_body_ids=frozenset({x})), moment
    )
    ahead: dict[Any, datetime.datetime] = {}
    for path in published if closed else ():
        for pk, when in base.filter(pk__in=closed).values_list("pk", path):
            if when is not None and when > moment and (pk not in ahead or when < ahead[pk]):
                ahead[pk] = when
    result: dict[Any, Audience] = {pk: NOBODY for pk in ids}
    for pk in public:
        result[pk] = Audience(public=True)
    for pk in closed:
        result[pk] = Audience(
            public=False,
            organization_ids=frozenset(org_ids.get(pk, ())),
            body_ids=frozenset(body_ids.get(pk, ())),
            changes_at=ahead.get(pk),
        )
    return result


def audience_principal(user: Any) -> Principal:
    """The user's rights as an index compares them with stored `Audience`s: memberships of
    organizations deleted since the entry was indexed count for nothing, as in the rule."""
    principal = principal_for(user)
    if principal.is_admin or not principal.member_organization_ids:
        return principal
    from ratsinfo.models import Organization

    live = Organization.objects.filter(pk__in=principal.member_organization_ids)
    return Principal(
        clerk_body_ids=principal.clerk_body_ids,
        member_organization_ids=frozenset(live.values_list("pk", flat=True)),
    )


def _audience_paths(model: type[models.Model], prefix: str) -> tuple[list[str], ...]:
    """(body paths, organization paths, publication paths) of the model and of everything it
    hangs on: the candidates whose rights `audiences` then checks one by one."""
    spec = _spec(model)
    bodies = [f"{prefix}{p}" for p in spec.bodies]
    organizations = [f"{prefix}{p}" for p in spec.organizations]
    published = [f"{prefix}{spec.published}"] if spec.published else []
    for name in (*spec.parents, *spec.owners):
        sub = _audience_paths(_related_model(model, name), f"{prefix}{name}__")
        bodies += sub[0]
        organizations += sub[1]
        published += sub[2]
    return list(dict.fromkeys(bodies)), list(dict.fromkeys(organizations)), published


def _candidates(qs: models.QuerySet[Any], paths: list[str]) -> dict[int, set[Any]]:
    """Candidate id -> pks of the objects that name it on one of `paths`."""
    found: dict[int, set[Any]] = {}
    for path in paths:
        for pk, candidate in qs.values_list("pk", path):
            if candidate is not None:
                found.setdefault(candidate, set()).add(pk)
    return found


def _admitted(
    model: type[models.Model],
    base: models.QuerySet[Any],
    candidates: dict[int, set[Any]],
    principal_of: Callable[[int], Principal],
    now: datetime.datetime,
) -> dict[Any, set[int]]:
    """pk -> the candidates whose one-right principal the rule admits to the object."""
    admitted: dict[Any, set[int]] = {}
    for candidate, pks in sorted(candidates.items()):
        seen = base.filter(pk__in=pks).filter(_visible_q(model, principal_of(candidate), "", now))
        for pk in seen.values_list("pk", flat=True):
            admitted.setdefault(pk, set()).add(candidate)
    return admitted
