"""Periodic jobs for charters. Idempotent: a rerun writes nothing that has not changed."""

from celery import shared_task
from django.utils import timezone

from pmis.models import FinancialYear

from . import compliance


@shared_task(name="charters.feed_compliance")
def feed_compliance(quarter=None):
    """Feed charter compliance into linked targets for every institution's current year, for the
    given quarter (default: the quarter containing today). Returns how many targets changed."""
    today = timezone.localdate()
    changed = 0
    for year in FinancialYear.objects.filter(is_current=True).select_related("institution"):
        q = quarter or compliance.quarter_of(year, today)
        changed += len(compliance.feed_targets(year, q))
    return changed
