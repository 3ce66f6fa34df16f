"""Run by bench/load/run.py through `manage.py shell`: give every demo kader a known password,
open today's session of their Posyandu and write the plan (who, which session, which children)
that the locust users follow. Bench databases only: it changes passwords."""

import json
import os

from django.utils import timezone

from posyandu.accounts.models import Assignment
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.services import session_open

PASSWORD = os.environ["BENCH_PASSWORD"]
plan: dict[str, list[dict]] = {"kader": [], "pokjanal": []}
for a in Assignment.objects.filter(role="kader", active=True).select_related("user", "posyandu"):
    if a.posyandu is None:
        continue
    user = a.user
    user.set_password(PASSWORD)
    user.is_demo = False  # demo passwords are refused outside demo mode; this one is not
    user.save()
    sesi = session_open(posyandu=a.posyandu, tanggal=timezone.localdate(), by=user)
    children = list(
        Sasaran.objects.filter(posyandu=a.posyandu).values_list("public_id", "nama")[:200]
    )
    if children:
        plan["kader"].append(
            {
                "username": user.username,
                "sesi": str(sesi.public_id),
                "children": [[str(p), n] for p, n in children],
            }
        )
for a in Assignment.objects.filter(role__startswith="pokjanal", active=True).select_related("user"):
    a.user.set_password(PASSWORD)
    a.user.is_demo = False
    a.user.save()
    plan["pokjanal"].append({"username": a.user.username})
with open(os.environ["BENCH_PLAN"], "w") as out:
    json.dump(plan, out)
print(f"plan: {len(plan['kader'])} kader, {len(plan['pokjanal'])} pokjanal")
