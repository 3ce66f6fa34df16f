"""A measurement posted to the API in-process (no server), with the share of each derived-data
handler, on the database of the load benchmark (bench/load/run.py made its kader):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/posyandu_load \\
        .venv/bin/python manage.py shell < bench/measurement_post.py

60 kader each post a weighing of one of their balita, three rounds; the first round warms the
process and is not counted. Prints p50 / p95 / mean of the whole request and of each part."""

import dataclasses
import json
import random
import statistics
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from posyandu.accounts.models import Assignment, User
from posyandu.core import derived
from posyandu.sasaran.models import Sasaran
from posyandu.sesi import services
from posyandu.tugas import listeners as tugas_listeners

TODAY = timezone.localdate()
spent: dict[str, float] = defaultdict(float)


def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def timing(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - start

    return timing


handlers: dict[Any, Callable[..., Any]] = {}
for i, d in enumerate(derived._registry):  # noqa: SLF001 - a benchmark's instrument
    if d.handler not in handlers:
        handlers[d.handler] = timed(f"handler {d.derived}", d.handler)
    derived._registry[i] = dataclasses.replace(d, handler=handlers[d.handler])  # noqa: SLF001
tugas_listeners.flush = timed("tasks, after commit", tugas_listeners.flush)
services.measurements_evaluate = timed("growth evaluation", services.measurements_evaluate)

kader = User.objects.filter(username__startswith="bench.kader.").order_by("id")[40:100]
rng = random.Random(4)
phones = []
for user in kader:
    client = Client()
    client.force_login(user)
    posyandu = Assignment.objects.filter(user=user, posyandu__isnull=False).values_list(
        "posyandu_id", flat=True
    )[0]
    children = Sasaran.objects.filter(
        posyandu_id=posyandu, tanggal_lahir__gt=TODAY.replace(year=TODAY.year - 5)
    ).values_list("public_id", flat=True)[:30]
    phones.append((client, list(children)))

total: list[float] = []
parts: dict[str, list[float]] = defaultdict(list)
with override_settings(ALLOWED_HOSTS=["*"], TWO_FACTOR_ENFORCED=False):
    for round_ in range(3):
        for client, balita in phones:
            body = {
                "id": str(uuid.uuid4()),
                "sasaran_id": str(rng.choice(balita)),
                "tanggal": TODAY.isoformat(),
                "berat_kg": 9.5,
                "tinggi_cm": 75.0,
                "same_day": "tambah",
            }
            spent.clear()
            start = time.perf_counter()
            answer = client.post(
                "/api/v1/pengukuran", json.dumps(body), "application/json", secure=True
            )
            elapsed = time.perf_counter() - start
            assert answer.status_code in (200, 201), answer.content[:300]
            if round_:
                total.append(elapsed)
                for name in set(spent) | set(parts):
                    parts[name].append(spent.get(name, 0.0))


def figures(xs: list[float]) -> str:
    xs = sorted(xs)
    p95 = xs[round(0.95 * (len(xs) - 1))]
    return (
        f"p50 {statistics.median(xs) * 1000:5.1f} ms, p95 {p95 * 1000:5.1f} ms, "
        f"mean {statistics.mean(xs) * 1000:5.1f} ms"
    )


print(f"POST /api/v1/pengukuran ({len(total)} posts): {figures(total)}")
for name in sorted(parts):
    print(f"  {name:45s} {figures(parts[name])}")
