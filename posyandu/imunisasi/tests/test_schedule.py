"""The schedule as the KMK writes it: earliest, due, latest date of each dose, intervals."""

from datetime import date

import pytest

from posyandu.imunisasi import schedule as s

BIRTH = date(2025, 1, 15)  # after every introduction date: all routine doses apply


def status(given: dict, on: date, birth: date = BIRTH, province: str = "14") -> dict:
    return {d.code: d for d in s.child_status(birth, given, on, province=province)}


@pytest.mark.parametrize(
    ("code", "earliest", "due", "due_until", "latest"),
    [
        ("HB0", date(2025, 1, 15), date(2025, 1, 15), date(2025, 1, 15), date(2025, 1, 16)),
        ("BCG", date(2025, 1, 15), date(2025, 1, 15), date(2025, 2, 14), date(2026, 1, 13)),
        ("OPV1", date(2025, 1, 15), date(2025, 1, 15), date(2025, 2, 14), date(2030, 1, 14)),
        (
            "DPT-HB-Hib-1",
            date(2025, 3, 15),
            date(2025, 3, 15),
            date(2025, 4, 14),
            date(2030, 1, 14),
        ),
        ("PCV1", date(2025, 3, 15), date(2025, 3, 15), date(2025, 4, 14), date(2030, 1, 14)),
        ("RV1", date(2025, 3, 15), date(2025, 3, 15), date(2025, 4, 14), date(2025, 8, 13)),
        ("IPV1", date(2025, 5, 15), date(2025, 5, 15), date(2025, 6, 14), date(2030, 1, 14)),
        ("MR1", date(2025, 10, 15), date(2025, 10, 15), date(2025, 11, 14), date(2030, 1, 14)),
        ("IPV2", date(2025, 10, 15), date(2025, 10, 15), date(2025, 11, 14), date(2030, 1, 14)),
    ],
)
def test_first_doses_earliest_due_latest(code, earliest, due, due_until, latest):
    d = status({"IPV1": date(2025, 5, 15)}, BIRTH)[code]  # IPV2 waits for IPV1
    assert (d.earliest, d.due, d.due_until, d.latest) == (earliest, due, due_until, latest)


def test_rotavirus_ends_at_6_months_29_days():
    d = status({}, date(2025, 8, 13))["RV1"]
    assert (d.latest, d.status) == (date(2025, 8, 13), s.OVERDUE)  # 6 months 29 days: still
    assert status({}, date(2025, 8, 14))["RV1"].status == s.TOO_LATE


def test_later_doses_wait_for_the_previous_one_and_its_interval():
    given = {"DPT-HB-Hib-1": date(2025, 3, 20), "OPV2": date(2025, 3, 20), "RV1": date(2025, 3, 20)}
    st = status(given, date(2025, 4, 15))
    assert st["DPT-HB-Hib-2"].earliest == date(2025, 4, 20)  # 1 month after dose 1
    assert st["DPT-HB-Hib-2"].status == s.NOT_YET  # 3 months old, but interval not over
    assert st["RV2"].earliest == date(2025, 4, 17)  # 28 days
    assert st["PCV2"].status == s.WAITING and st["PCV2"].waiting_for == "PCV1"
    assert status(given, date(2025, 4, 20))["DPT-HB-Hib-2"].status == s.DUE
    # a month later than the window (3 months .. day before 4 months): overdue, catch up
    assert status(given, date(2025, 5, 15))["DPT-HB-Hib-2"].status == s.OVERDUE


def test_boosters_need_their_long_intervals():
    given = {"DPT-HB-Hib-3": date(2025, 9, 1), "MR1": date(2025, 12, 1), "PCV2": date(2025, 4, 15)}
    st = status(given, date(2026, 7, 15))  # 18 months old
    assert st["DPT-HB-Hib-4"].earliest == date(2026, 9, 1)  # 12 months after dose 3
    assert st["DPT-HB-Hib-4"].status == s.NOT_YET
    assert st["MR2"].earliest == date(2026, 7, 15)  # 18 months (6 months after MR1 is June)
    assert st["MR2"].status == s.DUE
    assert st["MR2"].due_until == date(2027, 1, 14)  # 18-23 months
    assert st["PCV3"].earliest == date(2026, 1, 15)  # 12 months; 8 weeks after PCV2 earlier
    given["PCV2"] = date(2025, 12, 1)
    assert status(given, date(2026, 1, 20))["PCV3"].earliest == date(2026, 1, 26)  # +56 days


def test_rotavirus_series_that_cannot_finish_in_time_is_too_late():
    given = {"RV1": date(2025, 6, 10), "RV2": date(2025, 7, 10)}
    rv3 = status(given, date(2025, 8, 7))["RV3"]
    assert (rv3.earliest, rv3.status) == (date(2025, 8, 7), s.OVERDUE)  # late, still in time
    given["RV2"] = date(2025, 7, 20)  # + 28 days = Aug 17, after the Aug 13 limit
    assert status(given, date(2025, 8, 1))["RV3"].status == s.TOO_LATE


def test_catch_up_ends_at_59_months_and_bcg_at_11_months():
    assert status({}, date(2026, 1, 13))["BCG"].status == s.OVERDUE
    assert status({}, date(2026, 1, 14))["BCG"].status == s.TOO_LATE
    assert status({}, date(2030, 1, 14))["MR1"].status == s.OVERDUE
    assert status({}, date(2030, 1, 15))["MR1"].status == s.TOO_LATE
    assert status({}, date(2025, 1, 16))["HB0"].status == s.OVERDUE
    assert status({}, date(2025, 1, 17))["HB0"].status == s.TOO_LATE


