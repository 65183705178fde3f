"""Backups and restores: the database plus MEDIA_ROOT in one archive with a manifest.

An archive ``pmis-backup-<UTC time>.tar`` holds:

- ``manifest.json``: format, time, database engine, the row count of every table, the media file count;
- ``database.dump`` (PostgreSQL, ``pg_dump -Fc``) or ``database.sqlite3`` (SQLite, the sqlite3 backup API);
- ``media.tar.gz``: MEDIA_ROOT.

On PostgreSQL the row counts and the dump come from one exported snapshot, so they agree even while
users keep working. ``restore`` loads the database (``pg_restore --clean --if-exists`` in one
transaction, or a page-by-page SQLite copy), unpacks the media over MEDIA_ROOT, then checks every
table's row count against the manifest and re-verifies the audit hash chains.
"""

import io
import json
import os
import sqlite3
import subprocess  # noqa: S404 - pg_dump and pg_restore are the tools for the job
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media.tar.gz"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    pass


# --- helpers --------------------------------------------------------------------------------------


def _pg_args_env():
    db = connection.settings_dict
    args = []
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env, db["NAME"]


def _run(cmd, env):
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{cmd[0]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
    return result


def pg_table_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - quoted catalogue name
        counts[table] = cursor.fetchone()[0]
    return counts


def sqlite_table_counts(conn) -> dict[str, int]:
    tables = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


def live_table_counts() -> dict[str, int]:
    """Row counts of every table in the configured database, as it is now."""
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            return pg_table_counts(cursor)
    return sqlite_table_counts(connection.connection)


def _media_tar(path: Path) -> int:
    root = Path(settings.MEDIA_ROOT)
    files = 0
    with tarfile.open(path, "w:gz") as tar:
        if root.is_dir():
            for item in sorted(root.rglob("*")):
                if item.is_file():
                    tar.add(item, arcname=str(item.relative_to(root)), recursive=False)
                    files += 1
    return files


# --- backup ---------------------------------------------------------------------------------------


def create_backup(output_dir=None) -> Path:
    """Write a backup archive into ``output_dir`` (default BACKUP_DIR) and return its path."""
    output = Path(output_dir or settings.BACKUP_DIR)
    output.mkdir(parents=True, exist_ok=True)
    created = timezone.now()
    archive = output / f"pmis-backup-{created:%Y%m%dT%H%M%S%fZ}.tar"
    vendor = connection.vendor
    if vendor not in DUMPS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        dump = tmp / DUMPS[vendor]
        counts = _dump_postgresql(dump) if vendor == "postgresql" else _dump_sqlite(dump)
        media_files = _media_tar(tmp / MEDIA)
        manifest = {
            "format": FORMAT,
            "created_at": created.isoformat(),
            "engine": vendor,
            "database_file": dump.name,
            "tables": counts,
            "total_rows": sum(counts.values()),
            "media_files": media_files,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        partial = archive.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            for name in (MANIFEST, dump.name, MEDIA):
                tar.add(tmp / name, arcname=name)
        partial.rename(archive)
    os.chmod(archive, 0o600)  # it holds every password hash and every 2FA key
    return archive


def _dump_postgresql(path: Path) -> dict[str, int]:
    # One REPEATABLE READ transaction exports its snapshot; pg_dump reads that same snapshot.
    import psycopg

    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.isolation_level, raw.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
        with raw.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = pg_table_counts(cursor)
            args, env, name = _pg_args_env()
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                  "--file", str(path), *args, "--dbname", name], env)
        raw.rollback()
    finally:
        raw.close()
    return counts


def _dump_sqlite(path: Path) -> dict[str, int]:
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
        return sqlite_table_counts(target)
    finally:
        target.close()


# --- restore --------------------------------------------------------------------------------------


def read_manifest(archive) -> dict:
    with tarfile.open(archive, "r") as tar:
        member = tar.extractfile(MANIFEST)
        if member is None:
            raise BackupError(f"{archive} has no {MANIFEST}.")
        manifest = json.load(member)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def restore_backup(archive, media=True, stdout=None) -> dict:
    """Restore ``archive`` into the configured database and MEDIA_ROOT; check counts and the audit chain."""
    archive = Path(archive)
    manifest = read_manifest(archive)
    vendor = connection.vendor
    if manifest["engine"] != vendor:
        raise BackupError(f"This is a {manifest['engine']} backup; the configured database is {vendor}.")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with tarfile.open(archive, "r") as tar:
            tar.extractall(tmp, members=[tar.getmember(n) for n in (manifest["database_file"], MEDIA)],
                           filter="data")
        dump = tmp / manifest["database_file"]
        for alias in connections:
            connections[alias].close()
        if vendor == "postgresql":
            args, env, name = _pg_args_env()
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                  "--exit-on-error", *args, "--dbname", name, str(dump)], env)
        else:
            _restore_sqlite(dump)
        if media:
            root = Path(settings.MEDIA_ROOT)
            root.mkdir(parents=True, exist_ok=True)
            with tarfile.open(tmp / MEDIA, "r:gz") as tar:
                tar.extractall(root, filter="data")
    check_counts(manifest)
    out = stdout or io.StringIO()
    call_command("verify_audit", stdout=out)
    return manifest


def _restore_sqlite(dump: Path):
    name = connection.settings_dict["NAME"]
    if str(name) == ":memory:" or "mode=memory" in str(name):
        raise BackupError("Cannot restore into an in-memory SQLite database.")
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(dump)
    target = sqlite3.connect(name)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def check_counts(manifest) -> None:
    live = live_table_counts()
    wrong = [f"{table}: {live.get(table, 'missing')} rows, manifest says {count}"
             for table, count in manifest["tables"].items() if live.get(table) != count]
    if wrong:
        raise BackupError("Row counts do not match the manifest:\n" + "\n".join(wrong))
