from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from pmis.models import FinancialYear
from pmis.tenancy import scoped
from pmis.views import visible_or_404

from . import cascade, selectors
from .models import PerformanceContract


@login_required
@scoped(PerformanceContract)
def contract_scorecard(request, pk):
    contract = visible_or_404(PerformanceContract, request.user, pk, selectors.contracts())
    card = selectors.scorecard_for(contract)
    return render(request, "contracts/scorecard.html", {"contract": contract, "card": card})


@login_required
@scoped(FinancialYear)
def cascade_report(request, pk):
    year = visible_or_404(FinancialYear, request.user, pk, FinancialYear.objects.select_related("institution"))
    return render(request, "contracts/cascade_report.html", {"year": year, "report": cascade.coverage_report(year)})
