"""The requests of the load mix in-process (no server): CPU time and statements of each, which a
shared machine stretches less than the wall time of bench/load/run.py. On the database and
plan of the last load run, with its settings:

    SECRET_KEY=load-benchmark SECURE_COOKIES=false HTTPS=false ALLOWED_HOSTS=127.0.0.1 \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/posyandu_load \\
        .venv/bin/python manage.py shell < bench/load/pages.py

Ten kader, 30 requests of each kind (check-ins first: the visit pages open their visits).
Prints wall and CPU p50 and the statements sent, per request kind."""

import json
import os
import random
import re
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import connection
from django.test import Client
from django.utils import timezone

from growthstandards.tables import preload as preload_growth_tables
from posyandu.demo.management.commands.laporan_bench import StatementCounter

ROUNDS = 30
# the newest plan of bench/load/run.py (it works in a fresh temporary directory)
plan_file = max(Path(tempfile.gettempdir()).glob("posyandu-load-*/plan.json"), key=os.path.getmtime)
PLAN = json.loads(plan_file.read_text())
rng = random.Random(3)
today = timezone.localdate().isoformat()
visits: dict[str, list[str]] = defaultdict(list)


def signed_in(who: dict) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = who["session"]
    client.get("/")
    client.defaults["HTTP_X_CSRFTOKEN"] = client.cookies["csrftoken"].value
    return client


def check_in(client: Client, me: dict) -> Any:
    answer = client.post(f"/hari/{me['sesi']}/hadir/{rng.choice(me['children'])[0]}/")
    found = re.search(r"/hari/kunjungan/([0-9a-f-]{36})/", answer.get("Location", ""))
    if found:
        visits[me["username"]].append(found.group(1))
    return answer


def search(client: Client, me: dict) -> Any:
    name = rng.choice(me["children"])[1]
    return client.get(f"/hari/{me['sesi']}/cari/?q={name[:4]}", HTTP_HX_REQUEST="true")


def visit_page(client: Client, me: dict) -> Any:
    return client.get(f"/hari/kunjungan/{rng.choice(visits[me['username']])}/")


def measurement(client: Client, me: dict) -> Any:
    child_id, _name, weight, height = rng.choice(me["children"])
    body = {
        "id": str(uuid.uuid4()),
        "sasaran_id": child_id,
        "tanggal": today,
        "berat_kg": round(weight * rng.uniform(0.97, 1.05), 1),
        "tinggi_cm": round(height * rng.uniform(1.0, 1.02), 1),
        "same_day": "tambah",
    }
    return client.post("/api/v1/pengukuran", json.dumps(body), content_type="application/json")


def task_list(client: Client, me: dict) -> Any:
    return client.get("/tugas/")


def summary(client: Client, me: dict) -> Any:
    return client.get(f"/hari/{me['sesi']}/ringkasan/")


preload_growth_tables()  # as the server does at start
kader = [(signed_in(me), me) for me in PLAN["kader"][:10]]
pokjanal = signed_in(PLAN["pokjanal"][0])
KINDS: dict[str, Callable[[Client, dict], Any]] = {
    "check-in": check_in,
    "search": search,
    "visit page": visit_page,
    "measurement": measurement,
    "task list": task_list,
    "session summary": summary,
    "dashboard": lambda _client, _me: pokjanal.get("/laporan/"),
}
for name, request in KINDS.items():
    walls, cpus, sent = [], [], []
    for i in range(ROUNDS):
        client, me = kader[i % len(kader)]
        counted = StatementCounter()
        with connection.execute_wrapper(counted):
            wall, cpu = time.perf_counter(), time.process_time()
            answer = request(client, me)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        assert answer.status_code < 400, (name, answer.status_code)
        sent.append(counted.statements)
    print(
        f"{name:16} wall p50 {statistics.median(walls) * 1000:6.1f} ms"
        f"  CPU p50 {statistics.median(cpus) * 1000:6.1f} ms"
        f"  statements {statistics.mean(sent):5.1f}"
    )
