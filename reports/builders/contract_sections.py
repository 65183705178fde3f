"""What the reports print about one contract: its heading and figures, its targets with the quarterly
actuals and the evidence behind them, its versions, signatures and transitions."""

from django.utils.translation import gettext as _

from pmis import activity
from scorecards.grades import grade_label, table_label

from .formatting import CRITERIA, composite, number, person, text, when


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
        "band_table": _("%(table)s, version %(version)s") % {
            "table": table_label(contract.band_table_name), "version": contract.band_table_version},
        "bands": [{"grade": grade_label(b.get("grade"), contract.bands), "limit": text(b.get("limit"))}
                  for b in contract.bands],
        "composite": composite(card.composite) if card else "",
        "grade": grade_label(card.grade, contract.bands) if card else "",
        "final": bool(card and card.final),
        "period": f"Q{card.period}" if card and card.period else "",
        "pending": card.pending if card else 0,
        "target_count": getattr(card, "target_count", getattr(card, "targets_total", 0)) if card else 0,
        "problems": [str(p) for p in getattr(card, "problems", [])] if card else [],
        "lower_is_better": bool(card and card.lower_is_better),
    }


def _target_rows(card, quarters, bands=()):
    rows = []
    position = 0
    for group in card.groups:
        for row in group.rows:
            position += 1
            t = row.target
            rows.append({
                "number": position,
                "id": t.pk,
                "perspective": group.perspective.label if group.perspective else "",
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
                "grade": grade_label(row.grade, bands),
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
        {"version": s.version.number, "side": str(s.get_side_display()), "signer": s.signer_name, "role": s.role_label,
         "content_hash": s.content_hash, "signed_at": when(s.signed_at), "ip": s.ip or "",
         "second_factor": s.second_factor}
        for s in Signature.objects.filter(contract=contract).select_related("version").order_by("signed_at", "pk")
    ]


def _transitions(contract):
    from contracts.models import ContractTransition, PerformanceContract

    labels = dict(PerformanceContract.Status.choices)
    return [
        {"when": when(t.created_at), "action": activity.action_label(f"contract.{t.action}"),
         "from": str(labels.get(t.from_status, t.from_status)),
         "to": str(labels.get(t.to_status, t.to_status)), "version": t.version, "by": person(t.actor),
         "comment": t.comment}
        for t in ContractTransition.objects.filter(contract=contract).select_related("actor").order_by(
            "created_at", "pk")
    ]
