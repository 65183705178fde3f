from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from pmis.models import FinancialYear
from pmis.tenancy import scoped
from pmis.views import visible_or_404

from . import selectors


@login_required
@scoped(FinancialYear)
def framework(request, pk):
    """A year's scorecard set-up: perspectives and weights, objectives, indicators, bands."""
    year = visible_or_404(FinancialYear, request.user, pk, FinancialYear.objects.select_related("institution"))
    return render(request, "scorecards/framework.html", {"year": year, "framework": selectors.framework_for(year)})
