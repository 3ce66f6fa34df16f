"""The download package: what one Posyandu day needs offline (docs/offline.md section 1).

Everything is read through `accounts.scope` (the Posyandu first, then its people) and every
download leaves one audit event with the row counts. A cursor makes the next download a delta:
rows changed since, and the ids of rows voided, merged or moved away since.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Q, QuerySet
from django.utils import timezone

from posyandu.accounts.scope import restrict
from posyandu.audit.models import AuditEvent
from posyandu.audit.recorder import log
from posyandu.core.rules import load_rule
from posyandu.fasilitas.models import Posyandu
from posyandu.imunisasi.models import Imunisasi
from posyandu.imunisasi.selectors import child_statuses, next_session_date
from posyandu.rujukan import rules as referral_rules
from posyandu.rujukan.models import Rujukan
from posyandu.sasaran.life_stage import BALITA, born_in_q, life_stage, life_stage_of
from posyandu.sasaran.models import Sasaran
from posyandu.sesi import danger
from posyandu.sesi.engine_data import engine_manifest
from posyandu.sesi.growth import engine_version
from posyandu.sesi.models import (
    Z_FIELDS,
    Jadwal,
    Kunjungan,
    LayananDiberikan,
    Pengukuran,
    Penyuluhan,
    Sesi,
)
from posyandu.skrining import engine as screening_engine
from posyandu.skrining.models import HasilSkrining
from posyandu.tugas.selectors import open_tasks

FORMAT = 1
CURSOR_SALT = "sinkron.cursor"
# A row saved by a transaction that began before the cursor's time but committed after it
# would be missed; the next delta looks back this far (the client upserts by id and version).
CURSOR_OVERLAP = timedelta(seconds=30)
MEASUREMENTS_PER_PERSON = 6  # enough for N/T (KBM) and 2T
SESSION_DAYS = 60  # sessions (and their check-ins, services, education) this far back
SCREENING_DAYS = 365
REFERRAL_DAYS = 90
# Rule files the device's instant result and forms use (the growth engine's own tables are
# served as static files by the engine, see `engine`).
RULES = [
    ("sesi", "ambang_batas"),
    ("sesi", "batas_mutlak"),
    ("sesi", "plausibility"),
    ("sesi", "tanda_bahaya"),
    ("sesi", "tanggal_sesi"),
    ("rujukan", "rujukan"),
    ("imunisasi", "jadwal_imunisasi"),
]
# The draft's short names of measurement values, sent too (docs/offline.md, Changes).
SHORT_NAMES = {
    "berat_kg": "berat",
    "tinggi_cm": "tinggi",
    "lingkar_kepala_cm": "lingkar_kepala",
    "lila_cm": "lila",
    "sistole": "sistolik",
    "diastole": "diastolik",
    "zwei": "z_bbu",
    "zlen": "z_tbu",
    "zwfl": "z_bbtb",
    "zbmi": "z_imtu",
    "zhc": "z_lk",
    "status_bb": "nt",
}
MEASUREMENT_FIELDS = [
    "tanggal",
    "sumber",
    "berat_kg",
    "tinggi_cm",
    "cara_ukur",
    "lingkar_kepala_cm",
    "lila_cm",
    "lingkar_perut_cm",
    "sistole",
    "diastole",
    "edema",
    "tanda_bahaya",
    "umur_hari",
    *Z_FIELDS,
    "kategori",
    "status_bb",
    "kbm_g",
    "perlu_cek_ulang",
    "alasan_cek_ulang",
    "mesin_versi",
]


def posyandu_visible(user: Any, public_id: Any) -> Posyandu | None:
    """The Posyandu the user may download (personal scope), else None (the API's 404)."""
    try:
        return restrict(Posyandu.objects.select_related("desa", "puskesmas"), user).get(
            public_id=public_id
        )
    except (Posyandu.DoesNotExist, ValueError, signing.BadSignature):
        return None


def cursor_make(posyandu: Posyandu, at: datetime) -> str:
    return signing.dumps({"p": posyandu.pk, "t": at.isoformat()}, salt=CURSOR_SALT)


def cursor_read(cursor: str, posyandu: Posyandu) -> datetime | None:
    """The time a cursor was made for this Posyandu; None when it cannot be read or belongs
    to another Posyandu (the answer is then a full package)."""
    try:
        data = signing.loads(cursor, salt=CURSOR_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("p") != posyandu.pk:
        return None
    try:
        return datetime.fromisoformat(str(data["t"]))
    except (KeyError, ValueError):
        return None


def mask_nik(nik: str | None) -> str:
    """The first 6 digits (the kecamatan) and the last 4; enough to tell people apart."""
    if not nik:
        return ""
    return nik[:6] + "*" * max(0, len(nik) - 10) + nik[-4:] if len(nik) > 10 else "*" * len(nik)


def _mask_phone(phone: str) -> str:
    return "*" * max(0, len(phone) - 4) + phone[-4:] if phone else ""


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _id(value: Any) -> str | None:
    return str(value) if value is not None else None


def person_row(p: Sasaran, today: date, pregnant: bool = False) -> dict[str, Any]:
    return {
        "id": str(p.public_id),
        "version": p.version,
        "nama": p.nama,
        "nik_masked": mask_nik(p.nik),
        "has_nik": bool(p.nik),
        "jenis_kelamin": p.jenis_kelamin,
        "tanggal_lahir": p.tanggal_lahir.isoformat(),
        "tanggal_lahir_perkiraan": p.tanggal_lahir_perkiraan,
        "nama_ibu": p.nama_ibu,
        "ibu_id": _id(p.ibu.public_id) if p.ibu is not None else None,
        "keluarga_id": _id(p.keluarga.public_id) if p.keluarga is not None else None,
        "rt": p.rt,
        "rw": p.rw,
        "telepon_masked": _mask_phone(p.telepon),
        "berat_lahir_g": p.berat_lahir_g,
        "life_stage": str(life_stage(p.tanggal_lahir, today, pregnant=pregnant)),
        "status": p.status,
        "punya_buku_kia": p.punya_buku_kia,
        "pregnant": pregnant,
    }


def measurement_row(m: Pengukuran, person_ids: dict[int, str]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": str(m.public_id),
        "version": m.version,
        "sasaran_id": person_ids.get(m.sasaran_id),
        "kunjungan_id": _id(m.kunjungan.public_id) if m.kunjungan is not None else None,
        **{name: _plain(getattr(m, name)) for name in MEASUREMENT_FIELDS},
        "voided": m.deleted_at is not None,
    }
    for name, short in SHORT_NAMES.items():
        row[short] = row[name] if row[name] != "" else None
    return row


def _changed(qs: QuerySet, since: datetime | None) -> QuerySet:
    return qs if since is None else qs.filter(updated_at__gte=since - CURSOR_OVERLAP)


def _removed(qs: QuerySet, since: datetime) -> list[str]:
    """Ids of rows of `qs` (all_objects) voided since the cursor."""
    rows = qs.filter(deleted_at__gte=since - CURSOR_OVERLAP).values_list("public_id", flat=True)
    return [str(x) for x in rows]


def _last_per_person(rows: Iterable[Pengukuran], n: int) -> list[Pengukuran]:
    kept: dict[int, int] = defaultdict(int)
    out = []
    for m in rows:
        if kept[m.sasaran_id] < n:
            kept[m.sasaran_id] += 1
            out.append(m)
    return out


def _moved_away(posyandu: Posyandu, since: datetime, here: set[str]) -> list[str]:
    """People whose Posyandu changed since the cursor and who are no longer here (their
    audit events name the change; only the ids leave, nothing about them)."""
    events = AuditEvent.objects.filter(
        model=Sasaran._meta.label,
        at__gte=since - CURSOR_OVERLAP,
        wilayah_kode=posyandu.desa_id,
    ).values_list("object_id", "metadata")
    moved = {oid for oid, meta in events if "posyandu_id" in (meta or {}).get("fields", [])}
    return sorted(moved - here)


def _catalogs(posyandu: Posyandu, today: date) -> dict[str, Any]:
    since = today - timedelta(days=365)
    services = LayananDiberikan.objects.filter(
        kunjungan__sesi__posyandu=posyandu, kunjungan__sesi__tanggal__gte=since
    )
    topics = Penyuluhan.objects.filter(
        kunjungan__sesi__posyandu=posyandu, kunjungan__sesi__tanggal__gte=since
    )
    rules = {f"{app}/{name}": load_rule(app, name) for app, name in RULES}
    return {
        "services_catalog": [
            {"kode": j, "label": j} for j in sorted(set(services.values_list("jenis", flat=True)))
        ],
        "education_catalog": [
            {"kode": t, "label": t} for t in sorted(set(topics.values_list("topik", flat=True)))
        ],
        "screenings_catalog": screening_engine.default_definitions(),
        "danger_signs": [
            {"kode": code, "label": danger.label(code)} for code in sorted(danger.all_codes())
        ],
        "referral_reasons": [
            {"kode": code, "label": referral_rules.reason_label(code)}
            for code in sorted(referral_rules.LABELS)
        ],
        "rules": {key: rule.data for key, rule in rules.items()},
        "rules_versions": {key: rule.version for key, rule in rules.items()},
        # where the device engine's tables and rules are, and their versions
        "engine": {**engine_manifest(), "growth_engine": engine_version()},
    }


def package_build(
    *, user: Any, posyandu: Posyandu, since: datetime | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """The package for `posyandu` (already checked visible to `user`): full, or the delta
    since a cursor's time. Audited: one export event with the row counts."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    people_all = restrict(Sasaran.all_objects.filter(posyandu=posyandu), user)
    present = people_all.filter(deleted_at__isnull=True, status=Sasaran.Status.AKTIF)
    person_ids = dict(people_all.values_list("pk", "public_id"))
    person_ids = {k: str(v) for k, v in person_ids.items()}
    here = {person_ids[pk] for pk in present.values_list("pk", flat=True)}

    people_changed = _changed(present, since).prefetch_related("ibu", "keluarga").order_by("nama")
    pregnant = _pregnant_ids(present, today)
    people = [person_row(p, today, p.pk in pregnant) for p in people_changed]

    measurements_qs = (
        Pengukuran.objects.filter(sasaran__in=present)
        .select_related("kunjungan")
        .order_by("sasaran_id", "-tanggal", "-created_at")
    )
    if since is None:
        measured = _last_per_person(measurements_qs, MEASUREMENTS_PER_PERSON)
    else:
        measured = list(_changed(measurements_qs, since))
    measurements = [measurement_row(m, person_ids) for m in measured]

    sessions_qs = restrict(
        Sesi.objects.filter(posyandu=posyandu, tanggal__gte=today - timedelta(days=SESSION_DAYS)),
        user,
    )
    sessions = [
        {
            "id": str(s.public_id),
            "version": s.version,
            "tanggal": s.tanggal.isoformat(),
            "status": s.status,
        }
        for s in _changed(sessions_qs, since).order_by("tanggal")
    ]
    visits_qs = Kunjungan.objects.filter(sesi__in=sessions_qs, sasaran__in=people_all)
    checkins = [
        {
            "id": str(k.public_id),
            "version": k.version,
            "sesi_id": str(k.sesi.public_id),
            "sasaran_id": person_ids.get(k.sasaran_id),
            "langkah": k.langkah,
        }
        for k in _changed(visits_qs, since).select_related("sesi")
    ]
    services = [
        {
            "id": str(r.public_id),
            "version": r.version,
            "kunjungan_id": str(r.kunjungan.public_id),
            "jenis": r.jenis,
            "keterangan": r.keterangan,
        }
        for r in _changed(
            LayananDiberikan.objects.filter(kunjungan__in=visits_qs), since
        ).select_related("kunjungan")
    ]
    education = [
        {
            "id": str(r.public_id),
            "version": r.version,
            "kunjungan_id": str(r.kunjungan.public_id),
            "topik": r.topik,
        }
        for r in _changed(Penyuluhan.objects.filter(kunjungan__in=visits_qs), since).select_related(
            "kunjungan"
        )
    ]
    doses = [
        {
            "id": str(d.public_id),
            "version": d.version,
            "sasaran_id": person_ids.get(d.sasaran_id),
            "vaksin": d.vaksin,
            "tanggal": d.tanggal.isoformat(),
            "di_luar_jadwal": d.di_luar_jadwal,
        }
        for d in _changed(Imunisasi.objects.filter(sasaran__in=present), since).order_by("tanggal")
    ]
    screenings = [
        {
            "id": str(h.public_id),
            "version": h.version,
            "sasaran_id": person_ids.get(h.sasaran_id),
            "kunjungan_id": _id(h.kunjungan.public_id) if h.kunjungan_id else None,
            "definisi": h.definisi,
            "tanggal": h.tanggal.isoformat(),
            "kategori": h.kategori,
            "perlu_rujuk": h.perlu_rujuk,
        }
        for h in _changed(
            HasilSkrining.objects.filter(
                sasaran__in=present, tanggal__gte=today - timedelta(days=SCREENING_DAYS)
            ),
            since,
        ).select_related("kunjungan")
    ]
    referrals = [
        {
            "id": str(r.public_id),
            "version": r.version,
            "sasaran_id": person_ids.get(r.sasaran_id),
            "tanggal": r.tanggal.isoformat(),
            "alasan": r.alasan,
            "status": r.status,
            "hasil": r.hasil,
        }
        for r in _changed(
            Rujukan.objects.filter(sasaran__in=present).filter(
                Q(tanggal__gte=today - timedelta(days=REFERRAL_DAYS))
                | ~Q(status=Rujukan.Status.SELESAI)
            ),
            since,
        )
    ]
    # Derived lists (due doses, open tasks) are small and change with the day: always whole.
    due = _due(present, today, person_ids)
    tasks = [
        {
            "id": str(t.public_id),
            "sasaran_id": person_ids.get(t.sasaran_id),
            "jenis": t.aturan,
            "label": t.reason,
            "due": t.jatuh_tempo.isoformat(),
            "prioritas": t.prioritas,
        }
        for t in open_tasks(user=user, today=today, mine=False, posyandu_id=posyandu.pk)
    ]
    jadwal = Jadwal.objects.filter(posyandu=posyandu).first()
    body: dict[str, Any] = {
        "format": FORMAT,
        "cursor": cursor_make(posyandu, now),
        "full": since is None,
        "generated_at": now.isoformat(),
        "expires_at": (now + timedelta(days=settings.OFFLINE_MAX_DAYS)).isoformat(),
        "offline_max_days": settings.OFFLINE_MAX_DAYS,
        "user": {"username": user.get_username(), "name": user.get_full_name() or ""},
        "device_id_hint": None,
        "posyandu": {
            "id": str(posyandu.public_id),
            "nama": posyandu.nama,
            "kode": posyandu.kode,
            "desa": posyandu.desa.nama,
            "desa_kode": posyandu.desa_id,
            "puskesmas": (
                {"id": str(posyandu.puskesmas.public_id), "nama": posyandu.puskesmas.nama}
                if posyandu.puskesmas_id
                else None
            ),
        },
        "jadwal": _planned(posyandu, today),
        "jadwal_aturan": _jadwal_row(jadwal),
        "sesi": sessions,
        "people": people,
        "checkins": checkins,
        "measurements": measurements,
        "doses": doses,
        "due": due,
        "services": services,
        "education": education,
        "screenings": screenings,
        "referrals": referrals,
        "tasks": tasks,
    }
    if since is None:
        body.update(_catalogs(posyandu, today))
    else:
        body["removed"] = _removed_since(posyandu, people_all, here, since, today)
    counts = {k: len(v) for k, v in body.items() if isinstance(v, list)}
    log(
        AuditEvent.Action.EXPORT,
        model="sinkron.Paket",
        object_id=str(posyandu.public_id),
        wilayah_kode=posyandu.desa_id,
        metadata={"full": since is None, "rows": counts},
        user=user,
    )
    return body


def _pregnant_ids(people: QuerySet[Sasaran], today: date) -> set[int]:
    """Women whose maternal state says pregnant (asked per woman of childbearing age only)."""
    found = set()
    women = people.filter(jenis_kelamin="P").exclude(born_in_q(BALITA, today))
    for woman in women.only("pk", "tanggal_lahir", "desa_id"):
        if life_stage_of_person(woman, today) == "ibu_hamil":
            found.add(woman.pk)
    return found


def life_stage_of_person(person: Sasaran, today: date) -> str:
    return str(life_stage_of(person, today))  # asks kia through the registry


def _due(people: QuerySet[Sasaran], today: date, person_ids: dict[int, str]) -> list[dict]:
    children = people.filter(born_in_q(BALITA, today))
    out = []
    for pk, statuses in child_statuses(children, today).items():
        for d in statuses:
            if d.actionable:
                out.append(
                    {
                        "sasaran_id": person_ids.get(pk),
                        "vaksin": d.code,
                        "label": d.vaccine,
                        "status": d.status,
                        "from": _plain(d.earliest),
                        "until": _plain(d.latest),
                    }
                )
    return out


def _planned(posyandu: Posyandu, today: date) -> list[dict[str, str]]:
    days = []
    after = today - timedelta(days=1)
    for _n in range(3):
        nxt = next_session_date(posyandu, after)
        if nxt is None:
            break
        days.append({"tanggal": nxt.isoformat()})
        after = nxt
    return days


def _jadwal_row(jadwal: Any) -> dict[str, Any] | None:
    if jadwal is None:
        return None
    return {
        "tanggal": jadwal.tanggal,
        "minggu_ke": jadwal.minggu_ke,
        "hari": jadwal.hari,
        "jam_mulai": jadwal.jam_mulai.isoformat() if jadwal.jam_mulai else None,
        "tempat": jadwal.tempat,
    }


def _removed_since(
    posyandu: Posyandu, people_all: QuerySet[Sasaran], here: set[str], since: datetime, today: date
) -> dict[str, list[str]]:
    gone_people = people_all.filter(
        Q(deleted_at__isnull=False) | ~Q(status=Sasaran.Status.AKTIF),
        updated_at__gte=since - CURSOR_OVERLAP,
    ).values_list("public_id", flat=True)
    people_ids = people_all.values_list("pk", flat=True)
    return {
        "people": sorted({str(x) for x in gone_people} | set(_moved_away(posyandu, since, here))),
        "measurements": _removed(Pengukuran.all_objects.filter(sasaran__in=people_ids), since),
        "checkins": _removed(Kunjungan.all_objects.filter(sesi__posyandu=posyandu), since),
        "services": _removed(
            LayananDiberikan.all_objects.filter(kunjungan__sesi__posyandu=posyandu), since
        ),
        "education": _removed(
            Penyuluhan.all_objects.filter(kunjungan__sesi__posyandu=posyandu), since
        ),
        "doses": _removed(Imunisasi.all_objects.filter(sasaran__in=people_ids), since),
        "screenings": _removed(HasilSkrining.all_objects.filter(sasaran__in=people_ids), since),
        "referrals": _removed(Rujukan.all_objects.filter(sasaran__in=people_ids), since),
        "sesi": _removed(Sesi.all_objects.filter(posyandu=posyandu), since),
    }
