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

Register a new kind with ``register(Kind(...))``; the request page, the Celery task, the PDF/CSV/XLSX
renderers, the list page and the audit trail pick it up. The appraisal summary (issue 8) is meant to
be added here the same way: ``register(Kind("appraisal_summary", _("Appraisal summary"), build,
"reports/pdf/appraisal_summary.html", subject="institution"))``.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pmis.models import AuditEvent, FinancialYear, Institution


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    build: object  # build(params, *, user, progress) -> dict
    template: str
    #: what the report is about: "institution" (with a financial year), "oversight" or "contract"
    subject: str
    description: str = ""
    #: who may read a report of this kind that someone else asked for: ``readers(user)`` gives the ids
    #: (a subquery) of the institutions where ``user`` may read everything such a report can hold.
    #: None: everyone who sees the report's institution (``GeneratedReport.objects.readable_by``).
    readers: object = None


REGISTRY: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    REGISTRY[kind.key] = kind
    return kind


def get(key) -> Kind:
    try:
        return REGISTRY[key]
    except KeyError:
        raise ValidationError(_("There is no report called “%(kind)s”.") % {"kind": key}) from None


def choices():
    return [(k.key, k.label) for k in REGISTRY.values()]


# ---------------------------------------------------------------------------------------------
# Hooks the monitoring merge (issue 7) fills in


def quarterly_actuals(contract) -> dict:
    """{target id: [{"quarter": "Q1", "actual": "…", "verified": bool}, …]} from the quarterly reports:
    every reported actual, marked verified only when the performance secretariat accepted it."""
    from contracts.models import ProgressEntry

    found = {}
    entries = ProgressEntry.objects.filter(report__contract=contract).select_related("report").order_by(
        "report__period", "pk")
    for entry in entries:
        found.setdefault(entry.target_id, []).append({
            "quarter": f"Q{entry.report.period}", "actual": number(entry.actual),
            "verified": entry.verification == ProgressEntry.Verification.ACCEPTED,
        })
    return found


def evidence_for(contract) -> list:
    """[{"target": id, "quarter": "Q1", "name": "…", "size": "…", "uploaded_by": "…", "at": "…"}, …]:
    the evidence files behind the reported actuals."""
    from contracts.models import Evidence

    files = Evidence.objects.filter(entry__report__contract=contract).select_related(
        "entry__report", "entry__target", "uploaded_by").order_by("entry__report__period", "pk")
    return [
        {"target": e.entry.target_id, "description": e.entry.target.description,
         "quarter": f"Q{e.entry.report.period}", "name": e.original_name, "type": e.content_type,
         "size": number(e.size), "uploaded_by": person(e.uploaded_by), "at": when(e.uploaded_at)}
        for e in files
    ]


# ---------------------------------------------------------------------------------------------
# Formatting helpers: every value a report prints is a string decided here, once.


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def number(value) -> str:
    """A stored quantity as people write it: 2,000,000 and 95.5 rather than 2000000.0000."""
    if value in (None, ""):
        return ""
    value = Decimal(str(value))
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M %Z") if value else ""


def person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


CRITERIA = ("excellent", "very_good", "good", "fair", "poor")


# ---------------------------------------------------------------------------------------------
# Parameters: the request page gives institution / financial year / contract ids


def institution_year(params):
    institution = Institution.objects.get(pk=params["institution"])
    year = None
    if params.get("financial_year"):
        year = FinancialYear.objects.get(pk=params["financial_year"], institution=institution)
    else:
        year = FinancialYear.objects.filter(institution=institution, is_current=True).first()
    return institution, year


# ---------------------------------------------------------------------------------------------
# (1) Institution annual performance report


def _contract_summary(contract, card, score=None):
    """The contract's heading and its figures: ``card`` (the scorecard) or, for a list row, ``score``
    (``contracts.scores.Score``); both come from the one score read path."""
    card = card or score
    return {
        "id": contract.pk,
        "title": contract.title,
        "level": str(contract.get_level_display()),
        "party": text(contract.party) if contract.party else "",
        "status": str(contract.get_status_display()),
        "version": contract.version,
        "performer": person(contract.performer),
        "counterparty": person(contract.counterparty),
        "scheme": str(contract.get_scheme_display()),
        "band_table": f"{contract.band_table_name} v{contract.band_table_version}",
        "bands": [{"grade": b.get("grade"), "limit": text(b.get("limit"))} for b in contract.bands],
        "composite": text(card.composite) if card else "",
        "grade": card.grade or "" if card else "",
        "final": bool(card and card.final),
        "period": f"Q{card.period}" if card and card.period else "",
        "pending": card.pending if card else 0,
        "target_count": getattr(card, "target_count", getattr(card, "targets_total", 0)) if card else 0,
        "problems": [str(p) for p in getattr(card, "problems", [])] if card else [],
        "lower_is_better": bool(card and card.lower_is_better),
    }


