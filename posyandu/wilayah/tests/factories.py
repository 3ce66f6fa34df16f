from posyandu.wilayah.codes import ancestors_of, level_of
from posyandu.wilayah.models import Wilayah


def wilayah(kode: str, nama: str | None = None) -> Wilayah:
    """The region with this code, creating it and any missing ancestors."""
    parent = None
    for code in ancestors_of(kode):
        parent, _ = Wilayah.objects.get_or_create(
            kode=code,
            defaults={
                "nama": nama if code == kode and nama else f"Wilayah {code}",
                "tingkat": level_of(code),
                "induk": parent,
            },
        )
    assert parent is not None
    return parent
