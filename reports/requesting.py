"""Asking for a report: the row, the audit event, and the queued ``tasks.generate_report``. The task
renders through ``services``; asking sits above both, so neither imports the other back."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from pmis import audit

from . import builders
from .models import GeneratedReport
from .services import clean_parameters
from .tasks import generate_report


def requester_language() -> str:
    """The active language (the requester's page's), else the site's."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def request_report(user, kind_key: str, raw_params: dict, fmt: str = "pdf") -> GeneratedReport:
    """Create the report row, record the request in the audit trail and queue its generation."""
    kind = builders.get(kind_key)
    if fmt not in GeneratedReport.Format.values:
        raise ValidationError({"format": _("Choose PDF, CSV or XLSX.")})
    institution, params = clean_parameters(user, kind, raw_params)
    with transaction.atomic():
        report = GeneratedReport.objects.create(
            institution=institution, kind=kind.key, title=str(kind.label), parameters=params, format=fmt,
            language=requester_language(),
            requested_by=user, requested_by_name=builders.person(user),
        )
        audit.record(user, "report.request", report, None,
                     {"kind": kind.key, "format": fmt, "parameters": params})
        pk = report.pk
        transaction.on_commit(lambda: generate_report.delay(pk), robust=True)
    return report
