"""Render one contract's PDF in a fresh process and report its time and peak memory:
``python -m bench.pdfrun CONTRACT_ID`` prints JSON {seconds, peak_rss_mb, baseline_rss_mb, bytes, pages}.

A process of its own so the peak resident set (ru_maxrss) is the render's, not the benchmark's.
"""

import json
import os
import resource
import sys
import time


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmis.settings")
    import django

    django.setup()
    from contracts import documents
    from contracts.models import PerformanceContract

    contract = PerformanceContract.objects.get(pk=int(sys.argv[1]))
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    pdf = documents.render_contract_pdf(contract)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak, "baseline_rss_mb": baseline, "bytes": len(pdf),
                      "pages": pages, "targets": contract.targets.count()}))


if __name__ == "__main__":
    main()
