"""Implementation and monitoring: quarterly progress reports, evidence, and their verification.

Quarters follow the contract's financial year (Q1 is its first three months); a report is due
``PMIS_REPORT_DUE_DAYS`` after its quarter ends. The performer (or the performance officer) opens a
report, enters each target's actual to date with a status and comment, attaches evidence, and
submits, all on the report's one form (``save_report``: a draft keeps everything typed, each error is
named beside its target). An actual is judged against the value expected by the end of its quarter
(the plan's quarterly targets, ``scores.judged_actual``); one that is red on the contract's bands then
needs an explanation and a remedial action before the report is submitted. A quarter is offered from
its first day (``has_started``); a report submitted after its due date shows ``days_late``. A
performance officer accepts or returns each entry; only accepted actuals count: accepting writes
``Target.actual`` (through ``targets.record_actual``) and refreshes the summary table
(``scorecards.summary``). Every change writes an audit event.

The package: ``rules`` (quarters, who may report or verify), ``reports`` (a report's writes: actuals,
evidence, submitting, verification), ``summaries`` (the summary table's refresh) and ``reading`` (the
verification queue, the dashboard's participation). Callers name the functions through this package
(``monitoring.report_actual``, ``monitoring.verify``…).
"""

from pmis.access import NotAllowed

from .reading import LAGGING_SHOWN, SIGNED_STATES, participation, participation_rows, quarter_reports, queue_for
from .reports import (
    ALLOWED_TYPES,
    FORM_FIELDS,
    SavedReport,
    add_evidence,
    entry_rag,
    negative_allowed,
    open_report,
    parse_actual,
    parse_number,
    record_computed,
    report_actual,
    save_report,
    sniff,
    submit_report,
    unexplained,
    verify,
)
from .rules import (
    ENTRY_FIELDS,
    PERIODS,
    REPORTABLE,
    Status,
    Verification,
    can_report,
    can_verify,
    current_period,
    has_started,
    may_verify,
    period_dates,
    reports_quarterly,
)
from .summaries import refresh_summary

__all__ = [
    "ALLOWED_TYPES", "ENTRY_FIELDS", "FORM_FIELDS", "SavedReport", "has_started", "save_report", "unexplained",
    "LAGGING_SHOWN", "PERIODS", "REPORTABLE", "SIGNED_STATES", "NotAllowed",
    "Status", "Verification", "add_evidence", "can_report", "can_verify", "current_period", "entry_rag",
    "may_verify", "negative_allowed", "open_report", "parse_actual", "parse_number", "participation",
    "participation_rows", "period_dates", "quarter_reports", "queue_for", "record_computed", "refresh_summary",
    "reports_quarterly",
    "report_actual", "sniff", "submit_report", "verify",
]
