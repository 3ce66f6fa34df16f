"""Kemendagri region codes (PP.KK.CC.DDDD): pure helpers, no database."""

import re

LEVEL_BY_LENGTH = {2: "provinsi", 5: "kabkota", 8: "kecamatan", 13: "desa"}
CODE_PATTERN = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


def level_of(kode: str) -> str:
    """The level of a code: provinsi, kabkota, kecamatan or desa. ValueError if malformed."""
    if not CODE_PATTERN.match(kode):
        raise ValueError(f"Kode wilayah tidak valid: {kode!r} (format PP.KK.CC.DDDD)")
    return LEVEL_BY_LENGTH[len(kode)]


def parent_of(kode: str) -> str | None:
    return kode.rsplit(".", 1)[0] if "." in kode else None


def ancestors_of(kode: str) -> list[str]:
    """Codes from the province down to and including `kode`."""
    parts = kode.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def undotted(kode: str) -> str:
    """The form SATUSEHAT and many other systems use: digits only."""
    return kode.replace(".", "")


def dotted(digits: str) -> str:
    """`1471011001` -> `14.71.01.1001`; accepts already dotted codes."""
    if "." in digits:
        return digits
    cuts = [2, 4, 6, 10][: {2: 1, 4: 2, 6: 3, 10: 4}.get(len(digits), 0)]
    if not cuts or not digits.isdigit():
        raise ValueError(f"Kode wilayah tidak valid: {digits!r}")
    pieces, start = [], 0
    for end in cuts:
        pieces.append(digits[start:end])
        start = end
    return ".".join(pieces)


def is_kelurahan(kode: str) -> bool:
    """Desa codes whose 4-digit part starts with 1 are kelurahan, 2 desa, 3 desa adat."""
    return level_of(kode) == "desa" and kode[-4] == "1"


def is_kota(kode: str) -> bool:
    """Kab/kota 71-99 are kota, 01-69 kabupaten."""
    return int(kode.split(".")[1]) >= 71
