from django import forms
from django.utils.translation import gettext_lazy as _

from pmis import numbers
from scorecards.models import Indicator, Perspective, StrategicObjective

from .cycle import cascade
from .models import NegotiationRound, Target


class TargetForm(forms.ModelForm):
    """A target of a draft contract; choices limited to the contract's institution, year and parent contract."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Target
        fields = [
            "perspective", "objective", "indicator", "parent", "description", "activities", "unit", "direction",
            "baseline", "target_value", "criteria_excellent", "criteria_very_good", "criteria_good", "criteria_fair",
            "criteria_poor", "weight", "budget_allocated", "expected_q1", "expected_q2", "expected_q3", "expected_date",
        ]
        widgets = {"activities": forms.Textarea(attrs={"rows": 3}), "description": forms.TextInput(),
                   "expected_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.fields["perspective"].queryset = Perspective.objects.filter(financial_year_id=contract.financial_year_id)
        self.fields["objective"].queryset = StrategicObjective.objects.filter(
            institution_id=contract.institution_id, perspective__financial_year_id=contract.financial_year_id
        ).select_related("perspective")
        self.fields["indicator"].queryset = Indicator.objects.filter(institution_id=contract.institution_id)
        parent_contract = cascade.expected_parent_contract(contract, cascade.year_contracts(contract.financial_year_id))
        if parent_contract is None:
            del self.fields["parent"]
        else:
            self.fields["parent"].queryset = Target.objects.filter(contract=parent_contract).order_by("order", "pk")
            self.fields["parent"].help_text = _("The target of “%(contract)s” this one delivers.") % {
                "contract": parent_contract.title}
            self.fields["parent"].label = _("Cascades from")
        self.fields["unit"].help_text = _("Leave empty to use the indicator's unit.")
        for name in Target.QUARTER_FIELDS:
            self.fields[name].help_text = _(
                "Cumulative, from the start of the year. Leave empty for an even share of the way from the "
                "baseline each quarter; quarter 4 expects the target itself.")
        if self.instance.pk:
            self.fields["lock_version"].initial = self.instance.lock_version
        numbers.plain_decimal_inputs(self)

    def values(self):
        data = dict(self.cleaned_data)
        data.pop("lock_version", None)
        if not data.get("unit") and data.get("indicator"):
            data["unit"] = data["indicator"].unit
        return data


class ProposalForm(forms.Form):
    """New values for a target in negotiation; only changed ones become the proposal."""

    comment = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, target, start=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target
        start = start or {}
        for name in NegotiationRound.NEGOTIABLE:
            field = Target._meta.get_field(name)
            self.fields[name] = forms.DecimalField(
                label=field.verbose_name, required=False, max_digits=field.max_digits,
                decimal_places=field.decimal_places, initial=start.get(name, getattr(target, name)),
            )
        self.order_fields([*NegotiationRound.NEGOTIABLE, "comment"])
        numbers.plain_decimal_inputs(self)

    def changes(self):
        return {
            name: self.cleaned_data[name]
            for name in NegotiationRound.NEGOTIABLE
            if self.cleaned_data.get(name) != getattr(self.target, name)
        }


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SignForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    code = forms.CharField(
        label=_("Authentication code"), required=False, max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("The 6-digit code from your authenticator app, or a backup code."),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(
        label=_("I have read the contract above and sign it with the fingerprint shown."), required=True
    )
