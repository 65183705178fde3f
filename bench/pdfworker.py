"""Ask a real Celery worker for contract PDFs, as the contract page does, and report what each took:
``python -m bench.pdfworker CONTRACT_ID [CONTRACT_ID …]`` prints one JSON object.

Needs ``CELERY_BROKER_URL`` (a Redis the benchmark alone uses: the worker takes every task on it).
Starts ``celery -A pmis worker --concurrency 1`` (prefork, as docker-compose.yml runs it), waits for its
process to finish warming up (``contracts.tasks.warm_up_pdf_rendering``), then for each contract:
removes its stored PDF, asks for it with ``printing.request_document`` and waits until the row is READY.

For each contract:

- ``ms``: from the request to the PDF stored and its row READY (the broker, the worker's read of the
  contract, the render, the file written), polled every 5 ms;
- ``render_mb``: the worker process's peak resident set during the task (VmHWM, reset before each
  task) less its resident set before: the memory the PDF took;
- ``worker_peak_mb``: that peak, the whole process (Django, every app, Celery and WeasyPrint loaded);
- ``worker_before_mb``: the process before the task, warmed up; ``pages``.

And ``parent_rss_mb``: the worker's main process, which runs no PDF code.
"""

import json
import os
import subprocess
import sys
import time

from bench.pdfrun import status_mb


def reset_peak(pid):
    """Set the process's VmHWM back to its resident set now (Linux ≥ 4.0); False where not allowed."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as found:
            return [int(p) for p in found.read().split()]
    except OSError:
        return []


def start_worker():
    worker = subprocess.Popen(  # noqa: S603 — our own command line
        [sys.executable, "-m", "celery", "-A", "pmis", "worker", "--concurrency", "1", "--loglevel", "WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"bench-pdf-{os.getpid()}@%h"],
        env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 90
    child, last, steady = None, None, 0
    while time.time() < deadline:
        if worker.poll() is not None:
            raise RuntimeError("the Celery worker stopped: " + worker.stderr.read().decode()[-2000:])
        child = next(iter(children(worker.pid)), None)
        if child:
            # Warmed up when its resident set has not moved for a second.
            rss = status_mb(child, "VmRSS")
            steady = steady + 1 if rss == last else 0
            last = rss
            if steady >= 5:
                return worker, child
        time.sleep(0.2)
    worker.terminate()
    raise RuntimeError("the Celery worker did not start in 90 s")


def main():
    if not os.environ.get("CELERY_BROKER_URL"):
        sys.exit("CELERY_BROKER_URL must name a Redis the benchmark may use")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmis.settings")
    import django

    django.setup()
    from django.core.files.storage import default_storage

    from contracts import printing
    from contracts.models import ContractDocument, PerformanceContract

    def forget(contract):
        for document in ContractDocument.objects.filter(contract=contract):
            if document.file and default_storage.exists(document.file.name):
                default_storage.delete(document.file.name)
            document.delete()

    contracts = [PerformanceContract.objects.get(pk=int(pk)) for pk in sys.argv[1:]]
    worker, child = start_worker()
    results = {"parent_rss_mb": round(status_mb(worker.pid, "VmRSS"), 1), "contracts": {}}
    try:
        for contract in contracts:
            forget(contract)
            time.sleep(0.5)  # the worker idle again after the last task's bookkeeping
            before = status_mb(child, "VmRSS")
            reset = reset_peak(child)
            started = time.perf_counter()
            document = printing.request_document(None, contract)
            deadline = started + 120
            while document.state not in (ContractDocument.State.READY, ContractDocument.State.FAILED):
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"contract {contract.pk}: no PDF after 120 s")
                time.sleep(0.005)
                document.refresh_from_db(fields=["state", "pages", "error"])
            took = time.perf_counter() - started
            if document.state != ContractDocument.State.READY:
                raise RuntimeError(f"contract {contract.pk}: {document.error}")
            peak = status_mb(child, "VmHWM")
            results["contracts"][str(contract.pk)] = {
                "ms": round(took * 1000, 1), "render_mb": round(peak - before, 1) if reset else None,
                "worker_peak_mb": round(peak, 1), "worker_before_mb": round(before, 1),
                "pages": document.pages, "targets": contract.targets.count(),
            }
            forget(contract)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