def _target_rows(card, quarters):
    rows = []
    position = 0
    for group in card.groups:
        for row in group.rows:
            position += 1
            t = row.target
            rows.append({
                "number": position,
                "id": t.pk,
                "perspective": group.perspective.name if group.perspective else "",
                "description": t.description,
                "indicator": text(t.indicator),
                "unit": t.unit,
                "direction": t.direction,
                "weight": number(t.weight),
                "baseline": number(t.baseline),
                "target": number(t.target_value),
                "criteria": [number(getattr(t, f"criteria_{level}")) for level in CRITERIA],
                "actual": number(t.actual),
                "quarters": quarters.get(t.pk, []),
                "raw": text(row.raw),
                "weighted": text(row.weighted),
                "grade": row.grade or "",
                "errors": [str(e) for e in row.errors],
            })
    return rows


def _versions(contract):
    from contracts.models import ContractVersion

    return [
        {"number": v.number, "content_hash": v.content_hash, "created": when(v.created_at),
         "signed": when(v.signed_at), "amendment_reason": v.amendment_reason}
        for v in ContractVersion.objects.filter(contract=contract).order_by("number")
    ]


def _signatures(contract):
    from contracts.models import Signature

    return [
        {"version": s.version.number, "side": str(s.get_side_display()), "signer": s.signer_name, "role": s.role,
         "content_hash": s.content_hash, "signed_at": when(s.signed_at), "ip": s.ip or "",
         "second_factor": s.second_factor}
        for s in Signature.objects.filter(contract=contract).select_related("version").order_by("signed_at", "pk")
    ]


def _transitions(contract):
    from contracts.models import ContractTransition, PerformanceContract

    labels = dict(PerformanceContract.Status.choices)
    return [
        {"when": when(t.created_at), "action": t.action, "from": str(labels.get(t.from_status, t.from_status)),
         "to": str(labels.get(t.to_status, t.to_status)), "version": t.version, "by": person(t.actor),
         "comment": t.comment}
        for t in ContractTransition.objects.filter(contract=contract).select_related("actor").order_by(
            "created_at", "pk")
    ]


def build_annual(params, *, user, progress):
    from contracts import scores, selectors
    from contracts.models import PerformanceContract

    institution, year = institution_year(params)
    progress(10)
    contracts = list(
        selectors.contracts().filter(institution=institution, financial_year=year).order_by("level", "title")
    ) if year else []
    main = next((c for c in contracts if c.level == PerformanceContract.Level.INSTITUTION), None)
    data = {
        "title": _("Annual performance report — %(institution)s, %(year)s") % {
            "institution": institution.name, "year": year.name if year else "—"},
        "institution": institution.name,
        "year": year.name if year else "",
        "year_dates": f"{year.start_date:%d %b %Y} – {year.end_date:%d %b %Y}" if year else "",
        "contract": None, "targets": [], "versions": [], "signatures": [], "transitions": [], "evidence": [],
        "contracts": [],
    }
    if main is not None:
        card = selectors.scorecard_for(main)
        progress(30)
        data["contract"] = _contract_summary(main, card)
        data["targets"] = _target_rows(card, quarterly_actuals(main))
        data["versions"] = _versions(main)
        data["signatures"] = _signatures(main)
        data["transitions"] = _transitions(main)
        data["evidence"] = evidence_for(main)
    progress(50)
    figures = scores.for_contracts([c for c in contracts if c is not main])
    for n, contract in enumerate(contracts, start=1):
        summary = _contract_summary(contract, None, figures[contract.pk]) if contract is not main else data["contract"]
        data["contracts"].append({k: summary[k] for k in (
            "title", "level", "party", "status", "version", "composite", "grade", "target_count")})
        progress(50 + int(30 * n / len(contracts)))
    criteria_labels = [_("Excellent"), _("Very good"), _("Good"), _("Fair"), _("Poor")]
    data["tables"] = [
        {"name": _("Targets"), "columns": [
            _("No."), _("Perspective"), _("Target"), _("Indicator"), _("Unit"), _("Weight"), _("Baseline"),
            _("Target value"), *criteria_labels, _("Actual"), _("Raw score"), _("Weighted score"), _("Grade")],
         "rows": [[r["number"], r["perspective"], r["description"], r["indicator"], r["unit"], r["weight"],
                   r["baseline"], r["target"], *r["criteria"], r["actual"], r["raw"], r["weighted"], r["grade"]]
                  for r in data["targets"]]},
        {"name": _("Summary"), "columns": [_("Contract"), _("Level"), _("Status"), _("Version"), _("Composite"),
                                           _("Grade")],
         "rows": [[c["title"], c["level"], c["status"], c["version"], c["composite"], c["grade"]]
                  for c in data["contracts"]]},
        {"name": _("Signatures"), "columns": [_("Version"), _("Signed as"), _("Signer"), _("Role"), _("SHA-256"),
                                              _("Signed at")],
         "rows": [[s["version"], s["side"], s["signer"], s["role"], s["content_hash"], s["signed_at"]]
                  for s in data["signatures"]]},
        {"name": _("Amendments"), "columns": [_("When"), _("Action"), _("From"), _("To"), _("Version"), _("By"),
                                              _("Comment")],
         "rows": [[t["when"], t["action"], t["from"], t["to"], t["version"], t["by"], t["comment"]]
                  for t in data["transitions"]]},
    ]
    progress(90)
    return data


