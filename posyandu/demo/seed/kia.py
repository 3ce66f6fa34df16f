"""Demo step: the pregnancies behind the demo's children and the pregnancies of today.

- Every child born in the last 13 months has its mother's pregnancy: ANC visits by
  gestational age (K1-K6, some missed), the delivery on the child's birth date (the child is
  the delivery's baby) and KF/KN visits; the newest babies' mothers are in nifas today.
- Each Posyandu has women pregnant today (about 0.15 per balita, at least one) at every
  stage: young wives expecting their first child and mothers whose youngest is old enough
  (birth-to-birth at least 18 months), with the ANC visits made so far.
ANC by the bidan happens on the Posyandu day when one falls near (a visit and a maternal
measurement are recorded there); doctor visits (K1, K5) at the Puskesmas.
"""

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from posyandu.audit.recorder import log
from posyandu.kia import rules_kia
from posyandu.kia.models import Kehamilan, KunjunganAnc, KunjunganNifas, Persalinan
from posyandu.sasaran.life_stage import completed_years
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.models import Kunjungan, Pengukuran, Sesi

HISTORY_DAYS = 400  # children born since then have their mother's pregnancy recorded
PREGNANT_PER_BALITA = (0.1, 0.22)
MAX_PREGNANT = 3
MIN_BIRTH_TO_CONCEPTION = 270  # days: with the pregnancy, births at least ~18 months apart
# Target gestational age (days) of each ANC contact, K1-K6 (1 in T1, 2 in T2, 3 in T3).
ANC_PLAN = ((49, 84), (105, 125), (140, 165), (190, 205), (220, 240), (245, 262))
SNAP_DAYS = 12  # a bidan visit moves to the Posyandu day when one is this close


