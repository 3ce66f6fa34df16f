"""Form helpers shared by the apps."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats

from posyandu.core.numbers import NotANumber, parse_decimal


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """`form.fields[name]` as the choice field it is: `fields` holds plain `Field`s for the type
    checker, so setting `choices` needs this narrowing."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a choice field")
    return field


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """`form.fields[name]` as the model choice field it is, to set its `queryset`."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a model choice field")
    return field


class DecimalInput(forms.TextInput):
    """A text box that opens the phone's number pad with a decimal mark (`inputmode="decimal"`):
    `type="number"` drops or misreads the Indonesian comma ("9,5" became 95 in some browsers)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        """A stored value shown the way it is typed here: "9,5" in Indonesian."""
        if isinstance(value, Decimal | float) and not isinstance(value, bool):
            return formats.number_format(value, use_l10n=True)
        return super().format_value(value)


class DecimalCommaField(forms.DecimalField):
    """A decimal as people type it: "9,5" or "9.5", read by `core.numbers.parse_decimal` (the
    one parser); anything else is refused with the field's "Enter a number." message."""

    widget = DecimalInput

    # django-stubs gives DecimalField the to_python of IntegerField (int | None); Django's
    # DecimalField.to_python returns a Decimal, as this one does.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        try:
            return parse_decimal(value)
        except NotANumber:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # DecimalField adds `step` for a number input; a text box has none.
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        return attrs