# ---------------------------------------------------------------------------------------------
# (2) League table for an oversight body


def build_league(params, *, user, progress):
    """Each institution under the body, ranked by its institution contract's composite (final, or so
    far) for the latest quarter scored in the current year, from ``contracts.scores`` as the league page."""
    from contracts import scores, selectors
    from contracts.models import PerformanceContract

    body = Institution.objects.get(pk=params["institution"])
    members = list(
        Institution.objects.filter(oversight_path__startswith=body.oversight_path).exclude(pk=body.pk).order_by(
            "name")
    )
    progress(10)
    contracts = {
        c.institution_id: c for c in selectors.contracts().filter(
            institution__in=members, level=PerformanceContract.Level.INSTITUTION, financial_year__is_current=True)
    }
    # One quarter for every row, the latest scored, as the league page ranks by default.
    figures = scores.for_contracts(contracts.values(), scores.latest_period(contracts.values()))
    rows = []
    for n, institution in enumerate(members, start=1):
        contract = contracts.get(institution.pk)
        card = figures[contract.pk] if contract else None
        rows.append({
            "institution": institution.name,
            "kind": str(institution.get_kind_display()),
            "year": contract.financial_year.name if contract else "",
            "period": f"Q{card.period}" if card and card.period else "",
            "contract": contract.title if contract else "",
            "status": str(contract.get_status_display()) if contract else _("No institution contract"),
            "scheme": str(contract.get_scheme_display()) if contract else "",
            "composite": text(card.composite) if card and card.composite is not None else "",
            "grade": (card.grade or "") if card else "",
            "final": bool(card and card.final),
            "lower_is_better": bool(card and card.lower_is_better),
            "pending": card.pending if card else 0,
        })
        progress(10 + int(70 * n / max(len(members), 1)))

    def order(row):
        if not row["composite"]:
            return (1, Decimal(0), row["institution"])
        value = Decimal(row["composite"])
        return (0, value if row["lower_is_better"] else -value, row["institution"])

    rows.sort(key=order)
    rank = 0
    for row in rows:
        if row["composite"]:
            rank += 1
            row["rank"] = rank
        else:
            row["rank"] = ""
    scored = [Decimal(r["composite"]) for r in rows if r["composite"]]
    top = max(scored, default=Decimal(1)) or Decimal(1)
    for row in rows:
        # Bar length for the chart, as a whole percentage of the largest composite.
        row["bar"] = int(Decimal(row["composite"]) * 100 / top) if row["composite"] else 0
    grades = {}
    for row in rows:
        if row["grade"]:
            grades[row["grade"]] = grades.get(row["grade"], 0) + 1
    return {
        "title": _("League table — institutions under %(body)s") % {"body": body.name},
        "body": body.name,
        "rows": rows,
        "grades": [{"grade": g, "count": c} for g, c in sorted(grades.items())],
        "tables": [{
            "name": _("League table"),
            "columns": [_("Rank"), _("Institution"), _("Kind"), _("Year"), _("Status"), _("Scheme"),
                        _("Composite"), _("Grade")],
            "rows": [[r["rank"], r["institution"], r["kind"], r["year"], r["status"], r["scheme"], r["composite"],
                      r["grade"]] for r in rows],
        }],
    }


