"""Two-factor authentication: TOTP (an authenticator app) plus single-use backup codes.

Login stays password-only; the second factor is asked for when a user signs a contract or decides
an appeal. The API for those pages:

- ``requires_second_factor(user)``: True when the user has enrolled a TOTP device, or holds a
  signing/deciding role (head, principal, director, supervisor, appeals) — those must enrol first.
- ``has_second_factor(user)``: True when the user has a confirmed TOTP device.
- ``verify_second_factor(request, user, code)``: True for the current TOTP code or an unused backup
  code (which is then spent). Every wrong code counts as a failed login in django-axes, keyed on
  username and IP like a wrong password; after ``AXES_FAILURE_LIMIT`` consecutive failures the user
  is locked out for ``AXES_COOLOFF_HOURS`` (password logins too) and their session is ended.
- ``SecondFactorField`` / ``SecondFactorFormMixin``: a form field and a mixin adding an
  "Authentication code" field that validates through ``verify_second_factor`` when required.

Note for callers: the failure is written in the request's transaction. A view that answers a wrong
code must not roll that transaction back (render the form with the error rather than raising).
"""

import logging
from base64 import b32encode
from binascii import unhexlify

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials
from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .models import Role

log = logging.getLogger(__name__)

# Roles whose holders sign contracts or decide appeals: they cannot act without a second factor.
SIGNING_ROLES = frozenset({Role.HEAD, Role.PRINCIPAL, Role.DIRECTOR, Role.SUPERVISOR, Role.APPEALS})
DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


# --- Questions ------------------------------------------------------------------------------------


def totp_device(user, confirmed=True):
    if not getattr(user, "is_authenticated", False):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def has_second_factor(user) -> bool:
    return getattr(user, "is_authenticated", False) and TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def holds_signing_role(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role_memberships.filter(role__in=SIGNING_ROLES).exists()


def requires_second_factor(user) -> bool:
    return has_second_factor(user) or holds_signing_role(user)


def enrol_message() -> str:
    return _(
        "Signing needs two-factor authentication. Set up an authenticator app on your Security page (%(url)s) "
        "first."
    ) % {"url": reverse("account-security")}


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- Verifying ------------------------------------------------------------------------------------


def _credentials(user):
    return get_credentials(user.get_username())


def is_locked_out(request, user) -> bool:
    return AxesProxyHandler.is_locked(request, _credentials(user))


def verify_second_factor(request, user, code) -> bool:
    """True for the user's current TOTP code or an unused backup code; a wrong code counts toward lockout."""
    if not has_second_factor(user):
        return False
    if is_locked_out(request, user):
        return False
    code = "".join(str(code or "").split()).lower()
    ok = bool(code) and (_verify_totp(user, code) or _verify_backup(user, code))
    if ok:
        return True
    # Axes records the failure exactly as for a wrong password (username + IP).
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
    log.warning("second factor refused", extra={"username": user.get_username()})
    if is_locked_out(request, user):
        audit.record(user, "security.second_factor_lockout", user)
        if getattr(request, "user", None) == user and hasattr(request, "session"):
            logout(request)
    return False


def _verify_totp(user, code) -> bool:
    if not code.isdigit():
        return False
    return any(device.verify_token(code) for device in TOTPDevice.objects.filter(user=user, confirmed=True))


def _verify_backup(user, code) -> bool:
    return any(device.verify_token(code) for device in StaticDevice.objects.filter(user=user, confirmed=True))


# --- Enrolment ------------------------------------------------------------------------------------


def start_enrolment(user) -> TOTPDevice:
    """An unconfirmed device with a fresh key (replacing any earlier unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def base32_key(device) -> str:
    return b32encode(unhexlify(device.key)).decode("ascii").rstrip("=")


def qr_svg(device) -> str:
    """The otpauth:// URI as an inline SVG (no style attributes, so the CSP allows it)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, dark="#0f1720",
                                                             light="#ffffff", omitsize=True)


@transaction.atomic
def confirm_enrolment(user, device, code) -> list[str]:
    """Confirm ``device`` with a code from the app; return the new backup codes (shown once)."""
    if device is None or device.user_id != user.pk or device.confirmed:
        raise ValueError("no enrolment in progress")
    code = "".join(str(code or "").split())
    if not (code.isdigit() and device.verify_token(code)):
        return []
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_backup_codes(user, record=False)
    audit.record(user, "security.two_factor_enabled", user)
    return codes


@transaction.atomic
def new_backup_codes(user, record=True) -> list[str]:
    """Replace the user's backup codes with a fresh set and return them (they are not shown again)."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=BACKUP_DEVICE_NAME,
                                                          defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(settings.TWO_FACTOR_BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    if record:
        audit.record(user, "security.backup_codes_regenerated", user)
    return codes


@transaction.atomic
def disable(user):
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record(user, "security.two_factor_disabled", user)


def enrol_with_key(user, hex_key) -> TOTPDevice:
    """Give ``user`` a confirmed TOTP device with a known key (the demo seed). Idempotent."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=hex_key, confirmed=True)
    elif device.key != hex_key:
        device.key = hex_key
        device.save(update_fields=["key"])
    return device


# --- Forms ----------------------------------------------------------------------------------------


class SecondFactorField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Authentication code"))
        kwargs.setdefault("help_text", gettext_lazy("The 6-digit code from your authenticator app, or a backup code."))
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("required", True)
        kwargs.setdefault("widget", forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "off", "spellcheck": "false",
        }))
        super().__init__(**kwargs)


class SecondFactorFormMixin:
    """Adds ``otp_code`` when the user needs a second factor, and checks it in ``clean()``.

    Construct the form with ``request=`` (and ``user=`` when it is not ``request.user``). The code is
    verified only when the rest of the form is valid, so a typo elsewhere does not spend the code.
    """

    second_factor_field_name = "otp_code"

    def __init__(self, *args, request=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.second_factor_user = user if user is not None else getattr(request, "user", None)
        self.second_factor_required = requires_second_factor(self.second_factor_user)
        if self.second_factor_required:
            self.fields[self.second_factor_field_name] = SecondFactorField()

    def clean(self):
        cleaned = super().clean()
        if not self.second_factor_required:
            return cleaned
        user = self.second_factor_user
        if not has_second_factor(user):
            raise forms.ValidationError(enrol_message(), code="second_factor_not_enrolled")
        if self.errors:
            return cleaned
        code = (cleaned or {}).get(self.second_factor_field_name) or self.data.get(self.second_factor_field_name)
        if not verify_second_factor(self.request, user, code):
            self.add_error(self.second_factor_field_name, forms.ValidationError(
                _("That code is wrong or has expired. Codes change every 30 seconds; each works once."),
                code="second_factor_wrong"))
        return cleaned


def current_code(user) -> str | None:
    """The code ``user``'s authenticator shows now (demo logins, browser tests and ``totp_code``)."""
    device = totp_device(user)
    if device is None:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
