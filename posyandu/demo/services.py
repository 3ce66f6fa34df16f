"""Builds the demo: Kota Pekanbaru (14.71) and Kabupaten Seluma (17.05), where the project
started, with their real kecamatan and desa/kelurahan and invented facilities and people."""

import random
from dataclasses import dataclass
from datetime import date
from types import ModuleType

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from posyandu.accounts.models import Assignment, Role, User
from posyandu.audit.recorder import log
from posyandu.demo.names import FAMILY_NAMES, FEMALE_NAMES, POSYANDU_NAMES
from posyandu.demo.seed import imunisasi as seed_imunisasi
from posyandu.demo.seed import kia as seed_kia
from posyandu.demo.seed import laporan as seed_laporan
from posyandu.demo.seed import pokjanal as seed_pokjanal
from posyandu.demo.seed import satusehat as seed_satusehat
from posyandu.demo.seed import sesi as seed_sesi
from posyandu.demo.seed import skrining as seed_skrining
from posyandu.demo.seed import tugas as seed_tugas
from posyandu.fasilitas.models import Posyandu, Puskesmas, Pustu
from posyandu.kader.models import Kader
from posyandu.wilayah.codes import is_kelurahan
from posyandu.wilayah.models import Wilayah

DEMO_REGIONS = ("14.71", "17.05")
DEMO_PASSWORD = "Posyandu#Demo2026"  # noqa: S105 - demo mode only, printed on purpose


class DemoError(Exception):
    pass


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    place: str


def demo_exists() -> bool:
    return User.objects.filter(is_demo=True).exists()


def demo_logins() -> list[DemoLogin]:
    logins = []
    for user in User.objects.filter(is_demo=True).order_by("username"):
        assignment = user.assignments.select_related(
            "wilayah", "puskesmas", "pustu", "posyandu"
        ).first()
        logins.append(
            DemoLogin(
                username=user.username,
                role=assignment.role_label if assignment else "",
                place=assignment.place_label if assignment else "",
            )
        )
    return logins


@transaction.atomic
def seed_facilities(rng: random.Random, small: bool = False) -> dict[str, int]:
    """A Puskesmas per kecamatan, a Pustu per desa, Posyandu and kader in every desa.
    `small`: only the first kecamatan, desa and Posyandu of each region (the test suite's
    demo, seconds instead of minutes)."""
    missing = [k for k in DEMO_REGIONS if not Wilayah.objects.filter(kode=k).exists()]
    if missing:
        raise DemoError(
            f"Wilayah {', '.join(missing)} belum ada. Jalankan dulu: manage.py import_wilayah"
        )
    counts = {"puskesmas": 0, "pustu": 0, "posyandu": 0, "kader": 0}
    for region in DEMO_REGIONS:
        kecamatan_list = Wilayah.objects.filter(induk_id=region).order_by("kode")
        for kecamatan in kecamatan_list[:1] if small else kecamatan_list:
            desa_list = list(Wilayah.objects.filter(induk=kecamatan).order_by("kode"))
            desa_list = desa_list[:1] if small else desa_list
            puskesmas = Puskesmas.objects.create(
                nama=f"Puskesmas {kecamatan.nama}",
                kecamatan=kecamatan,
                kode=f"P{kecamatan.kode.replace('.', '')}01",
            )
            puskesmas.wilayah_kerja.set(desa_list)
            counts["puskesmas"] += 1
            for desa in desa_list:
                pustu = Pustu.objects.create(
                    nama=f"Pustu {desa.nama}", puskesmas=puskesmas, desa=desa
                )
                counts["pustu"] += 1
                posyandu = _posyandu_for(desa, puskesmas, pustu, rng, most=1 if small else None)
                counts["posyandu"] += len(posyandu)
                counts["kader"] += _kader_for(posyandu, rng)
    return counts


def _posyandu_for(
    desa: Wilayah, puskesmas: Puskesmas, pustu: Pustu, rng: random.Random, most: int | None
) -> list[Posyandu]:
    # Kelurahan in the city are denser than rural desa.
    n = rng.randint(3, 6) if is_kelurahan(desa.kode) else rng.randint(1, 3)
    n = min(n, most or n)
    names = rng.sample(POSYANDU_NAMES, n)
    unit = "RW" if is_kelurahan(desa.kode) else "Dusun"
    rows = [
        Posyandu(
            nama=f"Posyandu {name}",
            desa=desa,
            puskesmas=puskesmas,
            pustu=pustu,
            kode=f"{desa.kode.replace('.', '')}{i + 1:02d}",
            wilayah_layanan=f"{unit} {i + 1:02d}" if unit == "RW" else f"Dusun {_roman(i + 1)}",
            is_prima=(i == 0 and rng.random() < 0.3),
        )
        for i, name in enumerate(names)
    ]
    return Posyandu.objects.bulk_create(rows)


