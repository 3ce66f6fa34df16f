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
requests/s, p50, p95 and errors per step and per request kind, and the knee: the first step
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


def step(env: dict[str, str], port: int, users: int, seconds: int, out: Path) -> list[dict]:
    prefix = out / f"u{users}"
    subprocess.run(  # noqa: S603 - locust from this venv
        [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless"]
        + ["-u", str(users), "-r", str(max(1, users // 10)), "-t", f"{seconds}s"]
        + ["--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary"]
        + ["--stop-timeout", "5", "--loglevel", "WARNING"]
        # Figures from when every user is signed in: sign-in (a deliberately slow password
        # hash) happens once a day per kader, not in the mix of the Posyandu day.
        + ["--reset-stats"],
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv") as stats:
        return list(csv.DictReader(stats))


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
            rows = step(env, args.port, users, args.seconds, workdir)
            total = next(r for r in rows if r["Name"] == "Aggregated")
            p95 = float(total["95%"])
            print(
                f"{users:>6} {float(total['Requests/s']):>7.1f} {float(total['50%']):>7.0f} "
                f"{p95:>7.0f} {int(total['Failure Count']):>7}"
            )
            for r in rows:
                if r["Name"] != "Aggregated":
                    print(f"{'':>6}   {r['Name']:<30} p95 {float(r['95%']):>6.0f} ms")
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
