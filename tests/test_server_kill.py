"""kill -9 of the production server during writes loses nothing it acknowledged, and a job whose
worker is killed runs again.

The real thing, end to end: a fresh database (SQLite file, or a fresh PostgreSQL database when
DATABASE_URL points at a server), the demo, gunicorn with the deploy/ configuration, a kader
registering people through the API from three threads, `kill -9` of every gunicorn process in
the middle, a restart, and every person whose registration was answered 201 is there. Then the
job worker (`db_worker`) killed in the middle of a job, and the timer's `enqueue_jobs` running
it again."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server_env(tmp_path: Path):
    env = {
        **os.environ,
        "DEBUG": "true",  # the demo logins exist only in demo mode
        "SECRET_KEY": "kill-test",
        "DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECURE_COOKIES": "false",
    }
    database = None
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        url = urlparse(os.environ["DATABASE_URL"])
        database = f"kill_{uuid.uuid4().hex[:10]}"
        admin = url._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {database}")
        env["DATABASE_URL"] = url._replace(path=f"/{database}").geturl()
    else:
        env.pop("DATABASE_URL", None)
    yield env
    if database:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def start(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
        + ["--config", "deploy/gunicorn.conf.py", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: kill -9 reaches master and workers
    )
    for _ in range(300):
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return server
        except requests.RequestException:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start")


def signed_in(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/akun/masuk/")
    token = session.cookies["csrftoken"]
    session.post(
        f"{base}/akun/masuk/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/akun/masuk/"},
    )
    session.headers["X-CSRFToken"] = session.cookies.get("csrftoken") or ""
    assert "sessionid" in session.cookies, "login failed"
    return session


def test_acknowledged_writes_survive_kill_9(server_env: dict[str, str]) -> None:
    manage(server_env, "migrate", "--noinput")
    manage(server_env, "import_wilayah")
    manage(server_env, "seed_demo", "--small")
    found = manage(
        server_env,
        "shell",
        "-c",
        "import json; from posyandu.accounts.models import Assignment as A; "
        "a = A.objects.filter(role='kader', user__is_demo=True).select_related('posyandu')[0]; "
        "print(json.dumps([a.user.username, str(a.posyandu.public_id)]))",
    )
    username, posyandu_id = json.loads(found.strip().splitlines()[-1])
    password = "Posyandu#Demo2026"

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start(server_env, port)
    acknowledged: list[str] = []
    stop = threading.Event()

    def register_people() -> None:
        session = signed_in(base, username, password)
        while not stop.is_set():
            person = str(uuid.uuid4())
            body = {
                "id": person,
                "posyandu_id": posyandu_id,
                "nama": f"Anak {person[:8]}",
                "jenis_kelamin": "P",
                "tanggal_lahir": "2025-01-15",
                "nama_ibu": "Ibu Uji",
                "persetujuan_oleh": "Ibu Uji",
            }
            try:
                answer = session.post(f"{base}/api/v1/sasaran", json=body, timeout=5)
            except requests.RequestException:
                return  # the server died under this request: not acknowledged
            if answer.status_code == 201:
                acknowledged.append(person)

    writers = [threading.Thread(target=register_people) for _ in range(3)]
    for w in writers:
        w.start()
    while len(acknowledged) < 40:
        time.sleep(0.05)
    os.killpg(server.pid, signal.SIGKILL)
    stop.set()
    for w in writers:
        w.join()
    server.wait()

    server = start(server_env, port)
    try:
        session = signed_in(base, username, password)
        missing = [
            p for p in acknowledged if session.get(f"{base}/api/v1/sasaran/{p}").status_code != 200
        ]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    assert len(acknowledged) >= 40
    assert missing == []


def test_a_job_whose_worker_is_killed_runs_again(
    server_env: dict[str, str], tmp_path: Path
) -> None:
    manage(server_env, "migrate", "--noinput")
    mark = tmp_path / "mark.txt"
    enqueue = (
        "from posyandu.core.tests.jobs_for_tests import write_after; "
        f"print(write_after.enqueue({str(mark)!r}, 30).id)"
    )
    job_id = manage(server_env, "shell", "-c", enqueue).strip().splitlines()[-1]
    status = (
        "from django_tasks_db.models import DBTaskResult as R; "
        "print(sorted((r.status, r.exception_class_path) for r in R.objects.all()))"
    )
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.1"],
        cwd=ROOT,
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        for _ in range(600):
            if "RUNNING" in manage(server_env, "shell", "-c", status):
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the worker did not take the job")
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    assert "[('RUNNING', '')]" in manage(server_env, "shell", "-c", status)

    # Within the stall limit nothing happens; past it the job fails and is run again.
    manage(server_env, "enqueue_jobs", "often")
    assert not mark.exists()
    assert "('RUNNING', '')" in manage(server_env, "shell", "-c", status)
    shortly = {**server_env, "JOB_STALL_MINUTES": "0"}
    said = manage(shortly, "enqueue_jobs", "often")
    assert "stalled job run again: posyandu.core.tests.jobs_for_tests.write_after" in said
    rerun = (
        "from django_tasks_db.models import DBTaskResult as R; "
        f"old = R.objects.get(id={job_id!r}); "
        "new = R.objects.get(task_path=old.task_path, status='READY'); "
        "print(new.args_kwargs)"
    )
    assert f"{{'args': [{str(mark)!r}, 30], 'kwargs': {{'attempt': 2}}}}" in manage(
        shortly, "shell", "-c", rerun
    )
    fast = (
        "from django_tasks_db.models import DBTaskResult as R; "
        "R.objects.filter(status='READY', task_path__endswith='write_after')"
        f".update(args_kwargs={{'args': [{str(mark)!r}, 0], 'kwargs': {{'attempt': 2}}}})"
    )
    manage(shortly, "shell", "-c", fast)  # the second attempt need not sleep 30 s again
    manage(shortly, "db_worker", "--batch", "--queue-name", "*")
    assert mark.read_text() == "done"
    final = manage(shortly, "shell", "-c", status)
    assert "('FAILED', 'posyandu.core.jobs.Stalled')" in final
    assert "('SUCCESSFUL', '')" in final
