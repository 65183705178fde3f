"""Start and stop real Celery worker processes from tests.

    with celery_worker({"DATABASE_URL": worker_database_url(), "CELERY_BROKER_URL": url}) as worker:
        ...            # the worker is consuming
        worker.kill()  # kill -9 the whole process group (main process and pool children)

The worker runs ``celery -A pmis worker`` in its own session with this environment plus the
overrides, logs to a file (``worker.log_path``; its tail is shown when startup fails) and is
stopped (TERM, then KILL) when the block ends. Used by the reminder worker test and reusable for
any other task (PDF rendering, …).
"""

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_TEST_BROKER = "redis://127.0.0.1:6379/0"


def broker_url() -> str:
    return os.environ.get("CELERY_BROKER_URL") or DEFAULT_TEST_BROKER


def broker_reachable(url: str | None = None) -> bool:
    from kombu import Connection

    try:
        with Connection(url or broker_url(), connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001 - unreachable for whatever reason
        return False


def purge_queue(url: str | None = None, queue: str = "celery") -> None:
    from kombu import Connection

    with Connection(url or broker_url()) as conn:
        with contextlib.suppress(Exception):
            conn.default_channel.queue_purge(queue)


def send_task(name: str, *, args=(), kwargs=None, url: str | None = None) -> None:
    """Publish a task to the real broker, whatever the test process's eager setting says."""
    from kombu import Connection

    from pmis.celery import app

    with Connection(url or broker_url()) as conn:
        app.send_task(name, args=args, kwargs=kwargs or {}, connection=conn)


def worker_database_url() -> str:
    """DATABASE_URL of the database this test process uses (the pytest test database)."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError("a worker process can share only a PostgreSQL test database")
    user = quote(s.get("USER") or "", safe="")
    password = quote(s.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


class Worker:
    def __init__(self, process: subprocess.Popen, log_path: Path):
        self.process = process
        self.log_path = log_path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """kill -9 the worker and its pool children: no shutdown, no acks, no cleanup."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 20) -> None:
        if not self.alive():
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()


@contextlib.contextmanager
def celery_worker(env_overrides: dict | None = None, *, concurrency: int = 2, pool: str = "prefork",
                  queues: str | None = None, ready_timeout: float = 60, loglevel: str = "INFO"):
    env = {**os.environ, **{k: str(v) for k, v in (env_overrides or {}).items()}}
    env.setdefault("DJANGO_SETTINGS_MODULE", "pmis.settings")
    log_path = Path(tempfile.mkdtemp(prefix="pmis-worker-")) / "worker.log"
    name = f"test-{uuid.uuid4().hex[:8]}@%h"
    cmd = [sys.executable, "-m", "celery", "-A", "pmis", "worker", f"--loglevel={loglevel}", f"--pool={pool}",
           f"--concurrency={concurrency}", "--without-gossip", "--without-mingle", "--without-heartbeat",
           "-n", name]
    if queues:
        cmd += ["-Q", queues]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(cmd, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    worker = Worker(process, log_path)
    try:
        deadline = time.monotonic() + ready_timeout
        while " ready." not in worker.log():
            if not worker.alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker did not start:\n{worker.log()[-4000:]}")
            time.sleep(0.1)
        yield worker
    finally:
        worker.stop()
