"""Demo step: pregnancies at every stage (with ANC visits and risks), recent deliveries."""

import random
from datetime import date, timedelta

from posyandu.audit.recorder import log
from posyandu.kia import rules_kia
from posyandu.kia.models import Kehamilan, KunjunganAnc, KunjunganNifas, Persalinan
from posyandu.sasaran.life_stage import completed_years
from posyandu.sasaran.models import Sasaran


def seed(rng: random.Random, today: date) -> dict[str, int]:
    women = list(
        Sasaran.objects.filter(
            jenis_kelamin="P",
            tanggal_lahir__lte=today - timedelta(days=17 * 365),
            tanggal_lahir__gt=today - timedelta(days=44 * 365),
        ).only("id", "tanggal_lahir")
    )
    chosen = [w for w in women if rng.random() < 0.07]
    pregnancies, visits, deliveries, nifas = [], [], [], []
    for woman in chosen:
        delivered = rng.random() < 0.25
        hpht = today - timedelta(days=rng.randint(290, 320) if delivered else rng.randint(35, 285))
        paritas = rng.choice([0, 0, 1, 1, 2, 3, 4])
        last = hpht - timedelta(days=rng.randint(300, 2000)) if paritas else None
        k = Kehamilan(
            sasaran_id=woman.id,
            tanggal_daftar=hpht + timedelta(days=rng.randint(30, 80)),
            hpht=hpht,
            dasar="hpht",
            hpl=rules_kia.hpl_naegele(hpht),
            gravida=paritas + 1,
            paritas=paritas,
            persalinan_terakhir=last,
            riwayat=["sc"] if paritas and rng.random() < 0.1 else [],
        )
        k._visits = []
        day = k.tanggal_daftar
        end = min(today, k.hpl - timedelta(days=3))
        lila = round(rng.gauss(25.5, 2.2), 1)
        sis = int(rng.gauss(115, 14))
        while day <= end:
            ga = rules_kia.gestational_age_days(day, hpl=k.hpl)
            k._visits.append(
                KunjunganAnc(
                    tanggal=day,
                    oleh_dokter=rng.random() < 0.3,
                    berat_kg=round(50 + ga / 30 + rng.random(), 1),
                    lila_cm=lila,
                    sistole=sis,
                    diastole=int(sis * 0.65),
                    ttd_tablet=30,
                    hb=round(rng.gauss(11.6, 1.0), 1),
                )
            )
            day += timedelta(days=rng.randint(28, 60) if rng.random() > 0.15 else 90)
        facts = {
            "umur_ibu": completed_years(woman.tanggal_lahir, hpht),
            "paritas": paritas,
            "riwayat": k.riwayat,
            "lila_cm": lila,
            "sistole": sis,
            "diastole": int(sis * 0.65),
            "hb": float(k._visits[-1].hb) if k._visits else None,
            "jarak_bulan": (hpht - last).days // 30 if last else None,
        }
        k.risiko = [r.code for r in rules_kia.risk_factors(facts)]
        if delivered:
            k.status, k.status_sejak = "bersalin", k.hpl + timedelta(days=rng.randint(-14, 7))
        pregnancies.append(k)
    Kehamilan.objects.bulk_create(pregnancies, batch_size=1000)
    for k in pregnancies:
        for v in k._visits:
            v.kehamilan_id = k.id
            visits.append(v)
        if k.status == "bersalin" and k.status_sejak <= today:
            deliveries.append(
                Persalinan(
                    kehamilan_id=k.id,
                    tanggal=k.status_sejak,
                    tempat="Puskesmas",
                    penolong="bidan",
                    berat_lahir_g=rng.randint(2400, 3900),
                )
            )
    KunjunganAnc.objects.bulk_create(visits, batch_size=2000)
    Persalinan.objects.bulk_create(deliveries, batch_size=1000)
    for p in deliveries:
        for kind in ("KF", "KN"):
            for w in rules_kia.load("nifas")[kind]:
                day = p.tanggal + timedelta(days=rng.randint(w["from"], w["to"]))
                if day <= today and rng.random() < 0.8:
                    nifas.append(
                        KunjunganNifas(persalinan_id=p.id, jenis=kind, ke=w["visit"], tanggal=day)
                    )
    KunjunganNifas.objects.bulk_create(nifas, batch_size=2000)
    counts = {
        "kehamilan": len(pregnancies),
        "kunjungan_anc": len(visits),
        "persalinan": len(deliveries),
        "kunjungan_nifas": len(nifas),
    }
    log("import", model="kia", metadata={"demo": True, **counts})
    return counts
