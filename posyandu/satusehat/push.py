"""The worker: sends waiting outbox items, one encounter bundle at a time.

Order per person: an item is sent only when every earlier open item of the same person is
done. Never twice: the item is marked `mengirim` (committed) before the bundle is POSTed and
`terkirim` with the returned ids after; an item found `mengirim` by a later pass (the worker
died, or the POST timed out) first looks its resources up by their local identifiers and
only sends what the platform does not hold yet.
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from posyandu.imunisasi.models import Imunisasi
from posyandu.satusehat import collect, ids
from posyandu.satusehat.client import (
    Client,
    Credentials,
    InDoubt,
    Rejected,
    Unavailable,
    token_expiry,
)
from posyandu.satusehat.fhir.bundle import transaction_with_keys
from posyandu.satusehat.fhir.patient import Unmappable, identifier, patient
from posyandu.satusehat.models import IdSatusehat, Kiriman, TokenInfo
from posyandu.satusehat.outbox import OPEN
from posyandu.satusehat.validation import validate, validate_bundle

S = Kiriman.Status
MAX_DELAY = timedelta(hours=6)


@dataclass
class PushResult:
    counts: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        parts = ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
        return f"SATUSEHAT push: {parts or 'tidak ada kiriman'}"


# --- configuration ------------------------------------------------------------------------


def base_urls() -> tuple[str, str]:
    """(auth base, FHIR base) of the environment in settings."""
    base = settings.SATUSEHAT_BASE_URL.rstrip("/")
    return f"{base}/oauth2/v1", f"{base}/fhir-r4/v1"


def credentials_for(org_id: str) -> Credentials | None:
    """Client id and secret of a Puskesmas organization: settings.SATUSEHAT_CREDENTIALS
    ({org id: {client_id, client_secret}}, from a JSON environment variable) or the
    environment variables SATUSEHAT_CLIENT_ID_<org id> / SATUSEHAT_CLIENT_SECRET_<org id>."""
    entry = settings.SATUSEHAT_CREDENTIALS.get(org_id) or {}
    client_id = entry.get("client_id") or os.environ.get(f"SATUSEHAT_CLIENT_ID_{org_id}", "")
    secret = entry.get("client_secret") or os.environ.get(f"SATUSEHAT_CLIENT_SECRET_{org_id}", "")
    if not client_id or not secret:
        return None
    return Credentials(org_id, client_id, secret)


def _remember_token(creds: Credentials, lifetime: float, renewed: bool) -> None:
    info, _ = TokenInfo.objects.get_or_create(
        organization_id=creds.organization_id,
        defaults={"diperoleh": timezone.now(), "berlaku_sampai": token_expiry(lifetime)},
    )
    info.diperoleh, info.berlaku_sampai = timezone.now(), token_expiry(lifetime)
    info.pembaruan += 1 if renewed else 0
    info.save()


def default_client(creds: Credentials) -> Client:
    auth, fhir = base_urls()
    return Client(
        auth_url=auth,
        fhir_url=fhir,
        credentials=creds,
        timeout=settings.SATUSEHAT_TIMEOUT,
        backoff=settings.SATUSEHAT_BACKOFF,
        on_token=_remember_token,
    )


# --- one pass -----------------------------------------------------------------------------


def push_once(
    *, limit: int = 500, client_for: Callable[[Credentials], Client] = default_client
) -> PushResult:
    result = PushResult()
    now = timezone.now()
    due = (
        Kiriman.objects.filter(status__in=(S.MENUNGGU, S.MENGIRIM))
        .filter(Q(coba_lagi_pada__isnull=True) | Q(coba_lagi_pada__lte=now))
        .order_by("id")[:limit]
    )
    clients: dict[str, Client] = {}
    for item in list(due):
        first_open = Kiriman.objects.filter(sasaran_id=item.sasaran_id, status__in=OPEN).aggregate(
            first=Min("id")
        )["first"]
        if first_open != item.pk:
            result.counts["menunggu giliran"] += 1
            continue
        status = send(item, clients=clients, client_for=client_for)
        result.counts[status] += 1
    return result


def _finish(item: Kiriman, status: str, reason: str = "", **fields: Any) -> str:
    item.status, item.alasan, item.diubah = status, reason, timezone.now()
    for name, value in fields.items():
        setattr(item, name, value)
    item.save()
    return status


def _later(item: Kiriman, reason: str, status: str = S.MENUNGGU, **fields: Any) -> str:
    delay = min(timedelta(minutes=2**item.percobaan), MAX_DELAY)
    return _finish(item, status, reason, coba_lagi_pada=timezone.now() + delay, **fields)


def _key(item: Kiriman) -> collect.Key:
    if item.jenis == collect.IMUNISASI:
        dose = Imunisasi.all_objects.get(public_id=item.kunci)
        return collect.Key(collect.IMUNISASI, item.sasaran_id, item.tanggal, "", dose.pk)
    return collect.Key(collect.ENCOUNTER, item.sasaran_id, item.tanggal, item.kelas)


def _sent_before(parts: collect.Parts) -> collect.Parts:
    """Keep soft-deleted records only when SATUSEHAT holds them (to withdraw them)."""
    prefixes = IdSatusehat.objects.exclude(resource__in=(ids.ORGANIZATION, ids.LOCATION))
    known = {lokal.split(".")[0] for lokal in prefixes.values_list("lokal", flat=True)}

    def keep(rows: list[Any]) -> list[Any]:
        return [r for r in rows if r.deleted_at is None or str(r.public_id) in known]

    return collect.Parts(
        kunjungan=parts.kunjungan,
        anggota=parts.anggota,
        pengukuran=keep(parts.pengukuran),
        imunisasi=keep(parts.imunisasi),
        rujukan=keep(parts.rujukan),
    )


def send(
    item: Kiriman, *, clients: dict[str, Client], client_for: Callable[[Credentials], Client]
) -> str:
    """Send one item; returns its new status."""
    key = _key(item)
    found = collect.gather([item.sasaran_id], item.tanggal, item.tanggal, deleted_too=True)
    parts = _sent_before(found.get(key, collect.Parts()))
    if not collect.has_content(parts) and not any(
        r.deleted_at for r in collect.clinical_records(parts)
    ):
        return _finish(item, S.BATAL, "Tidak ada lagi data untuk dikirim.")
    facts = collect.Facts(collect.people_of([item.sasaran_id]))
    try:
        m = collect.build(key, parts, facts)
    except Unmappable as exc:
        return _finish(item, S.TIDAK_DIPETAKAN, str(exc))
    creds = credentials_for(m.ctx.org_id)
    if creds is None:
        reason = f"Kredensial SATUSEHAT {m.puskesmas.nama} belum diatur."
        return _later(item, reason)
    client = clients.get(creds.organization_id) or client_for(creds)
    clients[creds.organization_id] = client
    try:
        isi = dataclasses.replace(m.isi, pasien=_with_ihs(client, m.isi.pasien))
        return _send_bundle(item, client, isi, m.ctx)
    except Rejected as exc:
        return _finish(
            item, S.GAGAL, exc.message, http_status=exc.status, operation_outcome=exc.outcome
        )
    except InDoubt as exc:
        return _later(item, exc.message, status=S.MENGIRIM)
    except Unavailable as exc:
        status = S.MENGIRIM if item.status == S.MENGIRIM else S.MENUNGGU
        return _later(item, exc.message, status=status, http_status=exc.status)


def _with_ihs(client: Client, pasien: Any) -> Any:
    """The person's IHS number: stored, else looked up by NIK (or the mother's NIK and the
    birth date), else created in the national MPI."""
    if pasien.ihs:
        return pasien
    system, value = identifier(pasien)
    params = {"identifier": f"{system}|{value}"}
    if not pasien.nik:
        params["birthdate"] = pasien.tanggal_lahir.isoformat()
    matches = client.search("Patient", **params)
    if matches:
        ihs = str(matches[0]["id"])
    else:
        resource = patient(pasien)
        problems = validate(resource)
        if problems:
            raise Rejected("; ".join(problems))
        ihs = str(client.create(resource)["id"])
    ids.store(ids.PATIENT, pasien.lokal, ihs)
    return dataclasses.replace(pasien, ihs=ihs)


def _remote_ids(keys: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    rows = IdSatusehat.objects.filter(lokal__in=[lokal for _, lokal in keys])
    return {(r.resource, r.lokal): r.remote for r in rows}


def _send_bundle(item: Kiriman, client: Client, isi: Any, ctx: Any) -> str:
    _, keys = transaction_with_keys(isi, ctx)
    remote = _remote_ids(keys)
    if item.status == S.MENGIRIM:  # an earlier attempt may have reached the platform
        bundle, keys = transaction_with_keys(isi, ctx, remote)
        creates = [
            (entry, kind, lokal)
            for entry, (kind, lokal) in zip(bundle["entry"], keys, strict=True)
            if entry["request"]["method"] == "POST"
        ]
        found = 0
        for entry, kind, lokal in creates:
            ident = entry["resource"]["identifier"][0]
            hits = client.find_by_identifier(kind, ident["system"], ident["value"])
            if hits:
                found += 1
                remote[(kind, lokal)] = str(hits[0]["id"])
        if creates and found == len(creates):
            # The transaction is atomic: its creates are there, so was all of it.
            return _record_success(item, keys, remote)
    bundle, keys = transaction_with_keys(isi, ctx, remote)
    problems = validate_bundle(bundle)
    if problems:
        return _finish(item, S.GAGAL, "Tidak valid, tidak dikirim: " + "; ".join(problems[:5]))
    _finish(item, S.MENGIRIM, "", percobaan=item.percobaan + 1, coba_lagi_pada=None)
    response = client.transaction(bundle)
    for entry, (kind, lokal) in zip(response.get("entry", []), keys, strict=False):
        rid = _returned_id(entry)
        if rid:
            remote[(kind, lokal)] = rid
    return _record_success(item, keys, remote)


def _returned_id(entry: dict[str, Any]) -> str:
    """The id in a transaction-response entry: response.location "Type/id/_history/n"."""
    location = str((entry.get("response") or {}).get("location", ""))
    if location:
        parts = location.split("/")
        if "_history" in parts:
            parts = parts[: parts.index("_history")]
        return parts[-1]
    return str((entry.get("resource") or {}).get("id", ""))


@transaction.atomic
def _record_success(
    item: Kiriman, keys: list[tuple[str, str]], remote: dict[tuple[str, str], str]
) -> str:
    returned = {}
    for kind, lokal in keys:
        rid = remote.get((kind, lokal))
        if rid:
            ids.store(kind, lokal, rid)
            returned[lokal] = f"{kind}/{rid}"
    return _finish(
        item, S.TERKIRIM, "", hasil=returned, terkirim_pada=timezone.now(), http_status=200,
        operation_outcome=None, coba_lagi_pada=None,
    )  # fmt: skip
