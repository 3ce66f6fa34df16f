"""A realistic, slightly dirty workbook of balita measurements for the import benchmark:
one row per child and month (the one-sheet layout), decimal commas, dates as Excel serials
and as dd/mm/yyyy text, sex as L/P, 1/2 or words, some rows without NIK, a few bad rows."""

import io
import random
from datetime import date, timedelta
from typing import Any

from openpyxl import Workbook

from posyandu.core.periods import add_months

HEADER = [
    "No", "NIK", "Nama Anak", "Tgl Lahir", "JK", "Nama Ibu", "Posyandu",
    "Tanggal Ukur", "BB (kg)", "TB (cm)", "Cara Ukur", "LiLA", "Lingkar Kepala",
]  # fmt: skip
FIRST = ["Budi", "Siti", "Ani", "Rudi", "Dewi", "Agus", "Rina", "Dodi", "Putri", "Fajar", "Nur"]
LAST = ["Santoso", "Lestari", "Saputra", "Wati", "Hidayat", "Pratama", "Sari", "Putra"]
EPOCH = date(1899, 12, 30)


def _weight(months: int, rnd: random.Random) -> float:
    return round(3.3 + months * 0.45 - max(0, months - 12) * 0.28 + rnd.gauss(0, 0.6), 1)


def _height(months: int, rnd: random.Random) -> float:
    return round(50 + months * 2.2 - max(0, months - 12) * 1.3 + rnd.gauss(0, 1.5), 1)


SYLLABLES = ["ka", "ri", "tu", "ne", "so", "ma", "li", "da", "wi", "ro", "pu", "hen"]


def _unique_word(i: int) -> str:
    """A name part of syllables spelling `i`: real names differ by letters, not by digits
    (the duplicate rules ignore digits, so "Siti 12" and "Siti 13" would be one child)."""
    word = ""
    while True:
        i, rest = divmod(i, len(SYLLABLES))
        word += SYLLABLES[rest]
        if i == 0:
            return word.capitalize()


def rows(
    count: int, *, today: date, kecamatan: str, posyandu: list[str], seed: int = 1
) -> list[list[Any]]:
    """`count` data rows: children measured on the same day of 12 consecutive months."""
    rnd = random.Random(seed)  # noqa: S311 - synthetic data
    months = 12
    out: list[list[Any]] = []
    first_day = add_months(today, -months)
    code = kecamatan.replace(".", "")
    i = -1
    while len(out) < count:
        i += 1
        born = today - timedelta(days=rnd.randint(400, 1700))
        girl = rnd.random() < 0.5
        day = born.day + (40 if girl else 0)
        nik = f"{code}{day:02d}{born.month:02d}{born.year % 100:02d}{i % 9999 + 1:04d}"
        if rnd.random() < 0.1:
            nik = ""  # no NIK yet
        name = f"{rnd.choice(FIRST)} {_unique_word(i)} {rnd.choice(LAST)}"
        mother = f"{rnd.choice(FIRST)} {_unique_word(i + 7919)}"
        sex = rnd.choice(["P", "2", "Perempuan"] if girl else ["L", "1", "Laki-laki"])
        place = posyandu[i % len(posyandu)]
        for m in range(months):
            measured = add_months(first_day, m) + timedelta(days=rnd.randint(0, 5))
            if measured > today or measured < born:
                continue  # not born yet, or a month still to come
            age = (measured - born).days // 30
            weight = _weight(age, rnd)
            height = _height(age, rnd)
            birth = (born - EPOCH).days if rnd.random() < 0.5 else born.strftime("%d/%m/%Y")
            when = (measured - EPOCH).days if rnd.random() < 0.5 else measured.strftime("%d-%m-%Y")
            row = [
                len(out) + 1, nik, name, birth, sex, mother, place, when,
                str(weight).replace(".", ","), str(height).replace(".", ","),
                "terlentang" if age < 24 else "berdiri", "", "",
            ]  # fmt: skip
            if rnd.random() < 0.005:
                row[8] = "sembilan"  # dirt: a word for a number
            out.append(row)
    return out[:count]


def workbook(data: list[list[Any]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data Balita")
    sheet.append(["Register penimbangan balita"])
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