# ---------------------------------------------------------------------------------------------
# (3) Contract history


def contract_events(contract):
    """The audit events about the contract and the records that hang off it, oldest first."""
    from django.contrib.contenttypes.models import ContentType

    from contracts.models import ContractDocument, ContractVersion, NegotiationRound, Signature, Target

    def of(model, ids):
        return Q(content_type=ContentType.objects.get_for_model(model), object_id__in=[str(i) for i in ids])

    where = Q(content_type=ContentType.objects.get_for_model(contract), object_id=str(contract.pk))
    for model in (Target, ContractVersion, NegotiationRound, Signature, ContractDocument):
        ids = list(model.objects.filter(contract=contract).values_list("pk", flat=True))
        if ids:
            where |= of(model, ids)
    return AuditEvent.objects.filter(where, institution_id=contract.institution_id).order_by("seq")


def build_history(params, *, user, progress):
    from contracts import selectors

    contract = selectors.contracts().get(pk=params["contract"])
    progress(20)
    events = [
        {"seq": e.seq, "when": when(e.created_at), "actor": e.actor_name, "action": e.action,
         "object": e.object_repr, "hash": e.hash, "prev_hash": e.prev_hash}
        for e in contract_events(contract)
    ]
    progress(60)
    data = {
        "title": _("Contract history — %(title)s") % {"title": contract.title},
        "institution": contract.institution.name,
        "year": contract.financial_year.name,
        "contract": _contract_summary(contract, None),
        "versions": _versions(contract),
        "transitions": _transitions(contract),
        "signatures": _signatures(contract),
        "events": events,
    }
    data["tables"] = [
        {"name": _("Versions"), "columns": [_("Version"), _("SHA-256"), _("Created"), _("Fully signed"),
                                            _("Reason for the amendment")],
         "rows": [[v["number"], v["content_hash"], v["created"], v["signed"], v["amendment_reason"]]
                  for v in data["versions"]]},
        {"name": _("Transitions"), "columns": [_("When"), _("Action"), _("From"), _("To"), _("Version"), _("By"),
                                               _("Comment")],
         "rows": [[t["when"], t["action"], t["from"], t["to"], t["version"], t["by"], t["comment"]]
                  for t in data["transitions"]]},
        {"name": _("Signatures"), "columns": [_("Version"), _("Signed as"), _("Signer"), _("Role"), _("SHA-256"),
                                              _("Signed at"), _("IP address"), _("Second factor")],
         "rows": [[s["version"], s["side"], s["signer"], s["role"], s["content_hash"], s["signed_at"], s["ip"],
                   _("yes") if s["second_factor"] else _("no")] for s in data["signatures"]]},
        {"name": _("Audit events"), "columns": [_("No."), _("When"), _("Who"), _("Action"), _("Object"),
                                                _("Hash"), _("Previous hash")],
         "rows": [[e["seq"], e["when"], e["actor"], e["action"], e["object"], e["hash"], e["prev_hash"]]
                  for e in events]},
    ]
    progress(90)
    return data


# ---------------------------------------------------------------------------------------------
# (4) Appraisal summary per unit


def may_read_comments(user, institution) -> bool:
    """Confidential comments (appeal grounds and reasons) print only for those who read every appraisal
    of the institution: an auditor assigned to it, its performance officers and administrators."""
    from appraisals.confidentiality import reads_every_appraisal

    return reads_every_appraisal(user, institution.pk)


def appraisal_readers(user):
    """Who may read an appraisal summary someone else asked for: those who read every appraisal of its
    institution (appraisals.confidentiality)."""
    from appraisals.confidentiality import full_reader_institutions

    return full_reader_institutions(user)


def min_group_size() -> int:
    """A unit with fewer people than this gets no grade summary (CONFIDENTIAL_MIN_GROUP_SIZE)."""
    return max(int(getattr(settings, "CONFIDENTIAL_MIN_GROUP_SIZE", 5)), 1)


