"""Each rule at its boundary days: before it shows, the day it shows, due day, overdue, the
last day before expiry and the day after. Pure: snapshots, no database."""

from datetime import date

import pytest

from posyandu.tugas.engine import evaluate
from posyandu.tugas.ruleset import parse_rules, reason_text, ruleset
from posyandu.tugas.tests.factories import m, r, snap


def state(person, day, code):
    """'-' no task; else 'open' (due later), 'due' (due today) or 'overdue'."""
    specs = [s for s in evaluate(person, day) if s.rule.code == code]
    if not specs:
        return "-"
    assert len(specs) == 1
    spec = specs[0]
    if spec.due > day:
        return "open"
    return "due" if spec.due == day else "overdue"


def test_rule_file_is_versioned_and_complete():
    rules = ruleset()
    assert rules.version == "2026.1" and rules.source
    codes = {rule.code for rule in rules.rules}
    assert {
        "belum_ditimbang",
        "2t",
        "gizi_buruk_kurang",
        "stunting_baru",
        "imunisasi_terlambat",
        "anc_terlewat",
        "bumil_risiko_tinggi",
        "kunjungan_nifas",
        "kunjungan_neonatal",
        "hipertensi_belum_dirujuk",
        "diabetes_belum_dirujuk",
        "lansia_ketergantungan",
        "rujukan_tanpa_umpan_balik",
    } <= codes
    assert all(rule.source and rule.version for rule in rules.rules)


def test_unknown_condition_is_refused():
    data = {
        "id": "x",
        "version": "1",
        "valid_from": "2026-01-01",
        "source": "s",
        "rules": [
            {
                "code": "2t",
                "version": "1",
                "source": "s",
                "condition": {"name": "no_such_thing"},
                "priority": 1,
                "assign_to": "kader",
                "due_days": 1,
            }
        ],
    }
    with pytest.raises(ValueError, match="unknown condition"):
        parse_rules(data)


class TestNotWeighed:
    # Posyandu day 10 May 2026; shown from the 11th, due the 17th, expires 31 May.
    def child(self, **kw):
        return snap(date(2025, 1, 5), hari_buka=date(2026, 5, 10), **kw)

    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (date(2026, 5, 10), "-"),  # the Posyandu day itself
            (date(2026, 5, 11), "open"),
            (date(2026, 5, 16), "open"),
            (date(2026, 5, 17), "due"),
            (date(2026, 5, 18), "overdue"),
            (date(2026, 5, 31), "overdue"),  # last day of the month
            (date(2026, 6, 1), "-"),  # new month, no Posyandu day yet
        ],
    )
    def test_boundaries(self, day, expected):
        assert state(self.child(), day, "belum_ditimbang") == expected

    def test_weighed_this_month_at_home_counts(self):
        child = self.child(measurements=[m(date(2026, 5, 12))])
        assert state(child, date(2026, 5, 12), "belum_ditimbang") == "-"

    def test_weighed_last_month_does_not(self):
        child = self.child(measurements=[m(date(2026, 4, 30))])
        assert state(child, date(2026, 5, 12), "belum_ditimbang") == "open"

    def test_without_a_session_the_fallback_day_counts(self):
        child = snap(date(2025, 1, 5))
        assert state(child, date(2026, 5, 20), "belum_ditimbang") == "-"
        assert state(child, date(2026, 5, 21), "belum_ditimbang") == "open"

    def test_only_balita(self):
        # 59 completed months on 21 May 2026: still a balita; 60: no longer.
        assert state(snap(date(2021, 5, 22)), date(2026, 5, 21), "belum_ditimbang") == "open"
        assert state(snap(date(2021, 5, 21)), date(2026, 5, 21), "belum_ditimbang") == "-"


class Test2T:
    def child(self, *statuses, last=date(2026, 5, 10)):
        months = [date(last.year, last.month - i, 10) for i in range(len(statuses))][::-1]
        return snap(
            date(2025, 1, 5), measurements=[m(d, s) for d, s in zip(months, statuses, strict=True)]
        )

    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (date(2026, 5, 10), "open"),
            (date(2026, 5, 16), "open"),
            (date(2026, 5, 17), "due"),  # 7 days after the weighing
            (date(2026, 5, 18), "overdue"),
            (date(2026, 6, 14), "overdue"),  # day 35: last day
            (date(2026, 6, 15), "-"),  # expired
        ],
    )
    def test_boundaries(self, day, expected):
        assert state(self.child("N", "T", "T"), day, "2t") == expected

    def test_one_t_is_not_2t(self):
        assert state(self.child("N", "N", "T"), date(2026, 5, 10), "2t") == "-"
        assert state(self.child("T", "N", "T"), date(2026, 5, 10), "2t") == "-"

    def test_a_later_weighing_clears_it(self):
        child = self.child("T", "T", "N", last=date(2026, 6, 10))
        assert state(child, date(2026, 6, 10), "2t") == "-"

    def test_reason_in_bahasa(self, settings):
        spec = [
            s for s in evaluate(self.child("T", "T"), date(2026, 5, 10)) if s.rule.code == "2t"
        ][0]
        text = reason_text("2t", spec.params)
        assert "10-05-2026" in text


