"""The one place that decides which records a user may see.

Deny by default: a user with no active assignment sees nothing. Every query for people,
records or facilities goes through `restrict`, which needs the model to say where its region
and Posyandu live (`scope_fields`).
"""

from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Model, Q, QuerySet

from posyandu.accounts.models import Assignment, Role

Kind = Literal["personal", "aggregate"]


@dataclass(frozen=True)
class Access:
    """Everything, or the union of some Posyandu and some region subtrees."""

    everything: bool = False
    posyandu_ids: frozenset[int] = frozenset()
    prefixes: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return self.everything or bool(self.posyandu_ids or self.prefixes)

    def q(self, wilayah_field: str | tuple[str, ...] | None, posyandu_field: str | None) -> Q:
        """`wilayah_field` may name several region paths: a row matches through any of them."""
        if self.everything:
            return Q()
        condition = Q(pk__in=[])
        if posyandu_field and self.posyandu_ids:
            condition |= Q(**{f"{posyandu_field}__in": sorted(self.posyandu_ids)})
        wilayah_fields = (wilayah_field,) if isinstance(wilayah_field, str) else wilayah_field
        exact = sorted(p for p in self.prefixes if len(p) == 13)
        wider = sorted(p for p in self.prefixes if len(p) < 13)
        for path in wilayah_fields or ():
            if exact:
                condition |= Q(**{f"{path}__in": exact})
            for prefix in wider:
                condition |= Q(**{path: prefix})
                condition |= Q(**{f"{path}__startswith": prefix + "."})
        return condition

    def covers_region(self, kode: str) -> bool:
        """True when the whole region lies inside this access (not just a Posyandu in it)."""
        return self.everything or any(kode == p or kode.startswith(p + ".") for p in self.prefixes)

    def union(self, other: "Access") -> "Access":
        return Access(
            everything=self.everything or other.everything,
            posyandu_ids=self.posyandu_ids | other.posyandu_ids,
            prefixes=self.prefixes | other.prefixes,
        )


@dataclass(frozen=True)
class Scope:
    personal: Access = field(default_factory=Access)
    aggregate: Access = field(default_factory=Access)
    roles: frozenset[str] = frozenset()

    def access(self, kind: Kind) -> Access:
        return self.personal if kind == "personal" else self.aggregate

    def top_regions(self) -> list[str]:
        """The widest region codes of the aggregate access, for the region browser."""
        codes = sorted(self.aggregate.prefixes, key=len)
        return [c for i, c in enumerate(codes) if not any(c.startswith(p + ".") for p in codes[:i])]


def _access_of(assignment: Assignment) -> tuple[Access, Access]:
    role = assignment.role
    if role == Role.ADMIN:
        everything = Access(everything=True)
        return everything, everything
    if role == Role.KADER:
        mine = Access(posyandu_ids=frozenset({assignment.posyandu_id}))
        return mine, mine
    if role == Role.PUSKESMAS:
        puskesmas = assignment.puskesmas
        desa = frozenset(puskesmas.wilayah_kerja.values_list("kode", flat=True))
        served = frozenset(puskesmas.posyandu.values_list("id", flat=True))
        area = Access(posyandu_ids=served, prefixes=desa)
        return area, Access(posyandu_ids=served, prefixes=desa | {puskesmas.kecamatan_id})
    region = Access(prefixes=frozenset({assignment.wilayah_id}))
    if role in (Role.POKJANAL_KECAMATAN, Role.POKJANAL_KABKOTA):
        return (region if assignment.can_see_personal else Access()), region
    return region, region  # bidan (desa), dinkes (kab/kota)


def scope_for(user: Any) -> Scope:
    """The user's scope, computed once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, "_scope_cache", None)
    if cached is not None:
        return cached
    personal, aggregate, roles = Access(), Access(), set()
    if user.is_superuser:
        personal = aggregate = Access(everything=True)
        roles.add(Role.ADMIN.value)
    assignments = user.assignments.filter(active=True).select_related("puskesmas")
    for assignment in assignments:
        mine, area = _access_of(assignment)
        personal, aggregate = personal.union(mine), aggregate.union(area)
        roles.add(assignment.role)
    scope = Scope(personal=personal, aggregate=aggregate, roles=frozenset(roles))
    user._scope_cache = scope
    return scope


def restrict(queryset: QuerySet, user: Any, kind: Kind = "personal") -> QuerySet:
    """The rows of `queryset` the user may see. The model must declare `scope_fields`."""
    model: type[Model] = queryset.model
    fields = getattr(model, "scope_fields", None)
    if fields is None:
        raise TypeError(f"{model.__name__} declares no scope_fields; it cannot be scoped")
    access = scope_for(user).access(kind)
    if not access:
        return queryset.none()
    condition = access.q(fields.get("wilayah"), fields.get("posyandu"))
    filtered = queryset.filter(condition)
    return filtered.distinct() if fields.get("distinct") else filtered
