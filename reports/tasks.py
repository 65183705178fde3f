"""``generate_report``: build and render one GeneratedReport, updating its progress.

Idempotent: a READY report whose file exists is left alone ("current"); a re-run (retry, or two
workers) writes the file under a name fixed by (report, data hash), replacing the row's older file,
so one row keeps one file. Retried with backoff; the last failure marks the row FAILED.
"""

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import GeneratedReport

logger = logging.getLogger(__name__)

MAX_RETRIES = 3


def _set(report_id, **fields):
    GeneratedReport.objects.filter(pk=report_id).update(updated_at=timezone.now(), **fields)


@shared_task(
    bind=True, autoretry_for=(Exception,), max_retries=MAX_RETRIES, retry_backoff=2, retry_backoff_max=60,
    retry_jitter=False, acks_late=True,
)
def generate_report(self, report_id):
    """Returns what it did: "ready", "current", "failed" or "missing"."""
    from . import services

    report = GeneratedReport.objects.select_related("institution", "requested_by").filter(pk=report_id).first()
    if report is None:
        return "missing"
    if report.state == GeneratedReport.State.READY and report.file and default_storage.exists(report.file.name):
        return "current"
    try:
        _set(report.pk, state=GeneratedReport.State.RUNNING, progress=5, error="")

        def progress(percent):
            _set(report.pk, progress=max(5, min(int(percent), 95)))

        content, digest, pages, generated_at = services.generate(report, progress)
        name = f"reports/{report.pk}-{digest[:12]}.{report.format}"
        old = report.file.name if report.file else ""
        if default_storage.exists(name):
            default_storage.delete(name)
        stored = default_storage.save(name, ContentFile(content))
        if old and old != stored and default_storage.exists(old):
            default_storage.delete(old)
        _set(report.pk, file=stored, data_hash=digest, pages=pages, generated_at=generated_at, progress=100,
             state=GeneratedReport.State.READY, error="")
        return "ready"
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            logger.exception("report %s failed after %s attempts", report_id, self.request.retries + 1)
            _set(report_id, state=GeneratedReport.State.FAILED, error=_(
                "The report could not be produced (%(error)s). Ask for it again; if it keeps failing, tell the "
                "system administrator.") % {"error": f"{type(exc).__name__}: {exc}"[:300]})
            return "failed"
        _set(report_id, state=GeneratedReport.State.QUEUED,
             error=_("Attempt %(n)s failed; trying again.") % {"n": self.request.retries + 1})
        raise
