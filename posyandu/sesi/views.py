from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

import growthstandards as gs
from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import restrict
from posyandu.audit.recorder import log_read
from posyandu.core.numbers import format_decimal, format_measured
from posyandu.core.periods import month_bounds
from posyandu.core.registry import visit_panels
from posyandu.fasilitas.models import Posyandu
from posyandu.rujukan.models import Rujukan
from posyandu.rujukan.rules import reason_label
from posyandu.sasaran.forms import SasaranForm
from posyandu.sasaran.life_stage import LABELS, LifeStage, completed_months, life_stage_of
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.selectors import people_search, people_visible, person_or_404
from posyandu.sesi import corrections, danger, kms, plausibility, summary
from posyandu.sesi.forms import EducationForm, JadwalForm, MeasurementForm, ServiceForm, stage_group
from posyandu.sesi.growth import INPUT_FIELDS, GrowthResult, measurement_evaluate, result_of
from posyandu.sesi.models import Jadwal, Kunjungan, Pengukuran, Sesi
from posyandu.sesi.services import (
    CheckinError,
    SessionDateError,
    arrival_register,
    checkin,
    education_add,
    jadwal_set,
    service_add,
    session_date_parse,
    session_open,
)

SERVICES = ["Imunisasi", "Vitamin A", "Obat cacing", "PMT", "TTD", "Oralit", "KB", "Konseling"]
TOPICS = ["ASI eksklusif", "MP-ASI", "Tanda bahaya", "Gizi seimbang", "PHBS", "Imunisasi", "KB"]


def _posyandu_qs(user: Any) -> QuerySet[Posyandu]:
    return restrict(Posyandu.objects.select_related("desa"), user, "personal").order_by("nama")


def _sesi_or_404(user: Any, public_id: UUID) -> Sesi:
    qs = restrict(Sesi.objects.select_related("posyandu__desa"), user, "personal")
    return get_object_or_404(qs, public_id=public_id)


def _kunjungan_or_404(user: Any, public_id: UUID) -> Kunjungan:
    qs = restrict(Kunjungan.objects.select_related("sesi__posyandu", "sasaran"), user, "personal")
    return get_object_or_404(qs, public_id=public_id)


@scoped("personal")
def sesi_list(request: HttpRequest) -> HttpResponse:
    posyandu = _posyandu_qs(request.user)
    date_error, raw_date = "", ""
    if request.method == "POST":
        chosen = get_object_or_404(posyandu, pk=request.POST.get("posyandu") or 0)
        raw_date = request.POST.get("tanggal", "")
        try:  # a bad date is said, never silently replaced by today
            tanggal = session_date_parse(raw_date)
            sesi = session_open(posyandu=chosen, tanggal=tanggal, by=request.user)
        except SessionDateError as error:
            date_error = str(error)
        else:
            return redirect("sesi:detail", sesi.public_id)
    sessions = restrict(Sesi.objects.select_related("posyandu"), request.user, "personal")[:24]
    jadwal = {j.posyandu_id: j for j in Jadwal.objects.filter(posyandu__in=posyandu[:50])}
    rows = [(p, jadwal.get(p.pk)) for p in posyandu[:50]]
    return render(
        request,
        "sesi/list.html",
        {
            "sessions": sessions,
            "posyandu_rows": rows,
            "today": timezone.localdate(),
            "date_error": date_error,
            "date_value": raw_date,
        },
        status=400 if date_error else 200,
    )


@scoped("personal")
def jadwal_edit(request: HttpRequest, posyandu_id: UUID) -> HttpResponse:
    posyandu = get_object_or_404(_posyandu_qs(request.user), public_id=posyandu_id)
    instance = Jadwal.objects.filter(posyandu=posyandu).first()
    form = JadwalForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        jadwal_set(posyandu=posyandu, **form.cleaned_data)
        messages.success(request, _("The schedule is saved."))
        return redirect("sesi:list")
    return render(request, "sesi/jadwal.html", {"form": form, "posyandu": posyandu})


@scoped("personal")
def sesi_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    sesi = _sesi_or_404(request.user, public_id)
    visits = (
        restrict(Kunjungan.objects.filter(sesi=sesi), request.user, "personal")
        .select_related("sasaran")
        .order_by("-created_at")
    )
    return render(request, "sesi/detail.html", {"sesi": sesi, "visits": visits})


