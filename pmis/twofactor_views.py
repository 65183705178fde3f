"""The Security page: two-factor enrolment, backup codes, turning 2FA off, logging out everywhere."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from . import audit, twofactor
from .sessions import end_sessions

PENDING = "twofactor_pending_device"


class ConfirmForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code from the app"), max_length=10,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class PasswordForm(forms.Form):
    password = forms.CharField(label=gettext_lazy("Your password"),
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, *args, user, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.request = user, request

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            user_login_failed.send(sender=__name__, credentials={"username": self.user.get_username()},
                                   request=self.request)
            raise forms.ValidationError(_("That is not your password."))
        return password


class BackupCodesForm(twofactor.SecondFactorFormMixin, forms.Form):
    pass


def page(request, **context):
    user = request.user
    context.setdefault("disable_form", PasswordForm(user=user, request=request))
    context.setdefault("codes_form", BackupCodesForm(request=request))
    return render(request, "pmis/profile_security.html", {
        "enrolled": twofactor.has_second_factor(user),
        "signing_role": twofactor.holds_signing_role(user),
        "backup_codes_left": twofactor.backup_codes_left(user),
        **context,
    })


@never_cache
@login_required
def security(request):
    return page(request)


@never_cache
@login_required
def enrol(request):
    """POST without a code starts set-up (new key, QR code); POST with a code confirms it."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=False, pk=request.session.get(PENDING) or 0).first()
    if request.method == "POST" and "code" not in request.POST:
        device = twofactor.start_enrolment(user)
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
                messages.success(request, _("Two-factor authentication is on."))
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
    if not request.user.is_authenticated:  # locked out by the wrong code
        return redirect("login")
    return page(request, codes_form=form)


@never_cache
@login_required
@require_POST
def disable(request):
    form = PasswordForm(request.POST, user=request.user, request=request)
    if form.is_valid():
        twofactor.disable(request.user)
        messages.success(request, _("Two-factor authentication is off."))
        return redirect("account-security")
    return page(request, disable_form=form)


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