def seed(rng: random.Random, today: date) -> dict[str, int]:
    women = {
        w.id: w
        for w in Sasaran.objects.filter(
            jenis_kelamin="P", ibu__isnull=True, keluarga__isnull=False
        ).only("id", "tanggal_lahir", "posyandu_id")
    }
    births: dict[int, list[tuple[date, int]]] = defaultdict(list)
    balita: dict[int, int] = defaultdict(int)
    for cid, mother, born, posyandu in Sasaran.objects.filter(ibu_id__isnull=False).values_list(
        "id", "ibu_id", "tanggal_lahir", "posyandu_id"
    ):
        births[mother].append((born, cid))
        if (today - born).days < 59 * 30:
            balita[posyandu] += 1
    sessions: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for sid, pid, day in Sesi.objects.order_by("tanggal").values_list(
        "id", "posyandu_id", "tanggal"
    ):
        sessions[pid].append((day, sid))
    checked_in: dict[tuple[int, int], int | Kunjungan] = {
        (s, p): k
        for k, s, p in Kunjungan.objects.filter(
            sasaran__jenis_kelamin="P", sasaran__ibu__isnull=True, sasaran__keluarga__isnull=False
        ).values_list("id", "sesi_id", "sasaran_id")
    }
    # (woman, hpht, delivery date or None, baby id or None)
    plans: list[tuple[Sasaran, date, date | None, int | None]] = []
    for wid in sorted(births):
        for born, cid in sorted(births[wid]):
            if (today - born).days <= HISTORY_DAYS:
                hpht = born - timedelta(days=rng.randint(266, 287))
                plans.append((women[wid], hpht, born, cid))
    by_posyandu: dict[int, list[Sasaran]] = defaultdict(list)
    for w in women.values():
        by_posyandu[w.posyandu_id].append(w)
    for pid in sorted(by_posyandu):
        candidates = sorted(by_posyandu[pid], key=lambda w: w.id)
        rng.shuffle(candidates)
        want = min(MAX_PREGNANT, max(1, round(balita[pid] * rng.uniform(*PREGNANT_PER_BALITA))))
        # First pregnancies first, so even a small Posyandu has someone expecting.
        candidates.sort(key=lambda w: bool(births.get(w.id)))
        for w in candidates:
            if want == 0:
                break
            hpht = today - timedelta(days=rng.randint(42, 275))
            last = max((b for b, _ in births.get(w.id, [])), default=None)
            age = completed_years(w.tanggal_lahir, hpht)
            if not 17 <= age <= 42 or (last and (hpht - last).days < MIN_BIRTH_TO_CONCEPTION):
                continue
            plans.append((w, hpht, None, None))
            want -= 1

    pregnancies: list[Kehamilan] = []
    new_visits: list[Kunjungan] = []
    measures: list[Pengukuran] = []
    # per pregnancy: its ANC visits with the check-in they belong to (if any), and the baby
    planned: list[tuple[list[tuple[KunjunganAnc, int | Kunjungan | None]], int | None]] = []
    for woman, hpht, delivered, baby in plans:
        before = sorted(b for b, _ in births.get(woman.id, []) if b < hpht)
        k, visits = _pregnancy(
            woman, hpht, delivered, before, sessions[woman.posyandu_id], today, rng
        )
        linked: list[tuple[KunjunganAnc, int | Kunjungan | None]] = []
        for v, sesi_id in visits:
            if sesi_id is None:
                linked.append((v, None))
                continue
            key = (sesi_id, woman.id)
            if key not in checked_in:
                kunjungan = Kunjungan(sesi_id=sesi_id, sasaran_id=woman.id, langkah=5)
                new_visits.append(kunjungan)
                checked_in[key] = kunjungan
                measures.append(
                    Pengukuran(
                        sasaran_id=woman.id,
                        tanggal=v.tanggal,
                        kunjungan=kunjungan,
                        berat_kg=Decimal(str(v.berat_kg)),
                        lila_cm=Decimal(str(v.lila_cm)),
                        sistole=v.sistole,
                        diastole=v.diastole,
                        umur_hari=(v.tanggal - woman.tanggal_lahir).days,
                    )
                )
            linked.append((v, checked_in[key]))
        pregnancies.append(k)
        planned.append((linked, baby))
    Kunjungan.objects.bulk_create(new_visits, batch_size=2000)
    Pengukuran.objects.bulk_create(measures, batch_size=2000)
    Kehamilan.objects.bulk_create(pregnancies, batch_size=1000)
    anc, deliveries = [], []
    for k, (linked, baby) in zip(pregnancies, planned, strict=True):
        for v, checkin in linked:
            v.kehamilan_id = k.id
            if checkin is not None:
                v.kunjungan_id = checkin if isinstance(checkin, int) else checkin.id
            anc.append(v)
        if k.status == Kehamilan.Status.BERSALIN and k.status_sejak is not None:
            caesar = rng.random() < 0.15 or "sc" in k.riwayat
            deliveries.append(
                Persalinan(
                    kehamilan_id=k.id,
                    tanggal=k.status_sejak,
                    tempat=rng.choice(["Puskesmas", "Puskesmas", "Praktik Mandiri Bidan"])
                    if not caesar
                    else "Rumah Sakit",
                    penolong="dokter" if caesar else "bidan",
                    cara="sc" if caesar else "normal",
                    berat_lahir_g=int(rng.gauss(3100, 420)),
                    bayi_id=baby,
                )
            )
    KunjunganAnc.objects.bulk_create(anc, batch_size=2000)
    Persalinan.objects.bulk_create(deliveries, batch_size=1000)
    nifas = []
    windows = rules_kia.load("nifas")
    for p in deliveries:
        for kind in ("KF", "KN"):
            for w in windows[kind]:
                day = p.tanggal + timedelta(days=rng.randint(w["from"], w["to"]))
                if day <= today and rng.random() < 0.85:
                    nifas.append(
                        KunjunganNifas(persalinan_id=p.id, jenis=kind, ke=w["visit"], tanggal=day)
                    )
    KunjunganNifas.objects.bulk_create(nifas, batch_size=2000)
    counts = {
        "kehamilan": len(pregnancies),
        "hamil_sekarang": sum(k.status == Kehamilan.Status.HAMIL for k in pregnancies),
        "kunjungan_anc": len(anc),
        "persalinan": len(deliveries),
        "kunjungan_nifas": len(nifas),
    }
    log("import", model="kia", metadata={"demo": True, **counts})
    return counts


