"""backup and restore: the manifest, a SQLite restore, and the PostgreSQL restore drill."""

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from pmis.backup import live_table_counts, read_manifest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, env):
    full = dict(os.environ)
    full.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    evidence = Path(settings.MEDIA_ROOT) / "evidence" / "q1-report.pdf"
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes(b"%PDF-1.4 demo evidence")
    return evidence


def backup(tmp_path):
    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path / "backups"), stdout=out, stderr=io.StringIO())
    return Path(out.getvalue().strip())


def test_backup_archive_has_dump_media_and_a_manifest_of_row_counts(demo, tmp_path, media):
    archive = backup(tmp_path)
    assert archive.exists() and oct(archive.stat().st_mode & 0o777) == "0o600"
    manifest = read_manifest(archive)
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"] == live_table_counts()
    assert manifest["tables"]["pmis_auditevent"] > 0 and manifest["tables"]["otp_totp_totpdevice"] > 0
    assert manifest["media_files"] == 1
    with tarfile.open(archive) as tar:
        assert set(tar.getnames()) == {"manifest.json", manifest["database_file"], "media.tar.gz"}


def test_restore_refuses_something_that_is_not_a_backup(tmp_path):
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar")
    result = manage("restore", "--noinput", str(junk), env={})
    assert result.returncode != 0 and "Not a PMIS backup" in result.stderr


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite restore path")
def test_sqlite_restore_into_a_fresh_file(demo, tmp_path, media):
    archive = backup(tmp_path)
    target = tmp_path / "restored.sqlite3"
    restored_media = tmp_path / "restored-media"
    result = manage("restore", "--noinput", str(archive),
                    env={"DATABASE_URL": f"sqlite:///{target}", "MEDIA_ROOT": str(restored_media)})
    assert result.returncode == 0, result.stderr
    assert "row counts match the manifest" in result.stdout and "All audit chains verified" in result.stdout
    manifest = read_manifest(archive)
    with sqlite3.connect(target) as db:
        for table, count in manifest["tables"].items():
            assert db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] == count, table
    assert (restored_media / "evidence" / "q1-report.pdf").read_bytes() == media.read_bytes()


def pg_admin():
    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    return psycopg.connect(autocommit=True, **{k: v for k, v in params.items() if k in
                                               ("dbname", "user", "password", "host", "port")})


def pg_url(name):
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the restore drill runs on PostgreSQL")
def test_restore_drill_on_postgresql(demo, tmp_path, media):
    """Back up the demo data, restore it into an empty database with the real command, check it."""
    archive = backup(tmp_path)
    manifest = read_manifest(archive)
    drill = f"{connection.settings_dict['NAME']}_drill"
    admin = pg_admin()
    try:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{drill}"')
            cur.execute(f'CREATE DATABASE "{drill}"')
        env = {"DATABASE_URL": pg_url(drill), "MEDIA_ROOT": str(tmp_path / "restored-media")}
        result = manage("restore", "--noinput", str(archive), env=env)
        assert result.returncode == 0, result.stderr
        assert "row counts match the manifest" in result.stdout
        verify = manage("verify_audit", env=env)
        assert verify.returncode == 0, verify.stderr
        assert "All audit chains verified" in verify.stdout
        counts = manage("shell", "-c", "import json; from pmis.backup import live_table_counts; "
                        "print(json.dumps(live_table_counts()))", env=env)
        assert json.loads(counts.stdout.strip().splitlines()[-1]) == manifest["tables"]
        assert sum(manifest["tables"].values()) > 500
        restored = tmp_path / "restored-media" / "evidence" / "q1-report.pdf"
        assert restored.read_bytes() == media.read_bytes()
        # Restoring again over the now-full database gives the same state.
        again = manage("restore", "--noinput", "--skip-media", str(archive), env=env)
        assert again.returncode == 0, again.stderr
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{drill}" WITH (FORCE)')
        admin.close()
