"""Demo step: residents of every demo Posyandu with 13 months of Posyandu days.

Children follow WHO distributions: each child draws a length-for-age z (mean -1.08, SD 1.1,
so about 20% are below -2 SD, the national stunting prevalence of SSGI 2024 ~19.8%) and a
weight-for-length z (mean -0.3, SD 1.0: about 5% wasted), which drift a little each month;
measurements are the WHO LMS values at those z. Some months are missed and some children
stop gaining weight (T, 2T). Families are spaced as real births (siblings 11+ months apart,
mothers 18-43 at each birth) and include school-age children and adolescents; the first
family of each Posyandu has a newborn (its mother is in nifas). Adults and elderly come to
some Posyandu days all year and are measured (blood pressure, weight, height, waist); young
wives without children yet are the maternal-care step's first pregnancies.
Everything is bulk-created; z-scores, categories and N/T/O/B come from the vectorized engine
so they equal what the engine (and the WHO software) gives for the stored values.
"""

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction

import growthstandards as gs
from growthstandards import kbm_array
from posyandu.audit.recorder import log
from posyandu.core.periods import add_months
from posyandu.demo.names import FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES
from posyandu.fasilitas.models import Posyandu
from posyandu.sasaran.life_stage import completed_months
from posyandu.sasaran.models import Keluarga, Persetujuan, Sasaran
from posyandu.sesi import plausibility
from posyandu.sesi.growth import INDICES_0_5, engine_version
from posyandu.sesi.models import Jadwal, Kunjungan, Pengukuran, Sesi

MONTHS = 13  # this month and the 12 before
CHILDREN_PER_POSYANDU = (8, 14)  # balita (0-59 months)
ADULTS_PER_POSYANDU = (2, 4)  # besides the mothers
ELDERLY_PER_POSYANDU = (4, 8)
YOUNG_WIVES_PER_POSYANDU = (1, 2)  # couples without children yet (first pregnancies)
ATTENDANCE = 0.85
STUNTING_MEAN, STUNTING_SD = -1.08, 1.1
WHZ_MEAN, WHZ_SD = -0.3, 1.0
DAYS_PER_MONTH = 30.4375
YEAR = 365
# What is measured at one visit (keys: k, child/adult, age, haz, whz, berat, td, ...)
VisitPlan = dict[str, Any]
# Birth-to-birth intervals: usually 18-48 months, one in ten shorter (11-17 months), never
# under ~10 months (a pregnancy and a few months). Mothers 18-31 at their first registered
# child and at most 43 at the last; children of 18 and over are not registered here.
BIRTH_GAP_DAYS, SHORT_GAP_DAYS = (18 * 30, 48 * 30), (11 * 30, 17 * 30)
MOTHER_FIRST_BIRTH_YEARS, MOTHER_LAST_BIRTH_YEARS = (18, 31), 43
# Share of a person's sessions they come to (drawn per person from this range).
ELDERLY_ATTENDANCE, ADULT_ATTENDANCE, MOTHER_SCREENING = (0.08, 0.4), (0.05, 0.25), 0.05


def _nik(kec: str, born: date, female: bool, used: set[str], rng: random.Random) -> str:
    day = born.day + (40 if female else 0)
    stem = f"{kec.replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}"
    while True:
        nik = f"{stem}{rng.randint(1, 9999):04d}"
        if nik not in used:
            used.add(nik)
            return nik


def _dates_of_sessions(today: date, day: int) -> list[date]:
    out = []
    for back in range(MONTHS - 1, -1, -1):
        d = add_months(today.replace(day=min(day, 28)), -back)
        if d <= today:
            out.append(d)
    return out


