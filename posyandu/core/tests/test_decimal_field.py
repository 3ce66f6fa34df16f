"""The shared decimal field and the API's decimal type read what people type."""

from decimal import Decimal

import pytest
from django import forms
from ninja import Schema
from pydantic import ValidationError

from posyandu.core.forms import DecimalCommaField
from posyandu.core.numbers import DecimalIn


class _Form(forms.Form):
    berat_kg = DecimalCommaField(required=False, decimal_places=2, max_digits=5)


@pytest.mark.parametrize(("typed", "read"), [("9,5", "9.5"), ("9.5", "9.5"), (" 12,25 ", "12.25")])
def test_field_reads_comma_and_dot(typed, read):
    form = _Form({"berat_kg": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["berat_kg"] == Decimal(read)


def test_field_refuses_text_and_renders_a_decimal_text_box():
    form = _Form({"berat_kg": "9,5 kg"})
    assert not form.is_valid() and "berat_kg" in form.errors
    html = str(_Form(initial={"berat_kg": Decimal("9.5")})["berat_kg"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html and "step" not in html
    assert 'value="9,5"' in html  # a stored value shown as it is typed in Indonesian


class _In(Schema):
    berat_kg: DecimalIn = None


def test_api_type_reads_comma_dot_and_numbers():
    assert _In.model_validate({"berat_kg": "9,5"}).berat_kg == Decimal("9.5")
    assert _In.model_validate({"berat_kg": "9.5"}).berat_kg == Decimal("9.5")
    assert _In.model_validate({"berat_kg": 9.5}).berat_kg == Decimal("9.5")
    assert _In().berat_kg is None
    with pytest.raises(ValidationError, match="Bukan angka"):
        _In.model_validate({"berat_kg": "9,5,1"})
