"""Writes for maternal care: register a pregnancy, ANC visits, delivery, KF/KN visits."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from posyandu.kia import rules_kia
from posyandu.kia.models import Kehamilan, KunjunganAnc, KunjunganNifas, Persalinan
from posyandu.kia.selectors import day_values, risk_facts
from posyandu.sasaran.bounds import pregnancy_error
from posyandu.sasaran.models import Sasaran


class KiaError(ValueError):
    pass


def _user(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


@transaction.atomic
def pregnancy_register(
    *,
    sasaran: Sasaran,
    tanggal_daftar: date,
    by: Any,
    hpht: date | None = None,
    usg_tanggal: date | None = None,
    usg_minggu: int | None = None,
    usg_hari: int = 0,
    gravida: int = 1,
    paritas: int = 0,
    abortus: int = 0,
    persalinan_terakhir: date | None = None,
    riwayat: list[str] | None = None,
) -> Kehamilan:
    """Dated by ultrasound when one is given, else by HPHT (Naegele)."""
    # A woman of reproductive age (sasaran/rules/registrasi.json), never a child or a man.
    not_possible = pregnancy_error(
        jenis_kelamin=sasaran.jenis_kelamin, born=sasaran.tanggal_lahir, on=tanggal_daftar
    )
    if not_possible:
        raise KiaError(not_possible)
    if Kehamilan.objects.filter(sasaran=sasaran, status=Kehamilan.Status.HAMIL).exists():
        raise KiaError(_("This woman already has an ongoing pregnancy recorded."))
    if usg_tanggal and usg_minggu is not None:
        hpl, dasar = rules_kia.hpl_from_usg(usg_tanggal, usg_minggu, usg_hari), "usg"
    elif hpht:
        if hpht > tanggal_daftar:
            raise KiaError(_("The last period (HPHT) cannot be after the registration date."))
        hpl, dasar = rules_kia.hpl_naegele(hpht), "hpht"
    else:
        raise KiaError(_("Enter the last period (HPHT) or an ultrasound dating."))
    ga = rules_kia.gestational_age_days(tanggal_daftar, hpl=hpl)
    if not 0 <= ga <= rules_kia.load("anc")["max_gestation_weeks"] * 7:
        raise KiaError(_("The gestational age on the registration date is not possible."))
    known = {h["code"] for h in rules_kia.load("risiko")["history_items"]}
    kehamilan = Kehamilan.objects.create(
        sasaran=sasaran,
        tanggal_daftar=tanggal_daftar,
        hpht=hpht,
        usg_tanggal=usg_tanggal,
        usg_minggu=usg_minggu,
        usg_hari=usg_hari if usg_minggu is not None else None,
        dasar=dasar,
        hpl=hpl,
        gravida=gravida,
        paritas=paritas,
        abortus=abortus,
        persalinan_terakhir=persalinan_terakhir,
        riwayat=[r for r in (riwayat or []) if r in known],
        risiko_versi=rules_kia.risk_version(),  # evaluated just below, in this transaction
        dicatat_oleh=_user(by),
    )
    refresh_risk(kehamilan)
    return kehamilan


def refresh_risk(kehamilan: Kehamilan) -> list[rules_kia.Risk]:
    risks = rules_kia.risk_factors(risk_facts(kehamilan))
    codes = [r.code for r in risks]
    version = rules_kia.risk_version()
    if codes != kehamilan.risiko or version != kehamilan.risiko_versi:
        kehamilan.risiko, kehamilan.risiko_versi = codes, version
        kehamilan.save(update_fields=["risiko", "risiko_versi"])
    return risks


@transaction.atomic
def anc_record(
    *,
    kehamilan: Kehamilan,
    tanggal: date,
    by: Any,
    oleh_dokter: bool = False,
    berat_kg: Decimal | float | None = None,
    lila_cm: Decimal | float | None = None,
    sistole: int | None = None,
    diastole: int | None = None,
    hb: Decimal | float | None = None,
    ttd_tablet: int = 0,
    tempat: str = "",
    kunjungan: Any = None,
) -> KunjunganAnc:
    if kehamilan.status != Kehamilan.Status.HAMIL:
        raise KiaError(_("This pregnancy has ended."))
    if tanggal < (kehamilan.hpht or kehamilan.tanggal_daftar) or tanggal > kehamilan.hpl.replace(
        year=kehamilan.hpl.year + 1
    ):
        raise KiaError(_("The visit date is outside this pregnancy."))
    if (sistole is None) != (diastole is None):
        raise KiaError(_("Enter both systolic and diastolic pressure."))
    # typed once per visit: what the day's measurement already has is taken from it
    day = day_values(kehamilan.sasaran, tanggal)
    if sistole is None and day.bp_from_measurement:
        sistole, diastole = day.sistole, day.diastole
    if berat_kg is None and day.berat_kg is not None:
        berat_kg = day.berat_kg
    if lila_cm is None and day.lila_from_measurement:
        lila_cm = day.lila_cm
    visit = KunjunganAnc.objects.create(
        kehamilan=kehamilan,
        tanggal=tanggal,
        oleh_dokter=oleh_dokter,
        berat_kg=berat_kg,
        lila_cm=lila_cm,
        sistole=sistole,
        diastole=diastole,
        hb=hb,
        ttd_tablet=ttd_tablet,
        tempat=tempat,
        kunjungan=kunjungan,
        dicatat_oleh=_user(by),
    )
    refresh_risk(kehamilan)
    return visit


@transaction.atomic
def delivery_record(
    *,
    kehamilan: Kehamilan,
    tanggal: date,
    by: Any,
    tempat: str = "",
    penolong: str = "",
    cara: str = "",
    bayi_lahir_hidup: int = 1,
    berat_lahir_g: int | None = None,
    bayi: Sasaran | None = None,
) -> Persalinan:
    if tanggal < (kehamilan.hpht or kehamilan.tanggal_daftar):
        raise KiaError(_("The delivery date is before the pregnancy began."))
    persalinan = Persalinan.objects.create(
        kehamilan=kehamilan,
        tanggal=tanggal,
        tempat=tempat,
        penolong=penolong,
        cara=cara,
        bayi_lahir_hidup=bayi_lahir_hidup,
        berat_lahir_g=berat_lahir_g,
        bayi=bayi,
    )
    kehamilan.status, kehamilan.status_sejak = Kehamilan.Status.BERSALIN, tanggal
    kehamilan.save(update_fields=["status", "status_sejak"])
    return persalinan


@transaction.atomic
def nifas_record(
    *, persalinan: Persalinan, jenis: str, tanggal: date, by: Any, catatan: str = ""
) -> KunjunganNifas:
    """A KF or KN visit; its number comes from the window the date falls in."""
    ke = rules_kia.nifas_window(jenis, persalinan.tanggal, tanggal)
    if ke is None:
        raise KiaError(_("The date is outside every %(kind)s visit window.") % {"kind": jenis})
    return KunjunganNifas.objects.create(
        persalinan=persalinan, jenis=jenis, ke=ke, tanggal=tanggal, catatan=catatan
    )
