import pytest
from django import forms

from posyandu.core.forms import choice_field, model_choice_field
from posyandu.wilayah.models import Wilayah


class _Form(forms.Form):
    colour = forms.ChoiceField(choices=[("r", "red")])
    region = forms.ModelChoiceField(queryset=Wilayah.objects.none())
    note = forms.CharField()


def test_choice_field_is_the_forms_own_field() -> None:
    form = _Form()
    choice_field(form, "colour").choices = [("g", "green")]
    assert choice_field(form, "colour") is form.fields["colour"]
    assert choice_field(form, "colour").choices == [("g", "green")]
    assert model_choice_field(form, "region") is form.fields["region"]


def test_other_fields_are_refused() -> None:
    with pytest.raises(TypeError, match="_Form.note is not a choice field"):
        choice_field(_Form(), "note")
    with pytest.raises(TypeError, match="_Form.colour is not a model choice field"):
        model_choice_field(_Form(), "colour")
