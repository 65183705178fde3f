from django import forms
from django.utils.translation import gettext_lazy as _

from contracts import selectors
from pmis.models import FinancialYear, Institution

from . import builders
from .models import GeneratedReport


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"))
    format = forms.ChoiceField(label=_("Format"), choices=GeneratedReport.Format.choices, initial="pdf")
    institution = forms.ModelChoiceField(
        label=_("Institution or oversight body"), queryset=Institution.objects.none(), required=False,
        help_text=_("For the annual report: the institution. For the league table: the oversight body."))
    financial_year = forms.ModelChoiceField(
        label=_("Financial year"), queryset=FinancialYear.objects.none(), required=False,
        help_text=_("Annual report only; leave empty for the current year."))
    contract = forms.ModelChoiceField(
        label=_("Contract"), queryset=selectors.contracts().none(), required=False,
        help_text=_("Contract history only."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = builders.choices()
        self.fields["institution"].queryset = Institution.objects.visible_to(user)
        self.fields["financial_year"].queryset = FinancialYear.objects.visible_to(user).select_related(
            "institution").order_by("institution__name", "-start_date")
        self.fields["financial_year"].label_from_instance = lambda y: f"{y.institution} · {y.name}"
        self.fields["contract"].queryset = selectors.contracts().visible_to(user).order_by(
            "institution__name", "-financial_year__start_date", "level", "title")
        self.fields["contract"].label_from_instance = lambda c: f"{c.institution} · {c.financial_year} · {c.title}"

    def parameters(self):
        data = self.cleaned_data
        return {
            "institution": data["institution"].pk if data.get("institution") else None,
            "financial_year": data["financial_year"].pk if data.get("financial_year") else None,
            "contract": data["contract"].pk if data.get("contract") else None,
        }
