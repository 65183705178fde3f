"""(4) Appraisal summary per unit."""

from django.conf import settings
from django.utils.translation import gettext as _

from .formatting import when
from .parameters import institution_year


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