@scoped("personal")
def sesi_search(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Langkah 1: one box for name, NIK or mother's name, within this Posyandu."""
    sesi = _sesi_or_404(request.user, public_id)
    q = request.GET.get("q", "")
    found = people_search(request.user, q, posyandu_id=sesi.posyandu_id)[:15] if q.strip() else []
    came = set(sesi.kunjungan.values_list("sasaran_id", flat=True))
    return render(
        request, "sesi/_search.html", {"sesi": sesi, "found": found, "q": q, "came": came}
    )


@require_POST
@scoped("personal")
def sesi_checkin(request: HttpRequest, public_id: UUID, sasaran_id: UUID) -> HttpResponse:
    sesi = _sesi_or_404(request.user, public_id)
    person = person_or_404(request.user, sasaran_id, posyandu_id=sesi.posyandu_id)
    try:
        kunjungan = checkin(sesi=sesi, sasaran=person)
    except CheckinError as error:
        messages.error(request, str(error))
        return redirect("sesi:detail", sesi.public_id)
    return redirect("sesi:kunjungan", kunjungan.public_id)


@scoped("personal")
def person_new(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Langkah 1 for someone not registered yet: register (likely duplicates are shown first,
    each with a check-in button) and check in, in one step."""
    sesi = _sesi_or_404(request.user, public_id)
    posyandu_qs = _posyandu_qs(request.user).filter(pk=sesi.posyandu_id)
    form = SasaranForm(request.POST or None, user=request.user, posyandu_qs=posyandu_qs)
    duplicates: list[Sasaran] = []
    if request.method == "POST" and form.is_valid():
        arrival = arrival_register(
            sesi=sesi,
            among=people_visible(request.user),
            not_a_duplicate=form.cleaned_data.get("konfirmasi_bukan_duplikat", False),
            consent=form.consent(),
            by=request.user,
            **form.model_fields(),
        )
        duplicates = arrival.registration.duplicates
        person = arrival.registration.person
        if person is not None:
            for warning in form.warnings:
                messages.warning(request, warning)
            messages.success(request, _("%(name)s is registered.") % {"name": person.nama})
            if arrival.kunjungan is not None:
                return redirect("sesi:kunjungan", arrival.kunjungan.public_id)
            messages.error(request, arrival.checkin_error)
            return redirect("sasaran:detail", person.public_id)
    return render(
        request,
        "sesi/person_new.html",
        {"form": form, "duplicates": duplicates, "sesi": sesi, "warnings": form.warnings},
    )


def _measurement_form(
    kunjungan: Kunjungan, data: QueryDict | None = None, last: Pengukuran | None = None
) -> tuple[MeasurementForm, LifeStage, int]:
    person, on = kunjungan.sasaran, kunjungan.sesi.tanggal
    stage = life_stage_of(person, on)
    months = completed_months(person.tanggal_lahir, on)
    form = MeasurementForm(
        data,
        group=stage_group(stage),
        umur_bulan=months,
        jenis_kelamin=person.jenis_kelamin,
        initial=_measured_again(last) if last is not None else None,
    )
    return form, stage, months


def _measured_again(last: Pengukuran) -> dict[str, Any]:
    """Measuring again on the same day starts from the saved values ("9,5" and "76,5"): the
    kader changes what was wrong and nothing she does not retype (the length) is lost."""
    initial: dict[str, Any] = {}
    for name in (*INPUT_FIELDS, "lingkar_perut_cm", "sistole", "diastole"):
        value = getattr(last, name, None)
        if value is None or value == "":
            continue
        initial[name] = format_measured(value) if isinstance(value, Decimal) else value
    if last.tanda_bahaya:
        initial["tanda_bahaya"] = list(last.tanda_bahaya)
    return initial


def _missing_in_new(first: Pengukuran, new: Pengukuran) -> str:
    """The values the first measurement had and the new one has not ("76,5 cm"): said in
    the same-day question, never dropped silently by "ganti"."""
    gone = Pengukuran(
        **{
            name: getattr(first, name)
            for name, _unit in UNITS
            if getattr(first, name) is not None and getattr(new, name) is None
        }
    )
    if first.sistole is not None and new.sistole is None:
        gone.sistole, gone.diastole = first.sistole, first.diastole
    return understood_values(gone)


@scoped("personal")
def kunjungan_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    kunjungan = _kunjungan_or_404(request.user, public_id)
    person, on = kunjungan.sasaran, kunjungan.sesi.tanggal
    ask_same_day: Pengukuran | None = None
    same_day_new = same_day_missing = ""
    if request.method == "POST":
        form, stage, months = _measurement_form(kunjungan, request.POST)
        same_day = corrections.same_day_measurement(person, on)
        again = request.POST.get("ulang", "")
        if form.is_valid() and same_day is not None and again not in corrections.CHOICES:
            ask_same_day = same_day  # the page asks (at the top) whether it replaces the first
            model_names = {f.name for f in Pengukuran._meta.fields}
            new = Pengukuran(**{k: v for k, v in form.values().items() if k in model_names})
            same_day_new = understood_values(new)
            same_day_missing = _missing_in_new(same_day, new)
        elif form.is_valid():
            recorded = corrections.measurement_record_again(
                choice=again or corrections.ADD,
                sasaran=person,
                tanggal=on,
                by=request.user,
                kunjungan=kunjungan,
                **form.values(),
            )
            if recorded.pengukuran.perlu_cek_ulang:
                messages.warning(request, _("Saved, but please measure again (see below)."))
            else:
                messages.success(request, _("The measurement is saved."))
            return redirect(request.path)
    saved = list(kunjungan.pengukuran.select_related("sasaran").order_by("-id")[:1])
    if request.method != "POST":
        form, stage, months = _measurement_form(kunjungan, last=saved[0] if saved else None)
    result = result_of(saved[0]) if saved else None
    charts = _result_charts(person, saved[0], months) if saved else []
    rujukan = list(person.rujukan.filter(tanggal=on))
    if not saved and not form.is_bound and form.fields:
        # nothing measured yet: the cursor waits in the first field (the weight), one tap less
        first = "berat_kg" if "berat_kg" in form.fields else next(iter(form.fields))
        form.fields[first].widget.attrs["autofocus"] = True
    context = {
        "kunjungan": kunjungan,
        "sesi": kunjungan.sesi,
        "person": person,
        "stage": LABELS[stage],
        "umur_bulan": months,
        "form": form,
        "ask_same_day": ask_same_day,
        "same_day_first": understood_values(ask_same_day) if ask_same_day else "",
        "same_day_new": same_day_new,
        "same_day_missing": same_day_missing,
        "result": result,
        "result_view": _result_view(result) if result else None,
        "charts": charts,
        "service_form": ServiceForm(),
        "education_form": EducationForm(),
        "services": SERVICES,
        "topics": TOPICS,
        "given": kunjungan.layanan.all(),
        "topics_given": kunjungan.penyuluhan.all(),
        "rujukan": rujukan,
        # A second "create referral" for the same day would send the child twice.
        "rujukan_sent": any(r.status != Rujukan.Status.BATAL for r in rujukan),
        # the visit page (issue 11): the measurement step is open until it is saved (or
        # refused), then the result sits at the top and the step folds away
        "measure_open": not saved or form.is_bound,
    }
    # one step at a time: only the first section due is open, the others due show a mark
    panels = visit_panels(request, person, on, kunjungan)
    context["panels"] = panels
    context["open_panel"] = next((p.key for p in panels if p.due), "")
    context["anc_10t"] = _anc_10t(panels, saved[0] if saved else None, rujukan)
    return render(request, "sesi/kunjungan.html", context)


def _anc_10t(panels: list[Any], saved: Pengukuran | None, rujukan: list[Any]) -> list[dict]:
    """A pregnant woman's visit as the standard ANC "10T": each item once, with the section of
    this page where it is done and whether it is done today (weight, LiLA and blood pressure
    are typed once, in step 2). Empty for anyone not pregnant."""
    kia = next((p for p in panels if p.key == "kia" and p.context.get("mode") == "hamil"), None)
    if kia is None:
        return []
    anc_today = [
        v for v in kia.context["summary"].kehamilan.anc.all() if v.tanggal == kia.context["tanggal"]
    ]

    def measured(name: str) -> bool:
        return saved is not None and getattr(saved, name) is not None

    rows = [
        ("T1", _("Weigh"), "#langkah-2", measured("berat_kg")),
        ("T2", _("Measure LiLA"), "#langkah-2", measured("lila_cm")),
        ("T3", _("Blood pressure"), "#langkah-2", measured("sistole")),
        ("T4", _("Fundal height (TFU), by the midwife"), "#panel-kia", None),
        ("T5", _("Fetal heart rate (DJJ), by the midwife"), "#panel-kia", None),
        ("T6", _("Tetanus (TT/Td) status"), "#panel-imunisasi", None),
        ("T7", _("Iron tablets (Fe)"), "#panel-kia", any(v.ttd_tablet for v in anc_today)),
        ("T8", _("Lab test (Hb)"), "#panel-kia", any(v.hb is not None for v in anc_today)),
        ("T9", _("Case management / referral"), "#langkah-2", bool(rujukan) or None),
        ("T10", _("Counselling (temu wicara)"), "#langkah-5", None),
    ]
    return [{"code": c, "label": label, "where": w, "done": d} for c, label, w, d in rows]


def _result_charts(person: Sasaran, saved: Pengukuran, months: int) -> list[kms.Chart]:
    """The KMS charts (0-60 months) on which the saved measurement is a point: the kader sees
    where the child now stands between the SD curves."""
    if months > 60 or (saved.berat_kg is None and saved.tinggi_cm is None):
        return []
    keys = []
    if saved.berat_kg is not None:
        keys.append("bbu")
    if saved.tinggi_cm is not None:
        keys.append("pbu")
    if saved.berat_kg is not None and saved.tinggi_cm is not None:
        keys.append("bbpb")
    measurements = list(person.pengukuran.all())
    return [kms.build_chart(key, person, measurements) for key in keys]


UNITS = (
    ("berat_kg", "kg"),
    ("tinggi_cm", "cm"),
    ("lingkar_kepala_cm", "cm LK"),
    ("lila_cm", "cm LiLA"),
    ("lingkar_perut_cm", "cm LP"),
)


def understood_values(p: Pengukuran) -> str:
    """The numbers as the app read them, in the user's notation ("9,5 kg · 75,2 cm"): the
    kader sees at once that "9,5" was not taken for 95."""
    parts = []
    for name, unit in UNITS:
        value = getattr(p, name)
        if value is not None:
            exponent = Decimal(str(value)).normalize().as_tuple().exponent
            places = max(0, -exponent) if isinstance(exponent, int) else 0
            parts.append(f"{format_decimal(value, places)} {unit}")
    if p.sistole is not None and p.diastole is not None:
        parts.append(f"{p.sistole}/{p.diastole} mmHg")
    return " · ".join(parts)


def _result_view(result: GrowthResult) -> dict[str, Any]:
    """What the result card shows: categories with labels and colours, reasons in words."""
    p = result.pengukuran
    rows = []
    for index, code in (p.kategori or {}).items():
        cat = next((c for c in gs.categories(index) if c.code == code), None)
        z = {"bb_u": p.zwei, "pb_tb_u": p.zlen, "bb_pb_tb": p.zwfl, "lk_u": p.zhc}.get(index)
        flag = {"bb_u": p.fwei, "pb_tb_u": p.flen, "bb_pb_tb": p.fwfl, "lk_u": p.fhc}.get(index)
        if index.startswith("imt"):
            z, flag = p.zbmi, p.fbmi
        rows.append(
            {
                "index": gs.classification_table()["indices"][index]["label_id"],
                "z": z,
                "label": cat.label_id if cat else code,
                "code": code,
                # beyond the WHO flag limits: no number and no category, only "measure again"
                "flagged": bool(flag),
            }
        )
    return {
        "rows": rows,
        "understood": understood_values(p),
        "cek_ulang": [plausibility.label(c) for c in p.alasan_cek_ulang or []],
        "referral": [(c, reason_label(c)) for c in result.referral_reasons],
        "tanda_bahaya": [danger.label(c) for c in p.tanda_bahaya or []],
        "referral_codes": ",".join(result.referral_reasons),
    }


@require_POST
@scoped("personal")
def kunjungan_preview(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """htmx: the instant result as the kader types, nothing saved."""
    kunjungan = _kunjungan_or_404(request.user, public_id)
    form, _stage, _months = _measurement_form(kunjungan, request.POST)
    result = None
    if form.is_valid() and (
        form.cleaned_data.get("berat_kg") or form.cleaned_data.get("tinggi_cm")
    ):
        result = measurement_evaluate(
            sasaran=kunjungan.sasaran, tanggal=kunjungan.sesi.tanggal, **form.values()
        )
    return render(
        request,
        "sesi/_result.html",
        {
            "result": result,
            "result_view": _result_view(result) if result else None,
            "preview": True,
            "errors": form.errors if form.is_bound and not form.is_valid() else None,
        },
    )


@require_POST
@scoped("personal")
def kunjungan_service(request: HttpRequest, public_id: UUID) -> HttpResponse:
    kunjungan = _kunjungan_or_404(request.user, public_id)
    if request.POST.get("topik"):
        education = EducationForm(request.POST)
        if education.is_valid():
            education_add(kunjungan=kunjungan, topik=education.cleaned_data["topik"])
    else:
        service = ServiceForm(request.POST)
        if service.is_valid():
            service_add(kunjungan=kunjungan, **service.cleaned_data)
    return redirect("sesi:kunjungan", kunjungan.public_id)


@scoped("personal")
def sesi_summary(request: HttpRequest, public_id: UUID) -> HttpResponse:
    sesi = _sesi_or_404(request.user, public_id)
    visits = list(
        restrict(Kunjungan.objects.filter(sesi=sesi), request.user, "personal")
        .select_related("sasaran")
        .prefetch_related("pengukuran")
        .order_by("sasaran__nama")
    )
    for v in visits:
        weighed = list(v.pengukuran.all())
        v.last_p = weighed[-1] if weighed else None
    came_ids = {v.sasaran_id for v in visits}
    start, end = month_bounds(sesi.tanggal)
    referrals = restrict(
        Rujukan.objects.filter(
            sasaran__posyandu=sesi.posyandu, tanggal__gte=start, tanggal__lte=end
        ).select_related("sasaran"),
        request.user,
        "personal",
    )
    context = {
        "sesi": sesi,
        "visits": visits,
        "skdn": summary.skdn(sesi.posyandu, sesi.tanggal),
        "missing": summary.expected_not_come(sesi.posyandu, sesi.tanggal, came_ids),
        "expected": summary.expected_services(sesi.posyandu, sesi.tanggal, came_ids),
        "referrals": referrals,
    }
    return render(request, "sesi/summary.html", context)


@scoped("personal")
def sesi_register(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """F2-like register of babies and toddlers for the session's year (printable)."""
    sesi = _sesi_or_404(request.user, public_id)
    rows = summary.register_rows(sesi.posyandu, sesi.tanggal.year)
    months = list(range(1, 13))
    log_read(  # a printable register of names (issue 16: every print of personal data)
        "sesi.register",
        rows=len(rows),
        model="sasaran.Sasaran",
        object_id=str(sesi.public_id),
        wilayah_kode=sesi.posyandu.desa_id,
        metadata={"year": sesi.tanggal.year},
    )
    return render(request, "sesi/register.html", {"sesi": sesi, "rows": rows, "months": months})


def _child_charts(request: HttpRequest, public_id: UUID) -> tuple[Sasaran, list]:
    person = person_or_404(request.user, public_id, include_merged=True)
    measurements = list(person.pengukuran.all())
    return person, measurements


@scoped("personal")
def chart_svg(request: HttpRequest, public_id: UUID, key: str) -> HttpResponse:
    if key not in kms.INDICATORS:
        raise Http404
    person, measurements = _child_charts(request, public_id)
    chart = kms.build_chart(key, person, measurements)
    return render(
        request, "sesi/chart.svg", {"chart": chart}, content_type="image/svg+xml; charset=utf-8"
    )


@scoped("personal")
def child_card(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """One printable page: identity, the three charts, the last measurements."""
    person, measurements = _child_charts(request, public_id)
    charts = [kms.build_chart(key, person, measurements) for key in kms.INDICATORS]
    today = timezone.localdate()
    log_read(
        "sesi.kms_card",
        rows=1,
        model="sasaran.Sasaran",
        object_id=str(person.public_id),
        wilayah_kode=person.wilayah_kode(),
    )
    return render(
        request,
        "sesi/kartu.html",
        {
            "person": person,
            "charts": charts,
            "measurements": sorted(measurements, key=lambda m: m.tanggal, reverse=True)[:8],
            "umur_bulan": completed_months(person.tanggal_lahir, today),
            "today": today,
        },
    )