def build_appraisal_summary(params, *, user, progress):
    """Grades, appeals and plans per unit, over the appraisals ``user`` (the requester) may read; a unit
    with fewer than ``min_group_size()`` people appraised is counted but not summarised."""
    from appraisals.models import Appeal, Appraisal, ImprovementPlan, TrainingNeed

    institution, year = institution_year(params)
    appraisals = list(
        Appraisal.objects.readable_by(user).filter(institution=institution, financial_year=year)
        .select_related("org_unit", "officer__user").order_by("org_unit__path", "pk")
    ) if year else []
    progress(30)
    appeals = {a.appraisal_id: a for a in Appeal.objects.filter(appraisal__in=appraisals)}
    plans = set(ImprovementPlan.objects.filter(appraisal__in=appraisals).values_list("appraisal_id", flat=True))
    needs = {}
    for need in TrainingNeed.objects.filter(appraisal__in=appraisals).select_related("org_unit"):
        needs.setdefault(need.org_unit.name if need.org_unit else _("No unit"), []).append(need.need)
    progress(60)
    comments = may_read_comments(user, institution) if user is not None else False
    units = {}
    for a in appraisals:
        unit = a.org_unit.name if a.org_unit else _("No unit")
        row = units.setdefault(unit, {"unit": unit, "appraised": 0, "grades": {}, "appeals": 0, "upheld": 0,
                                      "varied": 0, "dismissed": 0, "pending": 0, "plans": 0, "suppressed": False})
        row["appraised"] += 1
        grade = a.final_grade or a.moderated_grade or a.grade or _("Not graded yet")
        row["grades"][grade] = row["grades"].get(grade, 0) + 1
        appeal = appeals.get(a.pk)
        if appeal is not None:
            row["appeals"] += 1
            row[appeal.decision or "pending"] += 1
        row["plans"] += a.pk in plans
    # Small groups: a unit's grades, appeal outcomes and plans would point at the people in it.
    smallest = min_group_size()
    hidden = {name for name, row in units.items() if row["appraised"] < smallest}
    for name in hidden:
        units[name].update({"suppressed": True, "grades": {}, **dict.fromkeys(
            ("appeals", "upheld", "varied", "dismissed", "pending", "plans"), "")})
    grade_list = sorted({grade for row in units.values() for grade in row["grades"]})

    def unit_of(appeal):
        name = appeal.appraisal.org_unit.name if appeal.appraisal.org_unit else ""
        return "" if (name or _("No unit")) in hidden else name

    appeal_rows = [
        {"unit": unit_of(a), "decision": a.get_decision_display()
         or _("Pending"), "before": a.grade_before, "after": a.grade_after, "filed": when(a.filed_at),
         "grounds": a.grounds if comments else "", "reasons": a.reasons if comments else ""}
        for a in sorted(appeals.values(), key=lambda a: a.filed_at)
    ]
    data = {
        "title": _("Appraisal summary — %(institution)s, %(year)s") % {
            "institution": institution.name, "year": year.name if year else "—"},
        "institution": institution.name, "year": year.name if year else "",
        "grades": grade_list, "units": list(units.values()), "appeals": appeal_rows,
        "confidential_comments": comments, "min_group_size": smallest,
        # A small unit's training needs are its few people's appraisal content: left out with its grades.
        "training_needs": [{"unit": unit, "needs": sorted(set(items))} for unit, items in sorted(needs.items())
                           if unit not in hidden],
    }
    columns = [_("Unit"), _("Appraised"), *grade_list, _("Appeals"), _("Upheld"), _("Varied"), _("Dismissed"),
               _("Pending"), _("Improvement plans")]
    data["tables"] = [
        {"name": _("Grades by unit"), "columns": columns,
         "note": _("Blank: fewer than %(count)s people were appraised in the unit, so it is not summarised.") % {
             "count": smallest} if hidden else "",
         "rows": [[u["unit"], u["appraised"], *[u["grades"].get(g, "" if u["suppressed"] else 0) for g in grade_list],
                   u["appeals"], u["upheld"], u["varied"], u["dismissed"], u["pending"], u["plans"]]
                  for u in data["units"]]},
        {"name": _("Appeals"), "columns": [_("Unit"), _("Filed"), _("Decision"), _("Grade before"), _("Grade after"),
                                           _("Grounds"), _("Reasons")],
         "rows": [[a["unit"], a["filed"], a["decision"], a["before"], a["after"], a["grounds"], a["reasons"]]
                  for a in appeal_rows]},
    ]
    progress(90)
    return data


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
