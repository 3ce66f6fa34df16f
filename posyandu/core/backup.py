"""Backups that restore: the database copied while the system runs, and put back.

SQLite uses its online backup API (a consistent copy while kader keep writing); PostgreSQL uses
`pg_dump` in its custom format and `pg_restore`, the tools its operators already know. Both
write to a temporary name and rename, so a half-written backup never looks like a good one.
"""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

SUFFIX = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, for the operator."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    vendor: str


def _vendor(settings_dict: dict[str, Any]) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"No backup method for the database engine {engine}.")


def backup_name(vendor: str, now: datetime) -> str:
    return f"posyandu-{now:%Y%m%d-%H%M%S}{SUFFIX[vendor]}"


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq reads the connection from the environment, so no password shows in `ps`."""
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[name] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    env["PGDATABASE"] = str(settings_dict["NAME"])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client).")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - fixed pg tools
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


def backup_database(connection: Any, target: Path) -> Backup:
    """Write a consistent copy of the database behind `connection` to `target`."""
    vendor = _vendor(connection.settings_dict)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    if vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(partial)
        try:
            connection.connection.backup(copy)
            (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
        finally:
            copy.close()
        if verdict != "ok":
            partial.unlink(missing_ok=True)
            raise BackupError(f"The copy failed its integrity check: {verdict}")
    else:
        env = _pg_env(connection.settings_dict)
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={partial}"], env)
        _run(["pg_restore", "--list", str(partial)], env)  # readable, or not a backup
    partial.replace(target)
    return Backup(path=target, size=target.stat().st_size, vendor=vendor)


def restore_database(connection: Any, source: Path) -> None:
    """Replace every table of the database behind `connection` with the backup's."""
    if not source.is_file():
        raise BackupError(f"No backup file at {source}.")
    vendor = _vendor(connection.settings_dict)
    if source.suffix != SUFFIX[vendor]:
        raise BackupError(f"{source.name} is not a {vendor} backup (expected {SUFFIX[vendor]}).")
    if vendor == "sqlite":
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            connection.ensure_connection()
            backup.backup(connection.connection)
        finally:
            backup.close()
        return
    connection.close()  # pg_restore --clean drops tables this process may hold open
    env = _pg_env(connection.settings_dict)
    command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
    _run([*command, f"--dbname={connection.settings_dict['NAME']}", str(source)], env)


def prune(directory: Path, vendor: str, keep: int) -> list[Path]:
    """Delete all but the `keep` newest backups of this kind; returns what was deleted."""
    backups = sorted(directory.glob(f"posyandu-*{SUFFIX[vendor]}"))
    stale = backups[:-keep] if keep > 0 else []
    for path in stale:
        path.unlink()
    return stale
