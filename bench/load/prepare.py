"""Run by bench/load/run.py through `manage.py shell`: make a kader for each of up to
BENCH_KADER Posyandu (300) with a known password, open today's session of each Posyandu and
write the plan (who, which session, which balita with a plausible weight and length) that the
locust users follow. Bench databases only: it changes passwords."""

import json
import os
from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from posyandu.accounts.models import Assignment, Role, User
from posyandu.fasilitas.models import Posyandu
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.models import Pengukuran
from posyandu.sesi.services import session_open

TODAY = timezone.localdate()


def plausible(born, weight, height) -> tuple[float, float]:
    """A weight and length the child could have today: its last measurement, or a rough growth
    curve by age (about the WHO median) when it has none. A load test of implausible values
    would measure the 422 path, not the listeners."""
    if weight and height:
        return float(weight), float(height)
    months = max(0, (TODAY - born).days // 30)
    return (
        3.3
        + 0.6 * min(months, 6)
        + 0.35 * max(0, min(months, 12) - 6)
        + 0.18 * max(0, months - 12),
        50.0 + 2.6 * min(months, 6) + 1.5 * max(0, min(months, 12) - 6) + 0.8 * max(0, months - 12),
    )


last = Pengukuran.objects.filter(sasaran=OuterRef("pk")).order_by("-tanggal")

PASSWORD = make_password(os.environ["BENCH_PASSWORD"])  # hashed once for every bench user
KADER = int(os.environ.get("BENCH_KADER", "300"))


def bench_user(username: str, **assignment: Any) -> User:
    """A user of the bench with the known password (demo passwords are refused outside demo
    mode; this one is not)."""
    user, _ = User.objects.update_or_create(
        username=username, defaults={"password": PASSWORD, "is_demo": False}
    )
    Assignment.objects.get_or_create(user=user, **assignment)
    return user


def signed_in(user: User) -> str:
    """A session of the user, as after signing in: the locust users start with it, because
    signing in (a deliberately slow password hash) is once a day, not part of the day's mix."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "posyandu.accounts.backends.PlatformBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


# One kader per Posyandu, as on a real Posyandu day: each locust kader its own session.
plan: dict[str, list[dict]] = {"kader": [], "pokjanal": []}
with_balita = (
    Posyandu.objects.filter(sasaran__tanggal_lahir__gt=TODAY - timedelta(days=5 * 365))
    .distinct()
    .order_by("id")[:KADER]
)
for number, posyandu in enumerate(with_balita, 1):
    user = bench_user(f"bench.kader.{number}", role=Role.KADER, posyandu=posyandu)
    sesi = session_open(posyandu=posyandu, tanggal=TODAY, by=user)
    balita = (
        Sasaran.objects.filter(
            posyandu=posyandu,
            tanggal_lahir__gt=TODAY - timedelta(days=5 * 365),
            tanggal_lahir__lte=TODAY,
        )
        .annotate(
            weight=Subquery(last.values("berat_kg")[:1]),
            height=Subquery(last.values("tinggi_cm")[:1]),
        )
        .values_list("public_id", "nama", "tanggal_lahir", "weight", "height")[:200]
    )
    children = [[str(p), n, *plausible(born, w, h)] for p, n, born, w, h in balita]
    plan["kader"].append(
        {
            "username": user.username,
            "session": signed_in(user),
            "sesi": str(sesi.public_id),
            "children": children,
        }
    )
for a in Assignment.objects.filter(role__startswith="pokjanal", active=True).select_related("user"):
    a.user.password, a.user.is_demo = PASSWORD, False
    a.user.save(update_fields=["password", "is_demo"])
    plan["pokjanal"].append({"username": a.user.username, "session": signed_in(a.user)})
with open(os.environ["BENCH_PLAN"], "w") as out:
    json.dump(plan, out)
print(f"plan: {len(plan['kader'])} kader of as many Posyandu, {len(plan['pokjanal'])} pokjanal")