class TestWasting:
    @pytest.mark.parametrize(
        ("category", "expected"),
        [("gizi_buruk", "open"), ("gizi_kurang", "open"), ("gizi_baik", "-")],
    )
    def test_categories(self, category, expected):
        child = snap(date(2025, 1, 5), measurements=[m(date(2026, 5, 10), wfl=category)])
        assert state(child, date(2026, 5, 10), "gizi_buruk_kurang") == expected

    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (date(2026, 5, 12), "open"),
            (date(2026, 5, 13), "due"),  # 3 days
            (date(2026, 5, 14), "overdue"),
            (date(2026, 6, 14), "overdue"),  # day 35
            (date(2026, 6, 15), "-"),
        ],
    )
    def test_boundaries(self, day, expected):
        child = snap(date(2025, 1, 5), measurements=[m(date(2026, 5, 10), wfl="gizi_buruk")])
        assert state(child, day, "gizi_buruk_kurang") == expected


class TestNewStunting:
    def test_new_case_only(self):
        first = m(date(2026, 4, 10), lfa="normal")
        stunted = m(date(2026, 5, 10), lfa="pendek")
        child = snap(date(2025, 1, 5), measurements=[first, stunted])
        assert state(child, date(2026, 5, 10), "stunting_baru") == "open"
        assert state(child, date(2026, 5, 24), "stunting_baru") == "due"
        assert state(child, date(2026, 5, 25), "stunting_baru") == "overdue"
        again = snap(date(2025, 1, 5), measurements=[stunted, m(date(2026, 6, 10), lfa="pendek")])
        assert state(again, date(2026, 6, 10), "stunting_baru") == "-"


class TestHighBloodPressure:
    def adult(self, sistole, diastole, referrals=()):
        return snap(
            date(1970, 1, 1),
            measurements=[m(date(2026, 5, 10), sistole=sistole, diastole=diastole)],
            referrals=list(referrals),
        )

    @pytest.mark.parametrize(
        ("sis", "dia", "expected"),
        # due the day it is measured (tugas.json hipertensi_belum_dirujuk v2: due_days 0)
        [(139, 89, "-"), (140, 80, "due"), (120, 90, "due"), (160, 100, "due")],
    )
    def test_cut_off_is_inclusive(self, sis, dia, expected):
        assert (
            state(self.adult(sis, dia), date(2026, 5, 10), "hipertensi_belum_dirujuk") == expected
        )

    def test_referred_on_or_after_clears(self):
        assert (
            state(
                self.adult(150, 95, [r(date(2026, 5, 10))]),
                date(2026, 5, 11),
                "hipertensi_belum_dirujuk",
            )
            == "-"
        )
        assert (
            state(
                self.adult(150, 95, [r(date(2026, 5, 9))]),
                date(2026, 5, 11),
                "hipertensi_belum_dirujuk",
            )
            == "overdue"
        )

    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (date(2026, 5, 10), "due"),
            (date(2026, 5, 11), "overdue"),
            (date(2026, 7, 9), "overdue"),
            (date(2026, 7, 10), "-"),
        ],
    )
    def test_boundaries(self, day, expected):
        assert state(self.adult(150, 95), day, "hipertensi_belum_dirujuk") == expected

    def test_children_are_not_targeted(self):
        child = snap(
            date(2015, 1, 1), measurements=[m(date(2026, 5, 10), sistole=150, diastole=95)]
        )
        assert state(child, date(2026, 5, 10), "hipertensi_belum_dirujuk") == "-"