def _pregnancy(
    woman: Sasaran,
    hpht: date,
    born: date | None,
    before: list[date],
    sessions: list[tuple[date, int]],
    today: date,
    rng: random.Random,
) -> tuple[Kehamilan, list[tuple[KunjunganAnc, int | None]]]:
    """One pregnancy (delivered on `born`, or ongoing) and its ANC visits up to the end, each
    with the session it was made at (None: elsewhere)."""
    paritas = len(before)
    last = before[-1] if before else None
    hpl = rules_kia.hpl_naegele(hpht)
    end = min(today, (born or hpl) - timedelta(days=1))
    careful = rng.random()
    late_start = careful < 0.08  # first contact only in the second trimester
    lila = round(rng.gauss(25.5, 2.2), 1)
    sis = int(rng.gauss(113, 11))
    base = rng.gauss(52, 8)
    hb = rng.gauss(11.6, 1.0)
    visits: list[tuple[KunjunganAnc, int | None]] = []
    for n, (lo, hi) in enumerate(ANC_PLAN, start=1):
        if n == 1 and late_start:
            lo, hi = 100, 150
        elif n > 1 and rng.random() < (0.03 if careful > 0.25 else 0.25):
            continue  # missed
        day = hpht + timedelta(days=rng.randint(lo, hi))
        doctor = n in (1, 5) and rng.random() < 0.9
        tempat, sesi_id = ("Puskesmas", None) if doctor else _place(day, hpl, sessions, end, rng)
        if sesi_id is not None:
            day = next(d for d, s in sessions if s == sesi_id)
        if day > end or (visits and day <= visits[-1][0].tanggal):
            continue
        ga = (day - hpht).days
        v = KunjunganAnc(
            tanggal=day,
            oleh_dokter=doctor,
            tempat=tempat,
            berat_kg=round(base + max(ga - 84, 0) / 7 * 0.45, 1),
            lila_cm=lila,
            sistole=max(85, sis + int(rng.gauss(0, 6))),
            diastole=max(50, int(sis * 0.65 + rng.gauss(0, 4))),
            ttd_tablet=30,
            hb=round(hb + rng.gauss(0, 0.3), 1) if n in (1, 4) else None,
        )
        visits.append((v, sesi_id))
    if not visits and born is None and hpht + timedelta(days=42) <= end:
        # Registered recently: the first contact was made before the planned week.
        day = hpht + timedelta(days=rng.randint(42, (end - hpht).days))
        first = KunjunganAnc(
            tanggal=day,
            tempat="Pustu",
            berat_kg=round(base, 1),
            lila_cm=lila,
            sistole=sis,
            diastole=int(sis * 0.65),
            ttd_tablet=30,
            hb=round(hb, 1),
        )
        visits.append((first, None))
    visits.sort(key=lambda vs: vs[0].tanggal)
    k = Kehamilan(
        sasaran_id=woman.id,
        tanggal_daftar=visits[0][0].tanggal if visits else min(end, hpht + timedelta(days=60)),
        hpht=hpht,
        dasar="hpht",
        hpl=hpl,
        gravida=paritas + 1,
        paritas=paritas,
        persalinan_terakhir=last,
        tinggi_cm=Decimal(str(round(rng.gauss(152, 5), 1))),
        riwayat=["sc"] if paritas and rng.random() < 0.1 else [],
    )
    with_hb = [v.hb for v, _ in visits if v.hb is not None]
    facts = {
        "umur_ibu": completed_years(woman.tanggal_lahir, hpht),
        "paritas": paritas,
        "riwayat": k.riwayat,
        "lila_cm": lila,
        "sistole": visits[-1][0].sistole if visits else None,
        "diastole": visits[-1][0].diastole if visits else None,
        "hb": float(with_hb[-1]) if with_hb else None,
        "jarak_bulan": (hpht - last).days // 30 if last else None,
    }
    k.risiko = [r.code for r in rules_kia.risk_factors(facts)]
    k.risiko_versi = rules_kia.risk_version()
    if born is not None:
        k.status, k.status_sejak = Kehamilan.Status.BERSALIN, born
    return k, visits


def _place(
    day: date, hpl: date, sessions: list[tuple[date, int]], end: date, rng: random.Random
) -> tuple[str, int | None]:
    """The Posyandu day near `day` in the same trimester (most bidan visits), else elsewhere."""
    t = rules_kia.trimester(rules_kia.gestational_age_days(day, hpl=hpl))
    near = [
        (abs((d - day).days), s)
        for d, s in sessions
        if d <= end
        and abs((d - day).days) <= SNAP_DAYS
        and rules_kia.trimester(rules_kia.gestational_age_days(d, hpl=hpl)) == t
    ]
    if near and rng.random() < 0.8:
        return "Posyandu", min(near)[1]
    return rng.choice(["Pustu", "Puskesmas", "Praktik Mandiri Bidan"]), None
