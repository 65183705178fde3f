"""'Remind them': one reminder to each officer missing from a coverage figure, at most once a window.

The reminder goes through the outbox like the sweep's: one row per officer, keyed on the deadline of
the stage the figure is about and the nudge (``nudge_<id>``), so a retried send or a replayed insert
writes none twice. A second press on the same figure of the same institution (or unit) and quarter
within ``PMIS_REMIND_AGAIN_AFTER_MINUTES`` is refused, and says when the last one went.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts import coverage
from pmis import access
from pmis.models import Institution

from . import cycle, sweep
from .models import CycleDeadline, Nudge, Stage

PREFIX = "nudge_"
#: the stage whose deadline each figure chases
STAGES = {coverage.PLAN: Stage.TARGET_IDENTIFICATION, coverage.SIGNED: Stage.SIGNING}


def stage_of(figure, period) -> str:
    return STAGES.get(figure) or f"q{int(period)}_report"


@dataclass
class Reminded:
    nudge: Nudge | None
    #: the nudge that stopped this one (sent within the window), when refused
    earlier: Nudge | None = None

    @property
    def refused(self) -> bool:
        return self.nudge is None


def window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.PMIS_REMIND_AGAIN_AFTER_MINUTES)


def latest(institution, figure, period, financial_year_id, unit=None):
    """The last nudge on this figure, or None."""
    return (Nudge.objects.filter(institution=institution, financial_year_id=financial_year_id, figure=figure,
                                 period=period, org_unit=unit).order_by("-created_at").first())


def remind(user, institution, year, figure, period, unit=None) -> Reminded:
    """Queue one reminder to each officer missing from ``figure`` (``NotAllowed`` unless
    ``coverage.may_remind``); refused, sending nothing, when the figure was nudged within the window."""
    if not coverage.may_remind(user, institution, unit):
        raise access.NotAllowed(_("You may not remind this institution's officers."))
    figure = coverage.figure_or_default(figure, institution)
    with transaction.atomic():
        # One press at a time per institution: the window check and the nudge it allows are one step.
        Institution.objects.select_for_update().filter(pk=institution.pk).first()
        earlier = latest(institution, figure, period, year.pk, unit)
        if earlier is not None and earlier.created_at > timezone.now() - window():
            return Reminded(None, earlier)
        nudge = Nudge.objects.create(institution=institution, financial_year=year, org_unit=unit, figure=figure,
                                     period=period, sent_by=user)
        nudge.recipients = queue(nudge)
        Nudge.objects.filter(pk=nudge.pk).update(recipients=nudge.recipients)
    from .tasks import send_outbox

    send_outbox.delay_on_commit()
    return Reminded(nudge)


def queue(nudge) -> int:
    """The nudge's outbox rows, one per missing officer: safe to run again (it writes only what is
    missing). Returns how many officers it is about."""
    cycle.ensure_deadlines([nudge.financial_year])
    deadline = CycleDeadline.objects.get(financial_year_id=nudge.financial_year_id,
                                         stage=stage_of(nudge.figure, nudge.period))
    people = coverage.missing(nudge.institution_id, nudge.financial_year_id, nudge.period, nudge.figure,
                              nudge.org_unit).values_list("user_id", flat=True)
    kind = f"{PREFIX}{nudge.pk}"
    rows = [(nudge.institution_id, deadline.pk, user_id, kind, False, 1) for user_id in people]
    sweep.insert(rows)
    return len(rows)