class TestReferralWithoutFeedback:
    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (date(2026, 5, 7), "-"),  # day 6
            (date(2026, 5, 8), "open"),  # day 7: shown
            (date(2026, 5, 11), "due"),  # day 10
            (date(2026, 5, 12), "overdue"),
            (date(2026, 7, 30), "overdue"),  # day 90
            (date(2026, 7, 31), "-"),
        ],
    )
    def test_boundaries(self, day, expected):
        person = snap(date(1990, 1, 1), referrals=[r(date(2026, 5, 1))])
        assert state(person, day, "rujukan_tanpa_umpan_balik") == expected

    def test_feedback_clears(self):
        person = snap(
            date(1990, 1, 1), referrals=[r(date(2026, 5, 1), "selesai", date(2026, 5, 5))]
        )
        assert state(person, date(2026, 5, 9), "rujukan_tanpa_umpan_balik") == "-"


class TestIssue5Facts:
    """Conditions over facts the immunization / KIA / screening loaders provide."""

    def test_immunization_overdue(self):
        child = snap(
            date(2025, 11, 1),
            extra={"imunisasi_terlambat": [("dpt1", "DPT-HB-Hib 1", date(2026, 3, 1))]},
        )
        assert state(child, date(2026, 3, 1), "imunisasi_terlambat") == "open"
        assert state(child, date(2026, 3, 8), "imunisasi_terlambat") == "due"
        assert state(child, date(2026, 4, 30), "imunisasi_terlambat") == "overdue"  # day 60
        assert state(child, date(2026, 5, 1), "imunisasi_terlambat") == "-"

    def test_anc_missed(self):
        mother = snap(
            date(1995, 1, 1), "P", extra={"anc_terlewat": [("k1:2", "K2", date(2026, 5, 10))]}
        )
        assert state(mother, date(2026, 5, 10), "anc_terlewat") == "-"  # still in time today
        assert state(mother, date(2026, 5, 11), "anc_terlewat") == "open"
        assert state(mother, date(2026, 5, 17), "anc_terlewat") == "due"
        assert state(mother, date(2026, 6, 9), "anc_terlewat") == "overdue"
        assert state(mother, date(2026, 6, 10), "anc_terlewat") == "-"

    def test_nifas_windows(self):
        mother = snap(date(1995, 1, 1), "P", extra={"persalinan": [(date(2026, 5, 1), set())]})
        assert state(mother, date(2026, 5, 3), "kunjungan_nifas") == "-"  # day 2: KF1 at facility
        assert state(mother, date(2026, 5, 4), "kunjungan_nifas") == "open"  # KF2 window 3-7
        assert state(mother, date(2026, 5, 8), "kunjungan_nifas") == "due"  # day 7
        assert state(mother, date(2026, 5, 9), "kunjungan_nifas") == "open"  # KF3 window opens
        done = snap(date(1995, 1, 1), "P", extra={"persalinan": [(date(2026, 5, 1), {"KF2"})]})
        assert state(done, date(2026, 5, 5), "kunjungan_nifas") == "-"

    def test_newborn_visit_window_closed_by_home_visit(self):
        baby = snap(date(2026, 5, 1))
        assert state(baby, date(2026, 5, 3), "kunjungan_neonatal") == "-"
        assert state(baby, date(2026, 5, 4), "kunjungan_neonatal") == "open"
        assert state(baby, date(2026, 5, 8), "kunjungan_neonatal") == "due"
        visited = snap(date(2026, 5, 1), home_visits=[date(2026, 5, 5)])
        assert state(visited, date(2026, 5, 6), "kunjungan_neonatal") == "-"

    def test_diabetes_and_elderly(self):
        adult = snap(date(1970, 1, 1), extra={"diabetes": [(date(2026, 5, 10), 230)]})
        assert state(adult, date(2026, 5, 17), "diabetes_belum_dirujuk") == "due"
        referred = snap(
            date(1970, 1, 1),
            extra={"diabetes": [(date(2026, 5, 10), 230)]},
            referrals=[r(date(2026, 5, 12))],
        )
        assert state(referred, date(2026, 5, 17), "diabetes_belum_dirujuk") == "-"
        elder = snap(date(1950, 1, 1), extra={"adl": [(date(2026, 5, 10), 11, True)]})
        assert state(elder, date(2026, 5, 24), "lansia_ketergantungan") == "due"
        independent = snap(date(1950, 1, 1), extra={"adl": [(date(2026, 5, 10), 20, False)]})
        assert state(independent, date(2026, 5, 24), "lansia_ketergantungan") == "-"
        young = snap(date(1970, 1, 1), extra={"adl": [(date(2026, 5, 10), 11, True)]})
        assert state(young, date(2026, 5, 24), "lansia_ketergantungan") == "-"
