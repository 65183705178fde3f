import re
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from .models import Complaint

TOKEN_SALT = "charters.complaint-form"
PHONE = re.compile(r"^\+?[0-9]{9,15}$")


def form_token(charter_id, now=None):
    """A signed note of when the form was shown and for which charter."""
    return signing.dumps({"c": charter_id, "t": int(now if now is not None else time.time())}, salt=TOKEN_SALT)


class SpamError(Exception):
    """A submission the honeypot or the time check caught; the view counts it against the limit."""


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What would you like to send?"), choices=Complaint.Kind.choices, initial=Complaint.Kind.COMPLAINT,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether this is a complaint, a compliment or a suggestion."),
            "invalid_choice": _("Choose whether this is a complaint, a compliment or a suggestion."),
        },
    )
    service = forms.ModelChoiceField(
        label=_("Which service is it about?"), queryset=None, required=False,
        empty_label=_("Not about one service"),
        error_messages={"invalid_choice": _("Choose a service from the list.")},
    )
    message = forms.CharField(
        label=_("What happened?"), widget=forms.Textarea(attrs={"rows": 5}), min_length=10, max_length=2000,
        help_text=_("Say when and where, and what you expected. Do not include passwords or ID numbers."),
        error_messages={
            "required": _("Tell us what happened."),
            "min_length": _("Please write at least %(limit_value)d characters so we can act on it."),
            "max_length": _("Please keep it under %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=120, required=False,
                           error_messages={"max_length": _("Please keep your name under %(limit_value)d characters.")})
    phone = forms.CharField(
        label=_("Phone (optional)"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"max_length": _("Enter a phone number of 9 to 15 digits, for example 0712 345 678.")},
    )
    email = forms.EmailField(
        label=_("Email (optional)"), required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter a valid email address, for example name@example.com.")},
    )
    # Spam resistance: a field people never see (bots fill it in) and a signed time stamp.
    website = forms.CharField(label=_("Leave this field empty"), required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, charter, **kwargs):
        super().__init__(*args, **kwargs)
        self.charter = charter
        self.fields["service"].queryset = charter.services.all()
        self.fields["service"].label_from_instance = lambda service: service.name
        self.initial.setdefault("started", form_token(charter.pk))

    def clean_phone(self):
        phone = re.sub(r"[\s\-()]", "", self.cleaned_data["phone"])
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(_("Enter a phone number of 9 to 15 digits, for example 0712 345 678."))
        return phone

    def check_spam(self):
        """Raise SpamError for a filled honeypot, a forged or expired time stamp, or a form sent
        faster than a person can fill it."""
        if self.data.get("website", "").strip():
            raise SpamError(_("We could not accept this submission."))
        try:
            token = signing.loads(self.data.get("started", ""), salt=TOKEN_SALT,
                                  max_age=settings.CHARTERS_FORM_MAX_AGE_SECONDS)
        except signing.BadSignature:
            raise SpamError(_("This form has expired; please check your message and send it again.")) from None
        if token.get("c") != self.charter.pk:
            raise SpamError(_("This form has expired; please check your message and send it again."))
        age = time.time() - token.get("t", 0)
        if age > settings.CHARTERS_FORM_MAX_AGE_SECONDS:
            raise SpamError(_("This form has expired; please check your message and send it again."))
        if age < settings.CHARTERS_FORM_MIN_SECONDS:
            raise SpamError(_("That was faster than a person can fill in the form; please check it and send again."))


class TrackForm(forms.Form):
    reference = forms.CharField(label=_("Reference number"), max_length=20,
                                widget=forms.TextInput(attrs={"placeholder": "CMP-XXXX-XXXX",
                                                              "autocapitalize": "characters"}))


class HandleForm(forms.Form):
    assigned_to = forms.ModelChoiceField(label=_("Assigned to"), queryset=None, required=False,
                                         empty_label=_("Nobody yet"))
    status = forms.ChoiceField(label=_("Status"), choices=Complaint.Status.choices)
    response = forms.CharField(label=_("Response to the citizen"), widget=forms.Textarea(attrs={"rows": 4}),
                               required=False, max_length=4000)

    def __init__(self, *args, users, can_assign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = users
        self.fields["assigned_to"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        if not can_assign:
            self.fields["assigned_to"].disabled = True
