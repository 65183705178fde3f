from django import forms
from django.utils.translation import gettext_lazy as _

from contracts.forms import SignForm


class SelfEvaluationSignForm(SignForm):
    """The contract's signing form (password, authentication code), confirming the self-evaluation."""

    lock_version = None
    confirm = forms.BooleanField(
        label=_("I have checked every achievement above and sign the self-evaluation."), required=True)
