"""A Posyandu day of many kader (and a few Pokjanal members on dashboards) against a running
server: search, check-in, visit page, a measurement saved with all its listeners, the task list,
the session summary and a dashboard. Started by bench/load/run.py; reads the plan it wrote."""

import itertools
import json
import os
import random
import re
import uuid

from locust import HttpUser, between, task

with open(os.environ["BENCH_PLAN"]) as plan_file:
    PLAN = json.load(plan_file)
_kader = itertools.cycle(PLAN["kader"])
_pokjanal = itertools.cycle(PLAN["pokjanal"] or [{"session": ""}])


def sign_in(user: HttpUser, who: dict) -> None:
    """Start signed in (bench/load/prepare.py made the session), with the CSRF token of a
    first page, as a kader's phone is in the morning."""
    user.client.cookies.set("sessionid", who["session"])
    user.client.get("/", name="home")
    user.client.headers["X-CSRFToken"] = user.client.cookies.get("csrftoken") or ""
    user.client.headers["Referer"] = f"{user.host}/"


class Kader(HttpUser):
    weight = 9
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.me = next(_kader)
        sign_in(self, self.me)
        self.visits: list[str] = []

    def child(self) -> list:
        return random.choice(self.me["children"])

    @task(4)
    def search(self) -> None:
        name = self.child()[1]
        self.client.get(
            f"/hari/{self.me['sesi']}/cari/?q={name[:4]}",
            headers={"HX-Request": "true"},
            name="search",
        )

    @task(2)
    def check_in(self) -> None:
        child_id = self.child()[0]
        answer = self.client.post(
            f"/hari/{self.me['sesi']}/hadir/{child_id}/", name="check-in", allow_redirects=False
        )
        found = re.search(r"/hari/kunjungan/([0-9a-f-]{36})/", answer.headers.get("Location", ""))
        if found:
            self.visits.append(found.group(1))

    @task(3)
    def visit_page(self) -> None:
        if self.visits:
            self.client.get(f"/hari/kunjungan/{random.choice(self.visits)}/", name="visit page")

    @task(3)
    def measurement(self) -> None:
        child_id, _, weight, height = self.child()  # ids and names are str, the rest float
        self.client.post(
            "/api/v1/pengukuran",
            json={
                "id": str(uuid.uuid4()),
                "sasaran_id": child_id,
                "tanggal": os.environ["BENCH_DAY"],
                "berat_kg": round(weight * random.uniform(0.97, 1.05), 1),
                "tinggi_cm": round(height * random.uniform(1.0, 1.02), 1),
                "same_day": "tambah",
            },
            name="measurement (all listeners)",
        )

    @task(1)
    def task_list(self) -> None:
        self.client.get("/tugas/", name="task list")

    @task(1)
    def summary(self) -> None:
        self.client.get(f"/hari/{self.me['sesi']}/ringkasan/", name="session summary")


class Pokjanal(HttpUser):
    weight = 1
    wait_time = between(2, 5)

    def on_start(self) -> None:
        sign_in(self, next(_pokjanal))

    @task
    def dashboard(self) -> None:
        self.client.get("/laporan/", name="dashboard")
