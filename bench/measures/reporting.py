"""Quarterly reporting under load: officers each submit their report's one form through gunicorn, as
the report page posts it ("Submit for verification": every target's values, saved and submitted by
``monitoring.save_report`` in the page's view)."""

import json
import os
import secrets
import tempfile
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Count
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from contracts.models import PerformanceContract, ProgressEntry, ProgressReport, Target
from contracts.monitoring.rules import REPORTABLE, current_period, period_dates
from pmis.sessions import RENEWED_KEY

from .. import scale
from ..scale.writer import Writer
from .context import SERVER_SECRET
from .registry import Skip, measure
from .timing import percentiles

#: The form's text beside each actual: every field of the form filled, as an officer would.
WORDS = {"comment": "Work went to plan this quarter.", "explanation": "Procurement started late.",
         "remedial_action": "Contracts are now signed; the work catches up next quarter."}


def report_plans(officers, size):
    """Up to ``officers`` signed officer plans of the scale data with exactly ``size`` targets, one per
    officer, spread over the institutions in id order."""
    return list(
        PerformanceContract.objects.filter(institution__in=scale.scale_institutions(), level="officer",
                                           status__in=REPORTABLE, title__startswith="Performance plan")
        .annotate(n=Count("targets")).filter(n=size)
        .select_related("financial_year", "performer").order_by("pk")[:officers]
    )


@transaction.atomic
def open_reports(plans):
    """A draft report of the current quarter for each of ``plans``, without entries: reports left by an
    earlier run are emptied and returned to draft, missing ones written in bulk (COPY). Re-runnable:
    every run starts from the same state. {contract id: report}."""
    ids = [p.pk for p in plans]
    periods = {p.pk: current_period(p.financial_year) for p in plans}
    existing = {r.contract_id: r for r in ProgressReport.objects.filter(contract_id__in=ids)
                if r.period == periods[r.contract_id]}
    ProgressEntry.objects.filter(report__in=list(existing.values())).delete()
    ProgressReport.objects.filter(pk__in=[r.pk for r in existing.values()]).update(
        state=ProgressReport.State.DRAFT, submitted_by=None, submitted_at=None)
    writer = Writer()
    report_id = writer.next_id(ProgressReport)
    rows = []
    for plan in plans:
        if plan.pk in existing:
            continue
        start, end, due = period_dates(plan.financial_year, periods[plan.pk])
        rows.append({"id": report_id, "contract_id": plan.pk, "institution_id": plan.institution_id,
                     "period": periods[plan.pk], "period_start": start, "period_end": end, "due_date": due,
                     "state": ProgressReport.State.DRAFT})
        report_id += 1
    writer.write(ProgressReport, rows)
    writer.finish()
    return {r.contract_id: r for r in ProgressReport.objects.filter(contract_id__in=ids)
            if r.period == periods[r.contract_id]}


def signed_in(users):
    """A session cookie value for each of ``users`` that the bench's gunicorn accepts, as after signing
    in: the sessions written in one statement rather than one sign-in each. {user id: session key}."""
    backend = next(path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user"))
    expires = timezone.now() + timezone.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    keys, rows = {}, []
    with override_settings(SECRET_KEY=SERVER_SECRET):
        store = SessionStore()
        for user in users:
            key = secrets.token_hex(16)
            data = {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: backend,
                    HASH_SESSION_KEY: user.get_session_auth_hash(), RENEWED_KEY: int(timezone.now().timestamp())}
            rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
            keys[user.pk] = key
    Session.objects.bulk_create(rows, batch_size=1000)
    return keys


def form_body(report, targets, csrf):
    """The report form as "Submit for verification" posts it: every target's actual (the value expected
    by the quarter), budget spent, status and text."""
    fields = {"csrfmiddlewaretoken": csrf, "action": "submit"}
    for target in targets:
        expected = target.expected_by(report.period)
        fields.update({
            f"actual-{target.pk}": str(expected if expected is not None else target.target_value),
            f"budget_spent-{target.pk}": "1000", f"status-{target.pk}": ProgressEntry.Status.ON_TRACK,
            **{f"{name}-{target.pk}": text for name, text in WORDS.items()},
        })
    return urlencode(fields)


def submissions(ctx, plans, reports):
    """The loadgen's script: one POST of the report form per officer, with their own session."""
    server = ctx.server()
    origin = "https://" + server.split("://", 1)[1]
    sessions = signed_in([p.performer for p in plans])
    targets = {}
    for target in Target.objects.filter(contract__in=plans).order_by("order", "pk"):
        targets.setdefault(target.contract_id, []).append(target)
    items = []
    for plan in plans:
        report, csrf = reports[plan.pk], secrets.token_hex(16)
        cookie = f"{settings.SESSION_COOKIE_NAME}={sessions[plan.performer_id]}; {settings.CSRF_COOKIE_NAME}={csrf}"
        headers = {"Cookie": cookie, "X-Forwarded-Proto": "https", "Origin": origin}
        items.append({"method": "POST", "path": reverse("monitoring-report-save", args=[report.pk]),
                      "headers": {**headers, "Content-Type": "application/x-www-form-urlencoded"},
                      "body": form_body(report, targets[plan.pk], csrf),
                      "report": report.pk})
    # Warm-up: the report pages themselves, read as their officers would before submitting.
    warmup = [{"path": reverse("monitoring-report", args=[item["report"]]), "headers": item["headers"]}
              for item in items[:4]]
    return items, warmup


@measure("1,000 officers each submit a 10-target quarterly report (gunicorn, 2 workers)",
         "≥ 20 reports/s, p95 ≤ 150 ms", lambda r: r["reports_s"] >= 20 and r["p95_ms"] <= 150)
def report_submit(ctx):
    plans = report_plans(ctx.report_officers, ctx.report_targets)
    if not plans:
        raise Skip(f"no signed officer plan with {ctx.report_targets} targets: run manage.py seed_scale first")
    reports = open_reports(plans)
    items, warmup = submissions(ctx, plans, reports)
    path = write_script(items, warmup)
    try:
        data = ctx.script(path)
    finally:
        os.unlink(path)
    redirected = data["statuses"].get("302", 0)
    ids = [r.pk for r in reports.values()]
    submitted = ProgressReport.objects.filter(pk__in=ids, state=ProgressReport.State.SUBMITTED).count()
    entries = ProgressEntry.objects.filter(report_id__in=ids).count()
    if redirected != len(items) or submitted != len(items) or entries != len(items) * ctx.report_targets:
        raise RuntimeError(f"report submissions: answers {data['statuses']}, {submitted} of {len(items)} "
                           f"submitted, {entries} entries")
    return {**percentiles(data["latencies_ms"]), "reports_s": round(len(items) / data["wall_s"], 1),
            "reports": len(items), "targets_each": ctx.report_targets, "submitted": submitted,
            "entries": entries, "concurrency": ctx.concurrency}


def write_script(items, warmup):
    """The script as a file for ``bench.loadgen --script``; its path (the caller removes it)."""
    handle, path = tempfile.mkstemp(prefix="pmis-bench-script-", suffix=".json")
    with os.fdopen(handle, "w") as fh:
        json.dump({"items": items, "warmup": warmup}, fh)
    return path
