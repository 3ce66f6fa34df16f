from datetime import date

import pytest

from posyandu.kia import rules_kia as r


@pytest.mark.parametrize(
    ("hpht", "hpl"),
    [
        (date(2025, 1, 25), date(2025, 11, 1)),  # +7 d = Feb 1, +9 m = Nov 1
        (date(2025, 6, 10), date(2026, 3, 17)),
        (date(2025, 5, 29), date(2026, 3, 5)),  # +7 d = Jun 5 -> Mar 5
        (date(2025, 5, 24), date(2026, 2, 28)),  # +7 d = May 31 -> Feb 28 (clamped)
    ],
)
def test_naegele(hpht, hpl):
    assert r.hpl_naegele(hpht) == hpl


def test_gestational_age_from_hpl_and_usg():
    hpl = r.hpl_naegele(date(2025, 1, 1))  # 2025-10-08 = 280 days after HPHT
    assert hpl == date(2025, 10, 8)
    assert r.weeks_days(r.gestational_age_days(date(2025, 3, 1), hpl=hpl)) == (8, 3)
    # scan on 1 March showing 10 weeks 2 days: HPL 280 - 72 = 208 days later
    usg_hpl = r.hpl_from_usg(date(2025, 3, 1), 10, 2)
    assert usg_hpl == date(2025, 9, 25)
    assert r.weeks_days(r.gestational_age_days(date(2025, 3, 1), hpl=usg_hpl)) == (10, 2)


@pytest.mark.parametrize(
    ("weeks", "days", "trimester"),
    [(0, 0, 1), (12, 6, 1), (13, 0, 2), (24, 6, 2), (25, 0, 3), (40, 0, 3)],
)
def test_trimester_boundaries(weeks, days, trimester):
    assert r.trimester(weeks * 7 + days) == trimester


HPL = date(2025, 10, 8)  # HPHT 2025-01-01
T1, T2, T3 = date(2025, 3, 1), date(2025, 5, 1), date(2025, 8, 1)


def test_k1_k6_trimester_rule_and_doctor_visits():
    visits = [r.AncVisit(T1, True), r.AncVisit(T2), r.AncVisit(date(2025, 6, 1))]
    visits += [r.AncVisit(T3), r.AncVisit(date(2025, 8, 20), True), r.AncVisit(date(2025, 9, 10))]
    ev = r.evaluate_anc(visits, hpl=HPL, on=date(2025, 9, 30))
    assert ev.per_trimester == (1, 2, 3) and ev.k6_lengkap and ev.missing == []
    # same six visits, but no doctor in T3: not complete
    no_doc = [r.AncVisit(v.tanggal, v.tanggal == T1) for v in visits]
    assert r.evaluate_anc(no_doc, hpl=HPL, on=date(2025, 9, 30)).k6_lengkap is False
    # six visits, wrong distribution (3 in T2, 2 in T3)
    skew = visits[:3] + [r.AncVisit(date(2025, 6, 15))] + visits[4:]
    ev = r.evaluate_anc(skew, hpl=HPL, on=date(2025, 9, 30))
    assert ev.per_trimester == (1, 3, 2) and not ev.k6_lengkap


def test_missed_anc_only_counts_trimesters_that_are_over():
    ev = r.evaluate_anc([], hpl=HPL, on=date(2025, 3, 1))
    assert ev.missing == []  # still in T1
    ev = r.evaluate_anc([r.AncVisit(T2)], hpl=HPL, on=date(2025, 5, 2))
    assert ev.missing == ["T1: 0/1", "dokter T1 (K1)"]
    ev = r.evaluate_anc([r.AncVisit(T1)], hpl=HPL, on=date(2025, 5, 2), version="buku-kia-2020")
    assert ev.missing == ["T1: 1/2", "dokter T1 (K1)"]


def test_risk_factors_with_reasons():
    risks = r.risk_factors(
        {
            "umur_ibu": 19,
            "paritas": 0,
            "lila_cm": 23.4,
            "sistole": 120,
            "diastole": 90,
            "hb": 11.0,
            "riwayat": [],
        }
    )
    assert [x.code for x in risks] == ["terlalu_muda", "kek", "hipertensi"]
    assert risks[2].detail == "diastole 90"
    assert (
        r.risk_factors(
            {
                "umur_ibu": 20,
                "lila_cm": 23.5,
                "sistole": 139,
                "diastole": 89,
                "hb": 11.0,
                "paritas": 3,
                "jarak_bulan": 24,
            }
        )
        == []
    )
    codes = [
        x.code
        for x in r.risk_factors(
            {"umur_ibu": 36, "paritas": 4, "jarak_bulan": 23, "hb": 10.9, "riwayat": ["sc"]}
        )
    ]
    assert codes == ["terlalu_tua", "terlalu_dekat", "terlalu_banyak", "anemia", "riwayat"]
    assert r.risk_factors({"umur_ibu": 35})[0:1] == []


@pytest.mark.parametrize(
    ("days", "kf", "kn"),
    [
        (0, 1, 1),
        (2, 1, 1),
        (3, 2, 2),
        (7, 2, 2),
        (8, 3, 3),
        (28, 3, 3),
        (29, 4, None),
        (42, 4, None),
        (43, None, None),
    ],
)
def test_kf_kn_windows(days, kf, kn):
    born = date(2025, 5, 1)
    on = date.fromordinal(born.toordinal() + days)
    assert r.nifas_window("KF", born, on) == kf
    assert r.nifas_window("KN", born, on) == kn


def test_nifas_schedule_statuses():
    sched = r.nifas_schedule("KF", date(2025, 5, 1), {1}, date(2025, 5, 10))
    assert [(x.visit, x.status) for x in sched] == [
        (1, "done"),
        (2, "missed"),
        (3, "due"),
        (4, "not_yet"),
    ]


def test_kek_is_the_risk_rule_lila_below_23_5():
    assert (r.kek(23.4), r.kek(23.5), r.kek(None)) == (True, False, False)
    assert r.kek_rule_text() == "LiLA < 23.5"
    assert r.risk_version() == "risiko_kehamilan@kmk-2015-2023-4t+ambang-batas@2023.1"
    # The hypertension cut-off comes from sesi/rules/ambang_batas.json: 140/90.
    assert [x.code for x in r.risk_factors({"sistole": 140, "diastole": 80})] == ["hipertensi"]
    assert r.risk_factors({"sistole": 139, "diastole": 89}) == []
