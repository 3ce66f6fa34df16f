from django import template

register = template.Library()


ZCLASS = {  # Permenkes category code -> colour class
    "bb_sangat_kurang": "bad",
    "bb_kurang": "warn",
    "bb_normal": "ok",
    "risiko_bb_lebih": "warn",
    "sangat_pendek": "bad",
    "pendek": "warn",
    "normal": "ok",
    "tinggi": "warn",
    "gizi_buruk": "bad",
    "gizi_kurang": "warn",
    "gizi_baik": "ok",
    "berisiko_gizi_lebih": "warn",
    "gizi_lebih": "warn",
    "obesitas": "bad",
    "mikrosefali": "warn",
    "makrosefali": "warn",
}


@register.filter
def category_class(code: str) -> str:
    return ZCLASS.get(code, "")
