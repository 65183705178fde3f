"""Parameters: the request page gives institution / financial year / contract ids."""

from pmis.models import FinancialYear, Institution


def institution_year(params):
    institution = Institution.objects.get(pk=params["institution"])
    year = None
    if params.get("financial_year"):
        year = FinancialYear.objects.get(pk=params["financial_year"], institution=institution)
    else:
        year = FinancialYear.objects.filter(institution=institution, is_current=True).first()
    return institution, year