def _kader_for(posyandu: list[Posyandu], rng: random.Random) -> int:
    rows = []
    for p in posyandu:
        # About one Posyandu in five has fewer than the five kader the guideline asks for.
        n = rng.choice([3, 4]) if rng.random() < 0.2 else rng.randint(5, 7)
        for _ in range(n):
            rows.append(
                Kader(
                    posyandu=p,
                    nama=f"{rng.choice(FEMALE_NAMES)} {rng.choice(FAMILY_NAMES)}",
                    telepon=f"08{rng.randint(11, 99)}{rng.randint(10_000_000, 99_999_999)}",
                    aktif=rng.random() > 0.08,
                )
            )
    Kader.objects.bulk_create(rows)
    return len(rows)


def _roman(n: int) -> str:
    return ["I", "II", "III", "IV", "V", "VI", "VII"][n - 1]


def _demo_user(username: str, name: str, role: Role, **target: object) -> User:
    first, _, last = name.partition(" ")
    user = User.objects.create_user(
        username=username,
        password=DEMO_PASSWORD,
        first_name=first,
        last_name=last,
        is_demo=True,
        is_superuser=role == Role.ADMIN,
        is_staff=role == Role.ADMIN,
    )
    Assignment.objects.create(user=user, role=role, **target)
    return user


@transaction.atomic
def seed_users() -> None:
    """One demo user per role, in Pekanbaru; a kader and a Dinkes user in Seluma too."""
    for region, tag in (("14.71", "pekanbaru"), ("17.05", "seluma")):
        kecamatan = Wilayah.objects.filter(induk_id=region).order_by("kode").first()
        puskesmas = Puskesmas.objects.get(kecamatan=kecamatan)
        posyandu = Posyandu.objects.filter(desa__induk=kecamatan).order_by("desa_id", "id").first()
        kader_user = _demo_user(
            f"kader.{tag}", f"Kader {tag.title()}", Role.KADER, posyandu=posyandu
        )
        kader = Kader.objects.filter(posyandu=posyandu).order_by("id").first()
        assert posyandu is not None and kader is not None  # made by the seed steps above
        kader.user, kader.aktif = kader_user, True
        kader.save(update_fields=["user", "aktif"])
        _demo_user(f"dinkes.{tag}", f"Dinkes {tag.title()}", Role.DINKES, wilayah_id=region)
        if tag != "pekanbaru":
            continue
        _demo_user(
            "bidan.pekanbaru",
            "Bidan Pekanbaru",
            Role.BIDAN,
            wilayah=posyandu.desa,
            pustu=posyandu.pustu,
        )
        _demo_user("puskesmas.pekanbaru", "Petugas Puskesmas", Role.PUSKESMAS, puskesmas=puskesmas)
        _demo_user(
            "pokjanal.kecamatan",
            "Pokjanal Kecamatan",
            Role.POKJANAL_KECAMATAN,
            wilayah=kecamatan,
            opd="Kecamatan (Camat)",
        )
        _demo_user(
            "pokjanal.kota",
            "Pokjanal Kota",
            Role.POKJANAL_KABKOTA,
            wilayah_id=region,
            opd="DPMPTSP / Bappeda",
        )
    _demo_user("admin", "Admin Demo", Role.ADMIN)


# Later steps add residents and their history. Each is a module of posyandu/demo/seed/ with
# `seed(rng: random.Random, today: date) -> dict[str, int]` (counts of what it made), run in
# this order after the facilities and users exist. Domain apps never import them.
DEMO_STEPS: list[ModuleType] = [
    seed_satusehat,
    seed_sesi,
    seed_imunisasi,
    seed_kia,
    seed_skrining,
    seed_tugas,
    seed_laporan,
    seed_pokjanal,
]


def seed_demo(seed: int = 2026, today: date | None = None, small: bool = False) -> dict[str, int]:
    if demo_exists():
        raise DemoError("Demo sudah ada.")
    rng = random.Random(seed)
    today = today or timezone.localdate()
    # With DEBUG on, Django keeps (and quotes the parameters of) every SQL statement; the
    # demo bulk-inserts ~700,000 rows and spent about a fifth of its time on that log.
    with override_settings(DEBUG=False):
        counts = seed_facilities(rng, small)
        seed_users()
        for step in DEMO_STEPS:
            counts.update(step.seed(rng, today))
    log("import", model="demo", metadata={"seed": seed, **counts})
    return counts
