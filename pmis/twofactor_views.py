"""The Security page: two-factor enrolment, backup codes, turning 2FA off, logging out everywhere."""

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from . import audit, twofactor
from .sessions import end_sessions

PENDING = "twofactor_pending_device"
PENDING_MINUTES = 10


class ConfirmForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code from the app"), max_length=10,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class IdentityForm(forms.Form):
    """The password, and the current code (or a backup code) when an authenticator exists: what setting
    up, replacing or turning off the second factor asks for (twofactor.confirm_identity)."""

    password = forms.CharField(label=gettext_lazy("Your password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, *args, user, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.request = user, request
        if twofactor.has_second_factor(user):
            self.fields["otp_code"] = twofactor.SecondFactorField(
                label=gettext_lazy("Code from your current authenticator"))

    def confirmed(self, change) -> bool:
        """Run ``change(request, user, password=, code=)`` (its answer kept in ``result``); False with the
        reasons on the form if refused."""
        if not self.is_valid():
            return False
        try:
            self.result = change(self.request, self.user, password=self.cleaned_data["password"],
                   code=self.cleaned_data.get("otp_code"))
        except twofactor.Refused as refused:
            for field, errors in (refused.error_dict if hasattr(refused, "error_dict") else
                                  {None: refused.error_list}).items():
                field = "otp_code" if field == "code" else field
                self.add_error(field if field in self.fields else None, errors)
            return False
        return True


class BackupCodesForm(twofactor.SecondFactorFormMixin, forms.Form):
    second_factor_acting = False


def page(request, status=200, **context):
    user = request.user
    if not user.is_authenticated:  # locked out by a wrong password or code
        return redirect("login")
    refused = [form for form in context.values() if isinstance(form, forms.Form) and form.errors]
    if refused:
        # The page is long on a phone: say at the top that nothing changed, and why.
        first = next(iter(refused[0].errors.values()))[0]
        messages.error(request, _("Nothing was changed: %(reason)s") % {"reason": first})
    context.setdefault("enrol_form", IdentityForm(user=user, request=request, prefix="enrol"))
    context.setdefault("disable_form", IdentityForm(user=user, request=request, prefix="disable"))
    context.setdefault("codes_form", BackupCodesForm(request=request))
    return render(request, "pmis/profile_security.html", {
        "enrolled": twofactor.has_second_factor(user),
        "signing_role": twofactor.holds_signing_role(user),
        "backup_codes_left": twofactor.backup_codes_left(user),
        "cooling_off_until": twofactor.cooling_off_until(user),
        "cooling_off_hours": settings.TWO_FACTOR_COOLING_OFF_HOURS,
        **context,
    }, status=status)


@never_cache
@login_required
def security(request):
    return page(request)


@never_cache
@login_required
def enrol(request):
    """POST the password (and the current code) to start set-up (new key, QR code); POST the new app's
    code to confirm it. GET shows a set-up already started."""
    user = request.user
    # A set-up left unfinished expires: a session found later cannot read or confirm its key.
    started_since = timezone.now() - datetime.timedelta(minutes=PENDING_MINUTES)
    device = TOTPDevice.objects.filter(user=user, confirmed=False, pk=request.session.get(PENDING) or 0,
                                       created_at__gte=started_since).first()
    if request.method == "POST" and "cancel" in request.POST:
        # Cancelling ends the set-up: its key is gone and cannot be confirmed later.
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        request.session.pop(PENDING, None)
        return redirect("account-security")
    if request.method == "POST" and "code" not in request.POST:
        identity = IdentityForm(request.POST, user=user, request=request, prefix="enrol")
        if not identity.confirmed(twofactor.begin_change):
            return page(request, status=400, enrol_form=identity)
        device = identity.result
        request.session[PENDING] = device.pk
        form = ConfirmForm()
    elif request.method == "POST":
        form = ConfirmForm(request.POST)
        if device is None:
            messages.error(request, _("Start the set-up again."))
            return redirect("account-security")
        if form.is_valid():
            codes = twofactor.confirm_enrolment(user, device, form.cleaned_data["code"])
            if codes:
                del request.session[PENDING]
                messages.success(request, _("Your authenticator is set up. It can sign and decide appeals after "
                                            "%(hours)s hours; we emailed you about the change.") % {
                    "hours": f"{settings.TWO_FACTOR_COOLING_OFF_HOURS:g}"})
                return render(request, "pmis/profile_backup_codes.html", {"codes": codes})
            form.add_error("code", _("That code did not match. Check the time on your phone and try the next code."))
    else:
        if device is None:
            return redirect("account-security")
        form = ConfirmForm()
    return render(request, "pmis/profile_enrol.html", {
        "device": device, "qr": twofactor.qr_svg(device), "key": twofactor.base32_key(device), "form": form,
    })


@never_cache
@login_required
@require_POST
def backup_codes(request):
    form = BackupCodesForm(request.POST, request=request)
    if not twofactor.has_second_factor(request.user):
        return redirect("account-security")
    if form.is_valid():
        return render(request, "pmis/profile_backup_codes.html", {"codes": twofactor.new_backup_codes(request.user)})
    return page(request, status=400, codes_form=form)


@never_cache
@login_required
@require_POST
def disable(request):
    form = IdentityForm(request.POST, user=request.user, request=request, prefix="disable")
    if form.confirmed(twofactor.turn_off):
        messages.success(request, _("Two-factor authentication is off."))
        return redirect("account-security")
    return page(request, status=400, disable_form=form)


@never_cache
@login_required
@require_POST
def logout_everywhere(request):
    user = request.user
    ended = end_sessions(user)
    Token.objects.filter(user=user).delete()
    audit.record(user, "security.logout_everywhere", user, after={"sessions_ended": ended})
    logout(request)
    messages.success(request, _("You have been logged out on every device."))
    return redirect("login")
