"""Render one contract's PDF in a fresh process and report its time and memory:
``python -m bench.pdfrun CONTRACT_ID`` prints one JSON line.

A process of its own so the peak resident set (VmHWM) is the render's, not the benchmark's.

- ``seconds``: the cold render, as a fresh worker's first PDF: loading WeasyPrint, Fontconfig, the
  print stylesheet and the template engine and rendering a small specimen contract
  (``startup_seconds`` of it, what ``contracts.documents.pdf.warm_up`` does; a Celery worker pays it
  when its process starts), then the render itself.
- ``first_warm_seconds``: that first render alone, after ``warm_up``: what a Celery worker, which
  warms up when its process starts, takes for the first PDF anyone asks of it.
- ``warm_seconds``: a second render of the same contract in the same process, as a long-lived Celery
  worker renders every PDF after its first.
- ``baseline_rss_mb``: the resident set before rendering (Django set up, the contract fetched);
  ``peak_rss_mb``: the peak after the cold render; ``render_rss_mb``: the difference, what the cold
  render added, WeasyPrint's import included (``startup_rss_mb`` of it);
  ``warm_peak_rss_mb``: the peak after the warm render too (above ``peak_rss_mb`` only if a second
  render needs more than the first).
- ``pages``: counted by reading the PDF back (pypdf).

``--criteria`` prints the contract as a kenya_pc contract would be: every target with its five
criteria values (the seeded officer plans are scored by percent achievement and carry none, so
their matrix has no criteria columns).
"""

import io
import json
import os
import resource
import sys
import time


def status_mb(pid, key):
    """``key`` (VmHWM, VmRSS) of process ``pid`` ("self" for this one) from Linux's /proc, in MB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024  # kB
    raise KeyError(key)


def peak_rss_mb():
    """This process's peak resident set: Linux's VmHWM, the high-water mark of its own memory.

    Not ``ru_maxrss`` where /proc is there: the kernel carries that across exec from the process that
    spawned this one, so run by ``manage.py bench`` it started at the benchmark's own ~98 MB."""
    try:
        return status_mb("self", "VmHWM")
    except (OSError, KeyError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def rss_mb():
    """The resident set now (Linux); the peak where /proc is not there."""
    try:
        return status_mb("self", "VmRSS")
    except (OSError, KeyError):
        return peak_rss_mb()


def with_criteria(documents, doc):
    """``doc`` with five criteria values on every target, running from 110 % to 50 % of its target."""
    for target in doc.content["targets"]:
        value = float(target.get("target") or 100)
        target["criteria"] = {level: f"{value * share:.2f}" for level, share in zip(
            documents.CRITERIA, (1.1, 1.0, 0.9, 0.75, 0.5), strict=True)}
    return doc


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmis.settings")
    import django

    django.setup()
    from contracts.documents import pdf as documents
    from contracts.models import PerformanceContract

    contract = PerformanceContract.objects.get(pk=int(sys.argv[1]))
    targets = contract.targets.count()
    if "--criteria" in sys.argv[2:]:
        doc = with_criteria(documents, documents.printable(contract))

        def render():
            return documents.render_printable(doc)
    else:
        def render():
            return documents.render_contract_pdf(contract)
    baseline, rss_before = peak_rss_mb(), rss_mb()

    started = time.perf_counter()
    documents.warm_up()  # what the first render would otherwise do on its own, timed apart
    startup = time.perf_counter() - started
    startup_rss = rss_mb() - rss_before
    first_started = time.perf_counter()
    pdf = render()
    first_warm = time.perf_counter() - first_started
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()

    started = time.perf_counter()
    again = render()
    warm = time.perf_counter() - started
    warm_peak = peak_rss_mb()
    from pypdf import PdfReader  # after the measurements: its import is not the render's

    print(json.dumps({
        "seconds": seconds, "startup_seconds": startup, "first_warm_seconds": first_warm, "warm_seconds": warm,
        "peak_rss_mb": peak, "baseline_rss_mb": baseline, "render_rss_mb": peak - baseline,
        "startup_rss_mb": startup_rss, "warm_peak_rss_mb": warm_peak,
        "bytes": len(pdf), "warm_bytes": len(again), "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "targets": targets,
    }))


if __name__ == "__main__":
    main()
