"""Moderation: a panel session over an institution's (or a directorate's) acknowledged appraisals adjusts
grades with reasons, then issues the results."""


from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pmis import audit

from ..models import Appraisal, ModerationAdjustment, ModerationSession
from .rules import Status, _conflict, _hr, _lock, _state, _text, may_moderate, notify

# ---------------------------------------------------------------------------------------------
# Moderation


@transaction.atomic
def open_moderation(actor, institution, financial_year, org_unit=None, note=""):
    _hr(actor, institution.pk)
    if financial_year.institution_id != institution.pk or (org_unit and org_unit.institution_id != institution.pk):
        raise ValidationError(_("The year or unit belongs to another institution."))
    if ModerationSession.objects.filter(institution=institution, financial_year=financial_year, org_unit=org_unit,
                                        status=ModerationSession.Status.OPEN).exists():
        raise ValidationError(_("A moderation of this scope is already open."))
    session = ModerationSession.objects.create(institution=institution, financial_year=financial_year,
                                               org_unit=org_unit, opened_by=actor, note=(note or "").strip())
    audit.record(actor, "moderation.open", session, None, {"org_unit": org_unit.pk if org_unit else None})
    return session


def in_scope(session):
    """The appraisals this session moderates: its institution and year, within its directorate."""
    found = Appraisal.objects.filter(institution_id=session.institution_id,
                                     financial_year_id=session.financial_year_id)
    if session.org_unit_id:
        found = found.filter(org_unit__path__startswith=session.org_unit.path)
    return found


def distribution(session):
    """[(grade, count in scope, % in scope, count in institution, % in institution)], best grade first."""
    grades = [b["grade"] for b in session_bands(session)]
    scope = in_scope(session).exclude(grade="")
    whole = Appraisal.objects.filter(institution_id=session.institution_id,
                                     financial_year_id=session.financial_year_id).exclude(grade="")

    def counts(qs):
        rows = {}
        for row in qs.values("grade", "moderated_grade"):
            g = row["moderated_grade"] or row["grade"]
            rows[g] = rows.get(g, 0) + 1
        return rows

    mine, theirs = counts(scope), counts(whole)
    n_mine, n_theirs = sum(mine.values()) or 1, sum(theirs.values()) or 1
    return [(g, mine.get(g, 0), round(100 * mine.get(g, 0) / n_mine), theirs.get(g, 0),
             round(100 * theirs.get(g, 0) / n_theirs)) for g in grades]


def session_bands(session):
    first = in_scope(session).exclude(bands=None).first()
    return first.bands if first else []


@transaction.atomic
def adjust_grade(actor, session, appraisal, to_grade, reason):
    """The panel moves an appraisal to another grade of its band table, with a recorded reason."""
    session = ModerationSession.objects.select_for_update().get(pk=session.pk)
    _hr(actor, session.institution_id)
    if session.status != ModerationSession.Status.OPEN:
        raise ValidationError(_("This moderation is closed."))
    appraisal = _lock(appraisal)
    if not in_scope(session).filter(pk=appraisal.pk).exists():
        raise ValidationError(_("That appraisal is outside this moderation."))
    if not may_moderate(actor, appraisal):
        raise _conflict()
    _state(appraisal, Status.ACKNOWLEDGED)
    grades = [b["grade"] for b in appraisal.bands]
    if to_grade not in grades:
        raise ValidationError({"to_grade": _("Choose one of the grades: %(grades)s.") % {"grades": ", ".join(grades)}})
    reason = _text(reason, "reason", _("Record why the panel adjusts the grade."))
    before = appraisal.moderated_grade or appraisal.grade
    adjustment = ModerationAdjustment.objects.create(
        session=session, appraisal=appraisal, institution_id=appraisal.institution_id, from_grade=before,
        to_grade=to_grade, reason=reason, adjusted_by=actor)
    appraisal.moderated_grade = to_grade
    appraisal.save(update_fields=["moderated_grade"])
    audit.record(actor, "appraisal.moderate", appraisal, {"grade": before}, {"grade": to_grade, "reason": reason})
    return adjustment


@transaction.atomic
def close_moderation(actor, session, note=""):
    """Close the session: every acknowledged appraisal in scope gets its result; the appeal window opens."""
    session = ModerationSession.objects.select_for_update().get(pk=session.pk)
    _hr(actor, session.institution_id)
    if session.status != ModerationSession.Status.OPEN:
        raise ValidationError(_("This moderation is already closed."))
    now = timezone.now()
    issued = 0
    for appraisal in in_scope(session).filter(status=Status.ACKNOWLEDGED).select_related("officer__user"):
        appraisal.final_grade = appraisal.moderated_grade or appraisal.grade
        appraisal.status, appraisal.result_at = Status.RESULT, now
        appraisal.save(update_fields=["final_grade", "status", "result_at"])
        audit.record(actor, "appraisal.result", appraisal, None, {"grade": appraisal.final_grade})
        notify(appraisal.officer.user, appraisal, _("Your appraisal result: %(grade)s") % {
            "grade": appraisal.final_grade},
            _("You may appeal within %(days)s days.") % {"days": settings.APPRAISAL_APPEAL_DAYS})
        issued += 1
    session.status, session.closed_by, session.closed_at = ModerationSession.Status.CLOSED, actor, now
    session.note = (note or session.note).strip()
    session.save(update_fields=["status", "closed_by", "closed_at", "note"])
    audit.record(actor, "moderation.close", session, None, {"issued": issued})
    return issued
