"""What each report prints: a registry of builders, kind → function.

A builder has the signature ::

    def build(params: dict, *, user, progress) -> dict

- ``params``: the JSON parameters stored on the ``GeneratedReport`` (ids, never objects), already
  checked by the kind's ``clean`` when the report was requested;
- ``user``: the requesting user (for what they may see, e.g. confidential comments);
- ``progress(percent)``: call it now and then (0–100) so the page shows how far the task is.

It returns a plain JSON-able dict (strings, numbers, lists, dicts; no model instances). The data hash
printed on the report is the SHA-256 of this dict's canonical JSON, so the dict must hold every
figure the report prints and nothing that changes between two runs on the same data (no "now").
It must contain:

- ``title``: the report's title;
- ``tables``: a list of ``{"name", "columns": [...], "rows": [[...], ...]}`` — what the CSV and XLSX
  variants contain (and what tests read);
- anything else its PDF template (``Kind.template``, under ``templates/reports/pdf/``) shows.

Each kind's builder has a module of its own (``annual``, ``league``, ``history``, ``appraisal_summary``);
what two of them print about one contract is in ``contract_sections``. Register a new kind below with
``register(Kind(...))``; the request page, the Celery task, the PDF/CSV/XLSX renderers, the list page and
the audit trail pick it up, in the order registered.
"""

from django.utils.translation import gettext_lazy

from .annual import build_annual
from .appraisal_summary import appraisal_readers, build_appraisal_summary, may_read_comments, min_group_size
from .contract_sections import evidence_for, quarterly_actuals
from .formatting import CRITERIA, number, person, text, when
from .history import build_history, contract_events
from .league import build_league
from .parameters import institution_year
from .registry import REGISTRY, Kind, choices, get, register

__all__ = [
    "CRITERIA",
    "REGISTRY",
    "Kind",
    "appraisal_readers",
    "build_annual",
    "build_appraisal_summary",
    "build_history",
    "build_league",
    "choices",
    "contract_events",
    "evidence_for",
    "get",
    "institution_year",
    "may_read_comments",
    "min_group_size",
    "number",
    "person",
    "quarterly_actuals",
    "register",
    "text",
    "when",
]


register(Kind("annual", gettext_lazy("Institution annual performance report"), build_annual,
              "reports/pdf/annual.html", subject="institution",
              description=gettext_lazy("The institution contract of the year: targets, criteria values, actuals, "
                                       "scores, composite and grade, signatures and amendments.")))
register(Kind("league", gettext_lazy("League table"), build_league, "reports/pdf/league.html",
              subject="oversight",
              description=gettext_lazy("Institutions under an oversight body ranked by the composite score of "
                                       "their institution contract for the current year.")))
register(Kind("contract_history", gettext_lazy("Contract history"), build_history,
              "reports/pdf/contract_history.html", subject="contract",
              description=gettext_lazy("Every version, transition and signature of one contract, with its audit "
                                       "events and their hashes.")))
register(Kind("appraisal_summary", gettext_lazy("Appraisal summary per unit"), build_appraisal_summary,
              "reports/pdf/appraisal_summary.html", subject="institution", readers=appraisal_readers,
              description=gettext_lazy("Grade distribution, appeals and their outcomes, improvement plans and "
                                       "training needs per unit; confidential comments only for assigned auditors.")))
