"""Screening results can be voided with a reason (screens and service: sesi, core). A wrong
answer is corrected by voiding the result and screening again: the category follows the
answers, so editing one field alone would leave it wrong."""

from django.utils.translation import gettext_lazy as _

from posyandu.core.registry import Correctable, register_correctable
from posyandu.skrining.models import HasilSkrining


def register() -> None:
    register_correctable(
        Correctable(HasilSkrining, _("screening result"), fields=lambda r: [], part_of="kunjungan")
    )
