"""Issue 16: a role x URL matrix generated from the URL configuration. Every page and API
operation with a record id in its path is requested by every role of Kota Pekanbaru with the
id of every record of Kabupaten Seluma: none may answer with the record (404, 403 or a
redirect that is not to the record). A new view cannot leak without failing here."""

import re
from uuid import UUID

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from posyandu.core.models import Record
from posyandu.sasaran.models import PermintaanPindah
from posyandu.sasaran.tests.factories import KeluargaFactory, PersetujuanFactory, SasaranFactory
from posyandu.sesi.tests.factories import KunjunganFactory, SesiFactory

ROLES = ("kader_a", "bidan_1", "puskesmas_staff", "pokjanal_kec", "pokjanal_kota", "dinkes_kota")
PARAM = re.compile(r"<(?:(?P<conv>[a-z]+):)?(?P<name>\w+)>")
SKIPPED_NAMESPACES = {"admin"}


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def seluma_records(world) -> list[Record]:
    person = SasaranFactory.create(posyandu=world.posyandu_s, nik="1705011708900003")
    KeluargaFactory.create(posyandu=world.posyandu_s)
    PersetujuanFactory.create(sasaran=person)
    sesi = SesiFactory.create(posyandu=world.posyandu_s)
    KunjunganFactory.create(sesi=sesi, sasaran=person)
    PermintaanPindah.objects.create(
        sasaran=person, dari_posyandu=world.posyandu_s, ke_posyandu=world.posyandu_s, nama="x"
    )
    found = []
    for model in apps.get_models():
        if issubclass(model, Record) and model.wilayah_path:
            for row in model._base_manager.all():
                if row.wilayah_kode().startswith("17.05"):
                    found.append(row)
    return found


def concrete(route: str, value: UUID) -> str | None:
    """The route with every path parameter filled: ids with `value`, others plausibly."""
    if not PARAM.search(route) or route.startswith("^"):
        return None

    def fill(match: re.Match[str]) -> str:
        conv, name = match.group("conv"), match.group("name")
        if conv == "int":
            return "1"
        if conv == "uuid" or name.endswith("id") or name in ("public_id", "uuid"):
            return str(value)
        if name in ("kode", "wilayah"):
            return "17.05"
        if name in ("fmt", "format"):
            return "csv"
        return str(value)

    return "/" + PARAM.sub(fill, route)


@pytest.mark.slow
def test_no_role_of_one_region_reaches_a_record_of_another(client, world):
    records = seluma_records(world)
    assert len(records) >= 6
    routes = [r for r in walk(get_resolver().url_patterns) if PARAM.search(r)]
    leaks, requests = [], 0
    for role in ROLES:
        client.force_login(getattr(world, role))
        for route in routes:
            for record in records:
                url = concrete(route, record.public_id)
                if url is None:
                    continue
                requests += 1
                response = client.get(url)
                status = response.status_code
                if status in (400, 401, 403, 404, 405, 422):
                    continue
                if status in (301, 302) and str(record.public_id) not in response["Location"]:
                    continue
                body = response.content.decode(errors="replace")
                if status == 200 and str(record.public_id) not in body and not _named(record, body):
                    continue  # a page that does not show the record (e.g. ignores the id)
                leaks.append(f"{role} {url} -> {status}")
    print(f"{requests} requests, {len(routes)} routes, {len(records)} records")
    assert leaks == []


def _named(record: Record, body: str) -> bool:
    name = getattr(record, "nama", "")
    return bool(name) and len(name) > 3 and name in body