def test_month_end_birthdays_clamp():
    st = status({}, date(2024, 1, 31), birth=date(2024, 1, 31))
    assert st["DPT-HB-Hib-1"].due == date(2024, 3, 31)
    assert st["OPV1"].due_until == date(2024, 2, 28)  # 1 month (Feb 29) minus a day
    assert st["RV1"].latest == date(2024, 8, 29)  # Jul 31 + 29 days


def test_programme_dates_and_je_endemic_areas():
    old = status({}, date(2023, 6, 1), birth=date(2023, 3, 1))
    assert old["RV1"].status == s.NOT_APPLICABLE  # born before 16 May 2023
    assert status({}, date(2023, 7, 16), birth=date(2023, 5, 16))["RV1"].status == s.DUE
    assert status({}, BIRTH)["JE"].status == s.NOT_APPLICABLE  # Riau
    assert status({}, date(2025, 11, 15), province="51")["JE"].status == s.DUE  # Bali


def test_dose_given_too_early_is_kept_and_flagged():
    st = status({"DPT-HB-Hib-1": date(2025, 3, 1)}, date(2025, 3, 2))
    assert st["DPT-HB-Hib-1"].status == s.GIVEN and st["DPT-HB-Hib-1"].given_valid is False


ALL_IDL = [
    "HB0",
    "BCG",
    "OPV1",
    "OPV2",
    "OPV3",
    "OPV4",
    "DPT-HB-Hib-1",
    "DPT-HB-Hib-2",
    "DPT-HB-Hib-3",
    "PCV1",
    "PCV2",
    "RV1",
    "RV2",
    "RV3",
    "IPV1",
    "MR1",
    "IPV2",
]


def test_idl_and_baduta():
    given = {c: date(2025, 11, 1) for c in ALL_IDL}
    idl = s.idl_status(BIRTH, given)
    assert idl.lengkap and idl.tepat_waktu and idl.kurang == ()
    assert idl.baduta_kurang == ("DPT-HB-Hib-4", "MR2")
    given["MR1"] = date(2026, 1, 15)  # on the first birthday: complete but not "by 12 months"
    assert s.idl_status(BIRTH, given).tepat_waktu is False
    del given["IPV2"]
    assert s.idl_status(BIRTH, given).kurang == ("IPV2",)
    assert s.idl_status(BIRTH, given, version="idl-lama").lengkap is True
    # a child born before the rotavirus and IPV2 roll-out is complete without them
    older = {c: date(2022, 12, 1) for c in ALL_IDL if c not in ("RV1", "RV2", "RV3", "IPV2")}
    assert s.idl_status(date(2022, 3, 1), older).lengkap is True
    given |= {"IPV2": date(2025, 11, 1), "DPT-HB-Hib-4": date(2026, 8, 1), "MR2": date(2026, 8, 1)}
    assert s.idl_status(BIRTH, given).baduta_lengkap is True


def test_bias_by_grade_and_hpv_versions():
    birth = date(2014, 3, 1)  # 11 y in Aug 2025 -> kelas 5
    st = {d.code: d.status for d in s.bias_status(birth, "P", {}, date(2025, 8, 10))}
    assert st["BIAS-HPV-1"] == s.DUE and st["BIAS-Td-5"] == s.NOT_YET and st["BIAS-MR"] == "missed"
    assert "BIAS-HPV-2" not in st  # single dose after KMK 35/2025
    old = {
        d.code for d in s.bias_status(birth, "P", {}, date(2025, 8, 10), version="kmk-1098-2024")
    }
    assert "BIAS-HPV-2" in old
    boys = {d.code for d in s.bias_status(birth, "L", {}, date(2025, 8, 10))}
    assert "BIAS-HPV-1" not in boys


def test_td_status_t1_to_t5_with_minimum_intervals():
    assert s.td_status([]).label == "T0"
    t1 = date(2024, 1, 1)
    assert s.td_status([t1]).next_earliest == date(2024, 1, 29)
    st = s.td_status([t1, date(2024, 1, 28)])  # 27 days: too soon, not counted
    assert (st.label, st.invalid) == ("T1", (date(2024, 1, 28),))
    st = s.td_status(
        [t1, date(2024, 1, 29), date(2024, 7, 29), date(2025, 7, 29), date(2026, 7, 29)]
    )
    assert (st.label, st.next_earliest) == ("T5", None)
    st = s.td_status([t1, date(2024, 1, 29), date(2024, 7, 28)])  # 6 months minus a day
    assert st.label == "T2" and st.next_earliest == date(2024, 7, 29)


def test_each_dose_date_is_its_offset_from_birth_on_every_call():
    """A birth date's dates are computed once per process and reused: asked again on another
    day, each dose still has its schedule offset from that birth date."""
    catch_up = s.schedule()["catch_up_until"]
    for birth in (date(2024, 1, 31), date(2024, 2, 29), date(2025, 12, 31)):
        for on in (birth, date(2026, 11, 30)):
            for d, got in zip(s.doses(), s.child_status(birth, {}, on), strict=True):
                assert got.code == d["code"]
                assert got.due == s.add_offset(birth, d["due_age"])
                assert got.due_until == s.add_offset(birth, d["due_until"])
                assert got.latest == s.add_offset(birth, d.get("latest", catch_up))
    # 31 January + 1 month is clamped to the month's end: 29 February in a leap year
    assert s.add_offset(date(2024, 1, 31), {"months": 1}) == date(2024, 2, 29)