def _family_births(
    rng: random.Random, today: date, newborn: bool, teen: bool
) -> tuple[date, list[date]]:
    """The mother's birth date and her registered children's, oldest first: the youngest is
    a balita (a newborn of 3-35 days when `newborn`), siblings are spaced as real births;
    with `teen` the eldest is an adolescent (12-17 years)."""
    if newborn:
        youngest = today - timedelta(days=rng.randint(3, 35))
    else:
        # Skewed young: with the older siblings, balita ages come out about even.
        young = rng.random() < 0.4
        days = rng.triangular(0, 59 * 30, 0) if young else rng.uniform(0, 59 * 30)
        youngest = today - timedelta(days=int(days))
    births = [youngest]
    more = rng.choice([0, 1, 2]) if newborn else rng.choice([0, 0, 1, 1, 1, 2, 2, 3])
    for _ in range(more):
        gap = rng.randint(*SHORT_GAP_DAYS) if rng.random() < 0.1 else rng.randint(*BIRTH_GAP_DAYS)
        older = births[-1] - timedelta(days=gap)
        if (today - older).days >= 18 * YEAR:
            break
        births.append(older)
    if teen and (today - births[-1]).days < 12 * YEAR:
        eldest = today - timedelta(days=rng.randint(12 * YEAR, 17 * YEAR))
        births.append(min(eldest, births[-1] - timedelta(days=rng.randint(*BIRTH_GAP_DAYS))))
    age_first = rng.randint(MOTHER_FIRST_BIRTH_YEARS[0] * YEAR, MOTHER_FIRST_BIRTH_YEARS[1] * YEAR)
    while (
        len(births) > 1
        and not teen
        and age_first + (youngest - births[-1]).days > MOTHER_LAST_BIRTH_YEARS * YEAR
    ):
        births.pop()
    span = (youngest - births[-1]).days
    age_first = max(
        MOTHER_FIRST_BIRTH_YEARS[0] * YEAR, min(age_first, MOTHER_LAST_BIRTH_YEARS * YEAR - span)
    )
    return births[-1] - timedelta(days=age_first), births[::-1]


@transaction.atomic
def seed(rng: random.Random, today: date) -> dict[str, int]:
    nprng = np.random.default_rng(rng.randint(0, 2**31))
    posyandu_list = list(Posyandu.objects.select_related("desa").order_by("id"))
    used_nik: set[str] = set()
    jadwal, sesi_rows, keluarga_rows = [], [], []
    mothers, children, others = [], [], []  # Sasaran (unsaved)
    child_plan = []  # (child index, posyandu index, haz, whz, stall month or -1)
    families: list[tuple[int, date, list[date]]] = []  # (posyandu index, mother, births)
    for pi, p in enumerate(posyandu_list):
        day = rng.randint(5, 25)
        jadwal.append(
            Jadwal(posyandu=p, tanggal=day, tempat=f"Balai {p.wilayah_layanan or p.desa.nama}")
        )
        for d in _dates_of_sessions(today, day):
            sesi_rows.append(
                Sesi(
                    posyandu=p,
                    tanggal=d,
                    status="selesai" if d < today else "buka",
                    kader_hadir=rng.randint(3, 6),
                    nakes_hadir=rng.random() < 0.6,
                )
            )
        kec = p.desa_id[:8]
        n_children = rng.randint(*CHILDREN_PER_POSYANDU)
        made = 0
        first_family = len(families)
        while made < n_children:
            # The first family has a newborn (its mother is in nifas), the second an
            # adolescent, whatever the draws give the others.
            mother_born, births = _family_births(
                rng, today, newborn=made == 0, teen=len(families) == first_family + 1
            )
            made += sum((today - b).days < 59 * 30 for b in births)
            families.append((pi, mother_born, births))
        for _ in range(rng.randint(*YOUNG_WIVES_PER_POSYANDU)):  # couples, no children yet
            families.append((pi, today - timedelta(days=rng.randint(19 * YEAR, 30 * YEAR)), []))
        kinds = ["dewasa"] * rng.randint(*ADULTS_PER_POSYANDU)
        kinds += ["lansia"] * rng.randint(*ELDERLY_PER_POSYANDU)
        for kind in kinds:
            female = rng.random() < 0.6
            years = rng.randint(20, 58) if kind == "dewasa" else rng.randint(60, 85)
            born = today - timedelta(days=years * 365 + rng.randint(0, 364))
            others.append(
                Sasaran(
                    posyandu=p,
                    desa_id=p.desa_id,
                    jenis_kelamin="P" if female else "L",
                    nama=_name(rng, female),
                    tanggal_lahir=born,
                    nik=_nik(kec, born, female, used_nik, rng),
                )
            )

    for pi, mother_born, births in families:
        p = posyandu_list[pi]
        kec = p.desa_id[:8]
        family = rng.choice(FAMILY_NAMES)
        mother_name = f"{rng.choice(FEMALE_NAMES)} {family}"
        keluarga_rows.append(
            Keluarga(
                posyandu=p,
                desa_id=p.desa_id,
                kepala_keluarga=f"{rng.choice(MALE_NAMES)} {family}",
                rt=f"{rng.randint(1, 12):03d}",
                rw=f"{rng.randint(1, 8):03d}",
            )
        )
        mothers.append(
            (
                len(keluarga_rows) - 1,
                Sasaran(
                    posyandu=p,
                    desa_id=p.desa_id,
                    nama=mother_name,
                    jenis_kelamin="P",
                    tanggal_lahir=mother_born,
                    nik=_nik(kec, mother_born, True, used_nik, rng),
                    telepon=f"08{rng.randint(11, 99)}{rng.randint(10_000_000, 99_999_999)}",
                ),
            )
        )
        for born in births:
            female = rng.random() < 0.49
            first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
            balita = (today - born).days < 59 * 30
            children.append(
                (
                    len(mothers) - 1,
                    Sasaran(
                        posyandu=p,
                        desa_id=p.desa_id,
                        nama=f"{first} {family}",
                        jenis_kelamin="P" if female else "L",
                        tanggal_lahir=born,
                        nama_ibu=mother_name,
                        nik=_nik(kec, born, female, used_nik, rng)
                        if rng.random() < (0.6 if balita else 0.95)
                        else None,
                        tanggal_lahir_perkiraan=rng.random() < 0.03,
                        punya_buku_kia=rng.random() < 0.92,
                    ),
                )
            )
            child_plan.append(
                (
                    len(children) - 1,
                    pi,
                    float(nprng.normal(STUNTING_MEAN, STUNTING_SD)),
                    float(nprng.normal(WHZ_MEAN, WHZ_SD)),
                    rng.randint(1, MONTHS - 3) if rng.random() < 0.12 else -1,
                )
            )

    Jadwal.objects.bulk_create(jadwal)
    sesi_rows = Sesi.objects.bulk_create(sesi_rows)
    keluarga_rows = Keluarga.objects.bulk_create(keluarga_rows)
    for ki, m in mothers:
        m.keluarga = keluarga_rows[ki]
    Sasaran.objects.bulk_create([m for _, m in mothers])
    for mi, c in children:
        c.ibu = mothers[mi][1]
        c.keluarga = mothers[mi][1].keluarga
    Sasaran.objects.bulk_create([c for _, c in children])
    Sasaran.objects.bulk_create(others)
    consents = [
        Persetujuan(
            sasaran=s,
            diberikan_oleh=s.nama_ibu or s.nama,
            hubungan="ibu" if s.nama_ibu else "diri sendiri",
            tanggal=s.created_at.date(),
            tujuan=["pelayanan", "pelaporan"],
        )
        for s in [m for _, m in mothers] + [c for _, c in children] + others
    ]
    Persetujuan.objects.bulk_create(consents, batch_size=2000)

    sessions_of: dict[int, list[Sesi]] = {}
    for s in sesi_rows:
        sessions_of.setdefault(s.posyandu_id, []).append(s)
    kunjungan, plan = _child_visits(child_plan, children, posyandu_list, sessions_of, nprng)
    kunjungan += _adult_visits(mothers, others, sessions_of, rng, plan, today)
    Kunjungan.objects.bulk_create(kunjungan, batch_size=2000)
    pengukuran = _measurements(plan)
    Pengukuran.objects.bulk_create(pengukuran, batch_size=2000)
    counts = {
        "keluarga": len(keluarga_rows),
        "sasaran": len(mothers) + len(children) + len(others),
        "balita": sum((today - c.tanggal_lahir).days < 59 * 30 for _, c in children),
        "sesi": len(sesi_rows),
        "kunjungan": len(kunjungan),
        "pengukuran": len(pengukuran),
    }
    log("import", model="sesi.demo", metadata=counts)
    return counts


