"""(2) League table for an oversight body."""

from decimal import Decimal

from django.utils.translation import gettext as _

from pmis.models import Institution
from scorecards.grades import grade_label

from .formatting import composite


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
            "composite": composite(card.composite) if card else "",
            "grade": grade_label(card.grade) if card else "",
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
        "grades": [{"grade": grade_label(g), "count": c} for g, c in sorted(grades.items())],
        "tables": [{
            "name": _("League table"),
            "columns": [_("Rank"), _("Institution"), _("Kind"), _("Year"), _("Status"), _("Scheme"),
                        _("Composite"), _("Grade")],
            "rows": [[r["rank"], r["institution"], r["kind"], r["year"], r["status"], r["scheme"], r["composite"],
                      r["grade"]] for r in rows],
        }],
    }
