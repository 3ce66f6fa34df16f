"""`{{ person|hint }}`: age, last 4 digits of the NIK, RT/RW and household, to tell people
with the same name apart in search results and pickers."""

from typing import Any

from django import template
from django.utils import timezone

from posyandu.sasaran.bounds import person_hint
from posyandu.sasaran.life_stage import age_label
from posyandu.sasaran.nik import mask_nik as _mask_nik

register = template.Library()


@register.filter
def hint(person: Any) -> str:
    return person_hint(person, timezone.localdate())


@register.filter
def umur(born: Any, on: Any = None) -> str:
    """`{{ person.tanggal_lahir|umur }}` (today) or `|umur:tanggal`: "14 bulan", "39 tahun"
    (sasaran.life_stage.age_label, the one age formatter)."""
    if not born:
        return ""
    return age_label(born, on or timezone.localdate())


@register.filter
def mask_nik(nik: Any) -> str:
    """`{{ person.nik|mask_nik }}`: 1471********0001 (the full NIK only where needed)."""
    return _mask_nik(str(nik) if nik else "")
