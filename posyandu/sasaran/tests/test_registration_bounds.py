"""Registration refuses what cannot be true (issue 11, section 3): a pregnant child, a mother
too young for her child, NIK digits of another script, birth dates outside 1900..today; it
records a baby's birth weight, length and RT/RW, and tells people with the same name apart."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from posyandu.core.forms import model_choice_field
from posyandu.core.periods import add_months
from posyandu.kia.services import KiaError, pregnancy_register
from posyandu.sasaran import bounds
from posyandu.sasaran.forms import SasaranForm
from posyandu.sasaran.life_stage import completed_months, completed_years
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.nik import nik_errors, parse_nik
from posyandu.sasaran.tests.factories import KeluargaFactory, SasaranFactory
from posyandu.sesi.tests.factories import SesiFactory
from tests.clock import TODAY

NIK = "1471011708900003"


def form_data(world, **extra):
    data = {
        "posyandu": world.posyandu_a.pk,
        "nama": "Bayi Baru",
        "jenis_kelamin": "P",
        "tanggal_lahir": "2026-02-01",
        "nama_ibu": "Rina",
        "persetujuan_oleh": "Rina",
        "persetujuan_hubungan": "ibu",
        "persetujuan_tujuan": ["pelayanan"],
        "punya_buku_kia": "on",
    }
    data.update(extra)
    return data


def years_ago(years: int, days: int = 0) -> date:
    return add_months(TODAY, -12 * years) - timedelta(days=days)


# --- pregnancy only for women of reproductive age ------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("born", "sex", "refused"),
    [
        (years_ago(8), "P", True),  # a child of 8
        (years_ago(10, days=-1), "P", True),  # 10 tomorrow: still 9
        (years_ago(10), "P", False),  # 10th birthday today
        (years_ago(30), "P", False),
        (years_ago(55), "P", False),
        (years_ago(56), "P", True),
        (years_ago(30), "L", True),  # a man
    ],
)
def test_pregnancy_only_for_women_10_to_55(world, born, sex, refused):
    woman = SasaranFactory.create(posyandu=world.posyandu_a, jenis_kelamin=sex, tanggal_lahir=born)
    register = lambda: pregnancy_register(  # noqa: E731
        sasaran=woman, tanggal_daftar=TODAY, by=None, hpht=TODAY - timedelta(weeks=10)
    )
    if refused:
        with translation.override("id"), pytest.raises(KiaError) as caught:
            register()
        assert str(caught.value).startswith(
            (
                "Kehamilan hanya dapat dicatat untuk perempuan berumur 10 sampai 55 tahun",
                "Hanya perempuan",
            )
        )
    else:
        assert register().sasaran == woman


def test_pregnancy_message_names_the_age(db):
    with translation.override("id"):
        message = bounds.pregnancy_error(jenis_kelamin="P", born=years_ago(8), on=TODAY)
    assert message == (
        "Kehamilan hanya dapat dicatat untuk perempuan berumur 10 sampai 55 tahun; orang ini "
        "berumur 8 tahun. Periksa tanggal lahirnya."
    )


def test_register_pregnancy_panel_not_offered_to_a_girl_of_8(client, world):
    girl = SasaranFactory.create(
        posyandu=world.posyandu_a, jenis_kelamin="P", tanggal_lahir=years_ago(8)
    )
    teen = SasaranFactory.create(
        posyandu=world.posyandu_a, jenis_kelamin="P", tanggal_lahir=years_ago(14)
    )
    from posyandu.kia.panels import panel_context

    assert panel_context(girl, TODAY)["mode"] == ""
    assert panel_context(teen, TODAY)["mode"] == "daftar"  # 14: was hidden by a 15-49 band


# --- the mother --------------------------------------------------------------------------


def test_mother_must_be_10_to_55_years_older(client, world):
    client.force_login(world.kader_a)
    too_young = SasaranFactory.create(
        posyandu=world.posyandu_a, nama="Siti", jenis_kelamin="P", tanggal_lahir=date(2018, 3, 1)
    )
    ok = SasaranFactory.create(
        posyandu=world.posyandu_a, nama="Siti", jenis_kelamin="P", tanggal_lahir=date(1995, 3, 1)
    )
    with translation.override("id"):
        response = client.post(
            reverse("sasaran:new"), form_data(world, ibu=too_young.pk), HTTP_ACCEPT_LANGUAGE="id"
        )
    # an 8-year-old is not even offered as a mother
    assert response.status_code == 200
    assert not Sasaran.objects.filter(nama="Bayi Baru").exists()
    form = response.context["form"]
    assert too_young not in form.fields["ibu"].queryset
    assert ok in form.fields["ibu"].queryset

    # offered (old enough today) but only 9 years older than this child
    older_child_mother = SasaranFactory.create(
        posyandu=world.posyandu_a, nama="Ani", jenis_kelamin="P", tanggal_lahir=date(2005, 1, 1)
    )
    response = client.post(
        reverse("sasaran:new"),
        form_data(world, ibu=older_child_mother.pk, tanggal_lahir="2014-01-01"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ibu"] == [
        "Ibu harus 10 sampai 55 tahun lebih tua daripada anak (ibu ini lahir 01-01-2005, anak "
        "lahir 01-01-2014)."
    ]
    response = client.post(reverse("sasaran:new"), form_data(world, ibu=ok.pk))
    assert Sasaran.objects.get(nama="Bayi Baru").ibu == ok


def test_mother_error_bounds():
    child = date(2026, 2, 1)
    assert bounds.mother_born_range(child) == (date(1971, 2, 1), date(2016, 2, 1))
    assert (
        bounds.mother_error(mother_sex="P", mother_born=date(2016, 2, 1), child_born=child) is None
    )
    assert bounds.mother_error(mother_sex="P", mother_born=date(2016, 2, 2), child_born=child)
    assert bounds.mother_error(mother_sex="P", mother_born=date(1971, 1, 31), child_born=child)
    assert bounds.mother_error(mother_sex="L", mother_born=date(1990, 1, 1), child_born=child)


# --- same names told apart ---------------------------------------------------------------


def test_same_names_told_apart_in_search_and_picker(client, world):
    client.force_login(world.kader_a)
    rumah = KeluargaFactory.create(
        posyandu=world.posyandu_a, kepala_keluarga="Sutrisno", rt="002", rw="005"
    )
    SasaranFactory.create(
        posyandu=world.posyandu_a,
        nama="Siti Aminah",
        jenis_kelamin="P",
        tanggal_lahir=date(1994, 5, 2),
        nik="1471014205940007",
        keluarga=rumah,
    )
    SasaranFactory.create(
        posyandu=world.posyandu_a,
        nama="Siti Aminah",
        jenis_kelamin="P",
        tanggal_lahir=date(1980, 1, 9),
        rt="007",
        rw="001",
    )
    with translation.override("id"):
        page = client.get(reverse("sasaran:list"), {"q": "siti aminah"}).content.decode()
    a, b = completed_years(date(1994, 5, 2), TODAY), completed_years(date(1980, 1, 9), TODAY)
    assert f"{a} tahun · NIK …0007 · RT 002/RW 005 · KK Sutrisno" in page  # 32 tahun on 16-09-2026
    assert f"{b} tahun · RT 007/RW 001" in page

    with translation.override("id"):
        form = SasaranForm(user=world.kader_a, posyandu_qs=world.posyandu_a.__class__.objects.all())
        field = model_choice_field(form, "ibu")
        assert field.queryset is not None
        labels = [field.label_from_instance(p) for p in field.queryset]
    assert f"Siti Aminah ({a} tahun · NIK …0007 · RT 002/RW 005 · KK Sutrisno)" in labels
    assert f"Siti Aminah ({b} tahun · RT 007/RW 001)" in labels


def test_checkin_search_tells_same_names_apart(client, world):
    client.force_login(world.kader_a)
    sesi = SesiFactory.create(posyandu=world.posyandu_a, tanggal=TODAY)
    for born in (date(2025, 1, 15), date(2024, 3, 1)):
        SasaranFactory.create(posyandu=world.posyandu_a, nama="Budi", tanggal_lahir=born)
    with translation.override("id"):
        page = client.get(reverse("sesi:search", args=[sesi.public_id]), {"q": "budi"})
    text = page.content.decode()
    ages = [completed_months(born, TODAY) for born in (date(2025, 1, 15), date(2024, 3, 1))]
    assert f"{ages[0]} bulan" in text and f"{ages[1]} bulan" in text  # 20 and 30 on 16-09-2026


# --- sex, baby at birth, RT/RW -----------------------------------------------------------


def test_sex_has_no_preselected_value(client, world):
    client.force_login(world.kader_a)
    page = client.get(reverse("sasaran:new")).content.decode()
    radios = [line for line in page.split("<input") if 'name="jenis_kelamin"' in line]
    assert len(radios) == 2  # L and P only: no "---------" choice
    assert not any("checked" in r for r in radios)
    response = client.post(reverse("sasaran:new"), form_data(world, jenis_kelamin=""))
    assert response.context["form"].errors["jenis_kelamin"]


def test_baby_birth_weight_length_and_rt_rw_recorded(client, world):
    client.force_login(world.kader_a)
    client.post(
        reverse("sasaran:new"),
        form_data(world, berat_lahir_g="3150", panjang_lahir_cm="49,5", rt="2", rw="05"),
    )
    baby = Sasaran.objects.get(nama="Bayi Baru")
    assert (baby.berat_lahir_g, baby.panjang_lahir_cm, baby.rt, baby.rw) == (
        3150,
        Decimal("49.5"),
        "002",
        "005",
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("berat_lahir_g", "31500", "Berat lahir harus antara 300 dan 6500 gram."),
        ("berat_lahir_g", "3,2", "Masukkan bilangan bulat."),
        ("panjang_lahir_cm", "495", "Panjang lahir harus antara 20 dan 65 cm."),
        ("rt", "0a2", "RT dan RW berupa angka, misalnya 002."),
    ],
)
def test_baby_values_refused_with_a_message(client, world, field, value, message):
    client.force_login(world.kader_a)
    response = client.post(reverse("sasaran:new"), form_data(world, **{field: value}))
    assert response.context["form"].errors[field] == [message]
    assert not Sasaran.objects.filter(nama="Bayi Baru").exists()


# --- NIK: ASCII digits only ----------------------------------------------------------------


def test_nik_other_script_digits_refused(world):
    arabic = "".join(chr(0x0660 + int(d)) for d in NIK)  # ١٤٧١...
    assert arabic.isdigit()  # what let it through before
    assert nik_errors(arabic, kecamatan_exists=lambda _k: True) == ["NIK hanya boleh berisi angka."]
    with pytest.raises(ValueError):
        parse_nik(arabic)
    fullwidth = "".join(chr(0xFF10 + int(d)) for d in NIK)
    assert nik_errors(fullwidth, kecamatan_exists=lambda _k: True)


def test_register_with_arabic_indic_nik_refused(client, world):
    client.force_login(world.kader_a)
    arabic = "".join(chr(0x0660 + int(d)) for d in NIK)
    response = client.post(reverse("sasaran:new"), form_data(world, nik=arabic))
    assert response.context["form"].errors["nik"] == ["NIK hanya boleh berisi angka."]
    assert not Sasaran.objects.filter(nama="Bayi Baru").exists()


# --- birth dates 1900..today ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1899-12-31", "Tanggal lahir tidak boleh sebelum 01-01-1900."),
        (
            (TODAY + timedelta(days=1)).isoformat(),
            f"Tanggal lahir tidak boleh setelah hari ini ({TODAY:%d-%m-%Y}).",
        ),
        ("2026-02-30", "Masukkan tanggal yang valid."),
        ("2026-01-00", "Masukkan tanggal yang valid."),
        ("2026-01-32", "Masukkan tanggal yang valid."),
    ],
)
def test_birth_date_bounded(client, world, value, message):
    client.force_login(world.kader_a)
    response = client.post(reverse("sasaran:new"), form_data(world, tanggal_lahir=value))
    assert response.context["form"].errors["tanggal_lahir"] == [message]


def test_birth_date_bounds_in_api(client, world):
    client.force_login(world.kader_a)
    response = client.post(
        "/api/v1/sasaran",
        {
            "posyandu_id": str(world.posyandu_a.public_id),
            "nama": "Kakek",
            "jenis_kelamin": "L",
            "tanggal_lahir": "1850-01-01",
            "persetujuan_oleh": "Kakek",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "01-01-1900" in response.json()["detail"]


def test_mother_picker_offers_only_plausible_mothers(client, world):
    """Issue 11 review: the "Ibu" picker listed women of 57-85; it offers women aged 10 to 60
    today (birth date not known yet) and, editing a child, women 10-55 years older than it."""

    def woman(name, years, days=0):
        born = date(TODAY.year - years, TODAY.month, TODAY.day) - timedelta(days=days)
        return SasaranFactory.create(
            posyandu=world.posyandu_a, nama=name, jenis_kelamin="P", tanggal_lahir=born
        )

    girl_9 = woman("Umur 9", 10, days=-1)  # turns 10 tomorrow
    aged_10 = woman("Umur 10", 10)
    aged_60 = woman("Umur 60", 61, days=-1)  # 61 tomorrow
    aged_61 = woman("Umur 61", 61)
    old = [woman(f"Nenek {y}", y) for y in (57 + 5, 70, 85)]
    sesi = SesiFactory.create(posyandu=world.posyandu_a, tanggal=TODAY)
    client.force_login(world.kader_a)
    for url in (reverse("sasaran:new"), reverse("sesi:person_new", args=[sesi.public_id])):
        offered = set(client.get(url).context["form"].fields["ibu"].queryset)
        assert {aged_10, aged_60} <= offered, url
        assert not offered & {girl_9, aged_61, *old}, url

    # editing a child born 2020-01-01: her plausible mothers, 10-55 years older than her
    child = SasaranFactory.create(
        posyandu=world.posyandu_a, nama="Anak", jenis_kelamin="L", tanggal_lahir=date(2020, 1, 1)
    )
    mother_30 = SasaranFactory.create(
        posyandu=world.posyandu_a, nama="Ibu", jenis_kelamin="P", tanggal_lahir=date(1990, 1, 1)
    )
    page = client.get(reverse("sasaran:edit", args=[child.public_id]))
    offered = set(page.context["form"].fields["ibu"].queryset)
    assert mother_30 in offered and aged_60 in offered  # born 1965-09: 54 years older
    assert aged_10 not in offered  # born 2016: only 4 years older than the child
    assert child not in offered

    # the save check stays: a woman of 61 is refused with the reason, not a silent drop
    response = client.post(reverse("sasaran:new"), form_data(world, ibu=aged_61.pk))
    assert response.status_code == 200
    assert "ibu" in response.context["form"].errors
    assert not Sasaran.objects.filter(nama="Bayi Baru").exists()