def _child_visits(
    child_plan: list[tuple[int, int, float, float, int]],
    children: list[tuple[int, Sasaran]],
    posyandu_list: list[Posyandu],
    sessions_of: dict[int, list[Sesi]],
    nprng: np.random.Generator,
) -> tuple[list[Kunjungan], list[VisitPlan]]:
    """Which child comes to which session, with the measurement plan of each visit."""
    visits: list[Kunjungan] = []
    plan: list[VisitPlan] = []
    for ci, pi, haz, whz, stall in child_plan:
        child = children[ci][1]
        sessions = sessions_of[posyandu_list[pi].pk]
        drift_h = nprng.normal(0, 0.08, len(sessions)).cumsum()
        drift_w = nprng.normal(0, 0.15, len(sessions)).cumsum()
        for si, s in enumerate(sessions):
            age = (s.tanggal - child.tanggal_lahir).days
            if age < 0 or age / DAYS_PER_MONTH >= 60 or nprng.random() > ATTENDANCE:
                continue
            k = Kunjungan(sesi=s, sasaran=child, langkah=5 if nprng.random() < 0.5 else 3)
            visits.append(k)
            flat = stall >= 0 and si in (stall, stall + 1)  # two months without gain: 2T
            plan.append(
                {
                    "k": k,
                    "child": child,
                    "age": age,
                    "haz": haz + drift_h[si],
                    "whz": whz + drift_w[si],
                    "flat": flat,
                    "si": si,
                }
            )
    return visits, plan


