"""The home-visit checklist (rules/checklist.json): items per life stage and for
communicable disease (TBC symptoms), with their labels."""

from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext_lazy as _

from posyandu.core.rules import load_rule

LABELS = {
    "buku_kia": _("Has and uses the Buku KIA"),
    "anc_sesuai_jadwal": _("Pregnancy checks (ANC) on schedule"),
    "minum_ttd": _("Takes iron tablets (TTD) daily"),
    "tanda_bahaya_kehamilan": _("Pregnancy danger signs (bleeding, swelling, fever, headache)"),
    "lila_kurang": _("Upper arm (LiLA) under 23.5 cm"),
    "kf_sesuai_jadwal": _("Postpartum checks (KF) on schedule"),
    "asi_eksklusif": _("Exclusive breastfeeding"),
    "tanda_bahaya_nifas": _("Postpartum danger signs (bleeding, fever, foul discharge)"),
    "kb_pasca_persalinan": _("Uses family planning after delivery"),
    "imunisasi_sesuai_jadwal": _("Immunizations on schedule"),
    "tanda_bahaya_bayi": _("Newborn danger signs (not feeding, fever, yellow, fast breathing)"),
    "ditimbang_bulan_ini": _("Weighed this month"),
    "vitamin_a": _("Vitamin A received (February / August)"),
    "makan_kurang": _("Eats poorly or lost appetite"),
    "diare_atau_sakit": _("Diarrhoea or sick now"),
    "minum_ttd_remaja": _("Girls: takes iron tablets weekly"),
    "merokok": _("Smokes"),
    "cek_tekanan_darah_tahun_ini": _("Blood pressure checked this year"),
    "minum_obat_teratur": _("Takes prescribed medicine regularly"),
    "keluhan_berat": _("Serious complaint (chest pain, weakness on one side, short of breath)"),
    "butuh_bantuan_sehari_hari": _("Needs help with daily activities"),
    "jatuh_3_bulan": _("Fell in the last 3 months"),
    "batuk": _("Cough (any duration)"),
    "berat_turun": _("Weight loss without reason"),
    "demam": _("Fever without reason"),
    "keringat_malam": _("Night sweats without activity"),
    "kontak_tbc": _("Lives with a TB patient"),
}


@dataclass(frozen=True)
class Item:
    code: str
    alert: bool

    @property
    def label(self) -> str:
        return str(LABELS.get(self.code, self.code))


@cache
def _data() -> dict:
    return load_rule("kunjungan_rumah", "checklist").data


def version() -> str:
    return _data()["version"]


def items_for(stage: str) -> list[Item]:
    """The life-stage items, then the communicable-disease items everyone is asked."""
    data = _data()
    return [Item(i["code"], i["alert"]) for i in data["stages"].get(stage, []) + data["menular"]]


def alerts(answers: dict[str, bool], stage: str) -> list[str]:
    """Codes of ticked items that signal a problem."""
    return [i.code for i in items_for(stage) if i.alert and answers.get(i.code)]


def tb_suspect(answers: dict[str, bool]) -> bool:
    """Terduga TBC by the ILP screening: cough plus weight loss, fever or night sweats."""
    return bool(answers.get("batuk")) and any(
        answers.get(k) for k in ("berat_turun", "demam", "keringat_malam")
    )
