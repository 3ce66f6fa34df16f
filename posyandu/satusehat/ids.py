"""Ids SATUSEHAT gave (IdSatusehat rows) and the facility master's organization ids."""

from collections.abc import Iterable
from typing import Any

from posyandu.fasilitas.models import Posyandu, Puskesmas, Pustu
from posyandu.sasaran.models import Sasaran
from posyandu.satusehat.models import IdSatusehat

ORGANIZATION, LOCATION, PATIENT, PRACTITIONER = (
    "Organization",
    "Location",
    "Patient",
    "Practitioner",
)


def facility_key(facility: Any) -> str:
    """ "puskesmas:3", "pustu:8", "posyandu:12": the local key of a facility."""
    return f"{facility._meta.model_name}:{facility.pk}"


def get(resource: str, lokal: str) -> str:
    row = IdSatusehat.objects.filter(resource=resource, lokal=lokal).first()
    return row.remote if row else ""


def many(resource: str, lokal: Iterable[str] | None = None) -> dict[str, str]:
    qs = IdSatusehat.objects.filter(resource=resource)
    if lokal is not None:
        qs = qs.filter(lokal__in=list(lokal))
    return dict(qs.values_list("lokal", "remote"))


def store(resource: str, lokal: str, remote: str) -> None:
    """Remember (or correct) the id SATUSEHAT holds for a local thing."""
    IdSatusehat.objects.update_or_create(
        resource=resource, lokal=lokal, defaults={"remote": remote}
    )


def organization_id(
    facility: Puskesmas | Pustu | Posyandu, known: dict[str, str] | None = None
) -> str:
    """The facility's organization id: stored here, else the facility master's field."""
    key = facility_key(facility)
    stored = (known if known is not None else many(ORGANIZATION, [key])).get(key, "")
    return stored or facility.satusehat_org_id


def location_id(facility: Puskesmas | Posyandu, known: dict[str, str] | None = None) -> str:
    key = facility_key(facility)
    return (known if known is not None else many(LOCATION, [key])).get(key, "")


def patient_ihs(person: Sasaran, known: dict[str, str] | None = None) -> str:
    key = str(person.public_id)
    stored = (known if known is not None else many(PATIENT, [key])).get(key, "")
    return stored or person.satusehat_ihs