def _adult_visits(
    mothers: list[tuple[int, Sasaran]],
    others: list[Sasaran],
    sessions_of: dict[int, list[Sesi]],
    rng: random.Random,
    plan: list[VisitPlan],
    today: date,
) -> list[Kunjungan]:
    """Adults and elderly come to some Posyandu days all year (each with a usual blood
    pressure and body size); mothers now and then come for their own check. Pregnant women's
    visits are the maternal-care step's (ANC at the Posyandu)."""
    visits: list[Kunjungan] = []
    people = [
        (o, ELDERLY_ATTENDANCE if _years(o, today) >= 60 else ADULT_ATTENDANCE) for o in others
    ]
    people += [(m, (MOTHER_SCREENING, MOTHER_SCREENING)) for _, m in mothers]
    for person, (low, high) in people:
        share = rng.uniform(low, high)
        sessions = [s for s in sessions_of[person.posyandu_id] if rng.random() < share]
        if not sessions:
            continue
        years = _years(person, today)
        female = person.jenis_kelamin == "P"
        hypertensive = rng.random() < (0.08 if years < 40 else 0.3 if years < 60 else 0.45)
        usual_sis = (
            rng.gauss(150, 12) if hypertensive else rng.gauss(112 + max(years - 30, 0) * 0.3, 9)
        )
        usual_dia = usual_sis * 0.62 + rng.gauss(0, 5)
        height = round(rng.gauss(152 if female else 163, 6), 1)
        weight = max(rng.gauss(57 if female else 62, 10), 36)
        waist = 80 + (weight / (height / 100) ** 2 - 22) * 2.2 + rng.gauss(0, 4)
        for s in sessions:
            k = Kunjungan(sesi=s, sasaran=person, langkah=4)
            visits.append(k)
            sis = int(usual_sis + rng.gauss(0, 7))
            plan.append(
                {
                    "k": k,
                    "adult": True,
                    "berat": round(weight + rng.gauss(0, 0.7), 1),
                    "tinggi": height,
                    "perut": round(waist + rng.gauss(0, 1.5), 1),
                    "td": (
                        min(max(sis, 85), 220),
                        min(max(int(usual_dia + rng.gauss(0, 5)), 50), 130),
                    ),
                }
            )
    return visits


def _years(person: Sasaran, today: date) -> int:
    return completed_months(person.tanggal_lahir, today) // 12


def _measurements(plan: list[VisitPlan]) -> list[Pengukuran]:
    kids = [v for v in plan if not v.get("adult")]
    adults = [v for v in plan if v.get("adult")]
    out = _child_measurements(kids)
    for v in adults:
        td = v["td"]
        out.append(
            Pengukuran(
                sasaran=v["k"].sasaran,
                tanggal=v["k"].sesi.tanggal,
                kunjungan=v["k"],
                berat_kg=Decimal(str(v["berat"])),
                lila_cm=_d(v.get("lila")),
                tinggi_cm=_d(v.get("tinggi")),
                lingkar_perut_cm=_d(v.get("perut")),
                sistole=td[0],
                diastole=td[1],
                umur_hari=(v["k"].sesi.tanggal - v["k"].sasaran.tanggal_lahir).days,
            )
        )
    return out


def _d(x: float | None) -> Decimal | None:
    return None if x is None else Decimal(str(x))


