"""(1) Institution annual performance report."""

from django.utils.translation import gettext as _

from .contract_sections import (
    _contract_summary,
    _signatures,
    _target_rows,
    _transitions,
    _versions,
    evidence_for,
    quarterly_actuals,
)
from .parameters import institution_year


def build_annual(params, *, user, progress):
    from contracts import scores, selectors
    from contracts.models import PerformanceContract
    from evaluations import results

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
        "contracts": [], "evaluation": None,
    }
    if main is not None:
        card = selectors.scorecard_for(main)
        progress(30)
        data["contract"] = _contract_summary(main, card)
        data["targets"] = _target_rows(card, quarterly_actuals(main), main.bands)
        data["versions"] = _versions(main)
        data["signatures"] = _signatures(main)
        data["transitions"] = _transitions(main)
        data["evidence"] = evidence_for(main)
        # The year-end evaluation's result, once it exists: what the public results and the API show.
        data["evaluation"] = results.for_report(main, user)
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
    evaluated = data["evaluation"]
    if evaluated:
        data["tables"].append({"name": _("Year-end evaluation"), "columns": [
            _("Evaluated composite"), _("Grade"), _("Not submitted"), _("Before moderation"),
            _("Reason for the moderation"), _("Released on"), _("Rewards and sanctions")],
            "rows": [[evaluated["composite"], evaluated["grade"], _("yes") if evaluated["not_submitted"] else "",
                      evaluated["before_moderation"], evaluated["moderation_reason"], evaluated["released_on"],
                      "; ".join(evaluated["consequences"])]]})
    progress(90)
    return data
