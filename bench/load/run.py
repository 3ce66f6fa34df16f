"""Load benchmark of the production server: a Posyandu-day mix of reads and writes by many
kader, stepped up until p95 passes the limit, on a fresh database. Targets 127.0.0.1 only and
stops by itself.

    .venv/bin/python bench/load/run.py                      # PostgreSQL at DATABASE_URL's server
    .venv/bin/python bench/load/run.py --sqlite             # SQLite file
    .venv/bin/python bench/load/run.py --users 50,100,150,200 --seconds 60 --workers 4
    .venv/bin/python bench/load/run.py --reuse --users 50     # the last run's database again

It creates a fresh database (`posyandu_load` on the PostgreSQL server, or a SQLite file in a
temporary directory), loads the regions and the full demo, starts gunicorn with
deploy/gunicorn.conf.py (DEBUG off), runs locust headless for each number of users and prints
requests/s, p50, p95 and errors per step and per request kind, the CPU (in cores) that the
server, PostgreSQL and locust used in the middle half of each step, and the knee: the first step
whose p95 passes --limit-ms (it goes on until p95 passes ten times the limit)."""

import argparse
import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import psutil
import psycopg
import requests

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PASSWORD = "Beban#Uji2026"  # noqa: S105 - a throwaway database of the benchmark


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def fresh_database(args: argparse.Namespace, workdir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "SECRET_KEY": "load-benchmark",
        "DATA_DIR": str(workdir),
        "SECURE_COOKIES": "false",
        "HTTPS": "false",  # plain http on 127.0.0.1; production sits behind TLS (deploy/)
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    if args.sqlite:
        env.pop("DATABASE_URL", None)
    else:
        url = urlparse(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/test")
        env["DATABASE_URL"] = url._replace(path="/posyandu_load").geturl()
        if not args.reuse:
            with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as c:
                c.execute("DROP DATABASE IF EXISTS posyandu_load WITH (FORCE)")
                c.execute("CREATE DATABASE posyandu_load")
    started = time.perf_counter()
    if not args.reuse:
        run(env, "migrate", "--noinput")
        run(env, "import_wilayah")
        run({**env, "DEBUG": "true"}, "seed_demo")  # the demo is built in demo mode only
    plan = workdir / "plan.json"
    env.update({"BENCH_PLAN": str(plan), "BENCH_PASSWORD": PASSWORD})
    print(run(env, "shell", stdin=(HERE / "prepare.py").read_text()).strip())
    if not args.sqlite:
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    print(f"database ready in {time.perf_counter() - started:.0f} s")
    return env


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603 - gunicorn from this venv
        [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
        + ["--config", "deploy/gunicorn.conf.py", "--workers", str(workers)]
        + ["--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(600):
        try:
            if requests.get(f"http://127.0.0.1:{port}/readyz", timeout=1).ok:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise SystemExit("gunicorn did not become ready")


def step(
    env: dict[str, str], port: int, users: int, seconds: int, out: Path
) -> tuple[list[dict], dict[str, float]]:
    prefix = out / f"u{users}"
    locust = subprocess.Popen(  # noqa: S603 - locust from this venv
        [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless"]
        + ["-u", str(users), "-r", str(max(1, users // 10)), "-t", f"{seconds}s"]
        + ["--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary"]
        + ["--stop-timeout", "5", "--loglevel", "WARNING"]
        # Figures from when every user is signed in: sign-in (a deliberately slow password
        # hash) happens once a day per kader, not in the mix of the Posyandu day.
        + ["--reset-stats"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(seconds / 4)  # the users are started (10% a second) and working
    cores = cpu_cores(seconds / 2)
    locust.wait()
    with open(f"{prefix}_stats.csv") as stats:
        return list(csv.DictReader(stats)), cores


def cpu_cores(seconds: float) -> dict[str, float]:
    """CPU used by the server (gunicorn), PostgreSQL, locust and the rest, in cores, sampled
    once a second (a worker recycled by max_requests loses at most its last second), and the
    machine's busy time (the kernel's and a hypervisor's "steal" included)."""
    seen: dict[tuple[int, float], tuple[str, float]] = {}
    used: dict[str, float] = dict.fromkeys(("gunicorn", "postgres", "locust", "other"), 0.0)
    idle_before, total_before = _idle_and_total()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for proc in psutil.process_iter():
            try:
                times = proc.cpu_times()
                key = (proc.pid, proc.create_time())
                kind = seen[key][0] if key in seen else _kind(proc)
            except psutil.Error:
                continue
            now = times.user + times.system
            if key in seen:
                used[kind] += now - seen[key][1]
            seen[key] = (kind, now)
        time.sleep(1)
    idle_after, total_after = _idle_and_total()
    used["machine busy"] = (total_after - total_before) - (idle_after - idle_before)
    return {kind: total / seconds for kind, total in used.items()}


def _idle_and_total() -> tuple[float, float]:
    times = psutil.cpu_times()
    return times.idle + getattr(times, "iowait", 0.0), sum(times)


def _kind(proc: psutil.Process) -> str:
    command = " ".join(proc.cmdline())
    if proc.name() == "postgres" or command.startswith("postgres"):
        return "postgres"
    return next((k for k in ("gunicorn", "locust") if k in command), "other")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--users", default="25,50,100,150,200,300")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--limit-ms", type=float, default=150)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="PostgreSQL: keep the database of the last run (to iterate; figures for the record "
        "come from a fresh one)",
    )
    args = parser.parse_args()
    if args.reuse and args.sqlite:
        parser.error("--reuse keeps a PostgreSQL database; the SQLite file is always fresh")

    workdir = Path(tempfile.mkdtemp(prefix="posyandu-load-"))
    env = fresh_database(args, workdir)
    env["BENCH_DAY"] = datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()
    server = start_server(env, args.port, args.workers)
    database = "SQLite" if args.sqlite else "PostgreSQL"
    print(f"\n{database}, gunicorn {args.workers} workers, {args.seconds} s per step, 2 cores")
    print(f"{'users':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'errors':>7}")
    knee = None
    try:
        for users in (int(u) for u in args.users.split(",")):
            rows, cores = step(env, args.port, users, args.seconds, workdir)
            total = next(r for r in rows if r["Name"] == "Aggregated")
            p95 = float(total["95%"])
            print(
                f"{users:>6} {float(total['Requests/s']):>7.1f} {float(total['50%']):>7.0f} "
                f"{p95:>7.0f} {int(total['Failure Count']):>7}"
            )
            for r in rows:
                if r["Name"] != "Aggregated":
                    print(f"{'':>6}   {r['Name']:<30} p95 {float(r['95%']):>6.0f} ms")
            print(f"{'':>6}   CPU, cores: " + ", ".join(f"{k} {v:.2f}" for k, v in cores.items()))
            if knee is None and p95 > args.limit_ms:
                knee = users
            if p95 > 10 * args.limit_ms:  # far past the knee: more users only queue
                break
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    print(f"knee (p95 > {args.limit_ms:.0f} ms): {knee or 'not reached'} users")


if __name__ == "__main__":
    main()