def _child_measurements(kids: list[VisitPlan]) -> list[Pengukuran]:
    if not kids:
        return []
    sex = np.array([1 if v["child"].jenis_kelamin == "L" else 2 for v in kids])
    age = np.array([v["age"] for v in kids], dtype=np.float64)
    haz = np.array([v["haz"] for v in kids])
    whz = np.array([v["whz"] for v in kids])
    standing = age >= 731
    length = np.empty(len(kids))
    weight = np.empty(len(kids))
    for s in (1, 2):
        m = sex == s
        c = gs.sd_curves("lhfa", s, age[m])
        length[m] = c["M"] * (1 + c["S"] * haz[m])
        for ind, sel in (("wfl", ~standing), ("wfh", standing)):
            mm = m & sel
            lo, hi = (45.0, 110.0) if ind == "wfl" else (65.0, 120.0)
            grid = np.clip(np.round(length[mm], 1), lo, hi)
            c = gs.sd_curves(ind, s, grid)
            weight[mm] = c["M"] * (1 + c["L"] * c["S"] * whz[mm]) ** (1 / c["L"])
    length = np.round(length, 1)
    weight = np.round(weight, 1)
    # Children who stop gaining: this month's weight stays at last month's.
    order = sorted(range(len(kids)), key=lambda i: (id(kids[i]["child"]), kids[i]["si"]))
    last_by_child: dict[int, tuple[int, float]] = {}
    for i in order:
        key = id(kids[i]["child"])
        if kids[i]["flat"] and key in last_by_child and last_by_child[key][0] == kids[i]["si"] - 1:
            weight[i] = last_by_child[key][1]
        last_by_child[key] = (kids[i]["si"], weight[i])
    measure = np.where(standing, "h", "l")
    res = gs.who2006_zscores(sex, age, weight, length, measure, None, None, None, None, None)
    cats = {index: gs.classify_array(index, res.z[key]) for index, key in INDICES_0_5.items()}
    codes = {index: [c.code for c in gs.categories(index)] for index in INDICES_0_5}

    # N/T/O/B against the previous calendar month (session months are consecutive here).
    prev_w = np.full(len(kids), np.nan)
    before = np.zeros(len(kids), dtype=bool)
    prev_idx = np.full(len(kids), -1)
    seen: dict[int, int] = {}
    for i in order:
        key = id(kids[i]["child"])
        j = seen.get(key)
        if j is not None:
            before[i] = True
            prev_idx[i] = j
            if (
                kids[j]["k"].sesi.tanggal.month
                == (kids[i]["k"].sesi.tanggal.replace(day=1) - timedelta(days=1)).month
            ):
                prev_w[i] = weight[j]
        seen[key] = i
    months = np.array(
        [completed_months(v["child"].tanggal_lahir, v["k"].sesi.tanggal) for v in kids]
    )
    status = gs.weight_gain_status(weight, prev_w, months, before)
    kbm = kbm_array()[np.clip(months, 0, 60)]
    version = engine_version()
    window = plausibility.rules()["window_days"]
    rules = plausibility.rules()["rules"]
    out = []
    for i, v in enumerate(kids):
        row = res.row(i)
        reasons = [f"who_flag:{f}" for f in plausibility.WHO_FLAGS if row.get(f)]
        j = prev_idx[i]
        if j >= 0:
            days = (v["k"].sesi.tanggal - kids[j]["k"].sesi.tanggal).days
            if 0 < days <= window:
                mo = max(days / DAYS_PER_MONTH, 1.0)
                if weight[i] < weight[j] * (1 - rules["bb_turun"]["max_loss_pct"] / 100):
                    reasons.append("bb_turun")
                if weight[i] - weight[j] > rules["bb_naik"]["max_gain_kg_per_month"] * mo:
                    reasons.append("bb_naik")
                li = length[i] + (0.7 if standing[i] else 0)
                lj = length[j] + (0.7 if standing[j] else 0)
                if lj - li > rules["pb_turun"]["max_loss_cm"]:
                    reasons.append("pb_turun")
                if li - lj > rules["pb_naik"]["max_gain_cm_per_month"] * mo:
                    reasons.append("pb_naik")
        kategori = {idx: codes[idx][cats[idx][i]] for idx in INDICES_0_5 if cats[idx][i] >= 0}
        out.append(
            Pengukuran(
                sasaran=v["child"],
                tanggal=v["k"].sesi.tanggal,
                kunjungan=v["k"],
                berat_kg=Decimal(f"{weight[i]:.1f}"),
                tinggi_cm=Decimal(f"{length[i]:.1f}"),
                cara_ukur=(
                    Pengukuran.CaraUkur.BERDIRI if standing[i] else Pengukuran.CaraUkur.TERLENTANG
                ),
                umur_hari=int(age[i]),
                zlen=row["zlen"],
                flen=_b(row["flen"]),
                zwei=row["zwei"],
                fwei=_b(row["fwei"]),
                zwfl=row["zwfl"],
                fwfl=_b(row["fwfl"]),
                zbmi=row["zbmi"],
                fbmi=_b(row["fbmi"]),
                kategori=kategori,
                status_bb=str(status[i]),
                kbm_g=int(kbm[i]) if months[i] <= 60 else None,
                perlu_cek_ulang=bool(reasons),
                alasan_cek_ulang=reasons,
                mesin_versi=version,
            )
        )
    return out


def _name(rng: random.Random, female: bool) -> str:
    return f"{rng.choice(FEMALE_NAMES if female else MALE_NAMES)} {rng.choice(FAMILY_NAMES)}"


def _b(flag: object) -> bool | None:
    return None if flag is None else bool(flag)
