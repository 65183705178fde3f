"""Two-factor authentication: TOTP (an authenticator app) plus single-use backup codes.

Login stays password-only; the second factor is asked for when a user signs a contract or decides
an appeal. The API for those pages:

- ``requires_second_factor(user)``: True when the user has enrolled a TOTP device, or holds a
  signing/deciding role (head, principal, director, supervisor, appeals) — those must enrol first.
- ``has_second_factor(user)``: True when the user has a confirmed TOTP device.
- ``verify_second_factor(request, user, code)``: True for the current TOTP code or an unused backup
  code (which is then spent). Every wrong code counts in the one lockout (pmis.lockout).
- ``confirm_identity(request, user, password=, code=, acting=)``: the re-authentication every
  sensitive step asks for, raising ``Refused`` with what is wrong. ``acting=True`` (signing, deciding)
  also refuses an authenticator still in its cooling-off period.
- ``SecondFactorField`` / ``SecondFactorFormMixin``: a form field and a mixin adding an
  "Authentication code" field that validates through ``verify_second_factor`` when required.

Changing the second factor (setting up, replacing, turning off) takes the password and, when a device
exists, its current code or a backup code: a session or a password alone is not enough. Every change,
an administrator's reset included, is audited and emailed to the user, and a new authenticator
cannot sign or decide appeals for ``TWO_FACTOR_COOLING_OFF_HOURS``.
"""

import contextlib
import datetime
import logging
from base64 import b32encode
from binascii import unhexlify
from contextvars import ContextVar

import segno
from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import access, audit, lockout
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
    return any(held & SIGNING_ROLES for held in access.of(user).roles.values())


def _devices(user) -> list:
    """The user's confirmed authenticators, oldest first: read once for a whole check."""
    return list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"))


def requires_second_factor(user) -> bool:
    return has_second_factor(user) or holds_signing_role(user)


def enrol_message() -> str:
    return _(
        "Signing needs two-factor authentication. Set up an authenticator app on your Security page (%(url)s) "
        "first."
    ) % {"url": reverse("account-security")}


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def cooling_off_until(user, devices=None) -> datetime.datetime | None:
    """When the user's authenticator may first sign or decide appeals, while that is still ahead."""
    devices = _devices(user) if devices is None else devices
    device = devices[0] if devices else None
    if device is None or device.created_at is None:
        return None
    until = device.created_at + datetime.timedelta(hours=settings.TWO_FACTOR_COOLING_OFF_HOURS)
    return until if until > timezone.now() else None


def cooling_off_message(until) -> str:
    return _(
        "Your authenticator was set up recently. For your protection it can sign and decide appeals from "
        "%(time)s; until then, nothing can be signed or decided with it."
    ) % {"time": formats.date_format(timezone.localtime(until), "j F Y, H:i")}


# --- Verifying ------------------------------------------------------------------------------------


class Refused(ValidationError):
    """Re-authentication failed: a wrong password or code, a lockout, or a factor not ready to act."""


def is_locked_out(request, user) -> bool:
    return lockout.is_locked_out(request, user.get_username())


def locked_message() -> str:
    return _("Too many failed attempts: this is locked for now. Try again later.")


def _count_failure(request, user):
    if lockout.record_failure(request, user.get_username()):
        audit.record(user, "security.lockout", user)
        django_request = getattr(request, "_request", request)
        if getattr(django_request, "user", None) == user and hasattr(django_request, "session"):
            logout(django_request)


def verify_second_factor(request, user, code, devices=None) -> bool:
    """True for the user's current TOTP code or an unused backup code; a wrong code counts toward lockout."""
    devices = _devices(user) if devices is None else devices
    if not devices:
        return False
    if is_locked_out(request, user):
        return False
    code = "".join(str(code or "").split()).lower()
    ok = bool(code) and (_verify_totp(devices, code) or _verify_backup(user, code))
    if ok:
        return True
    log.warning("second factor refused", extra={"username": user.get_username()})
    _count_failure(request, user)
    return False


def check_password(request, user, password):
    """Raise ``Refused`` unless ``password`` is the user's; a wrong one counts toward lockout."""
    if is_locked_out(request, user):
        raise Refused(locked_message(), code="locked")
    if not password or not user.check_password(password):
        _count_failure(request, user)
        raise Refused({"password": _("That is not your password.")}, code="wrong_password")


def check_ready_to_act(user, devices=None):
    """Raise ``Refused`` when the user must have a second factor to sign or decide and it is missing
    or still cooling off."""
    devices = _devices(user) if devices is None else devices
    if not devices:
        raise Refused(enrol_message(), code="second_factor_not_enrolled")
    until = cooling_off_until(user, devices)
    if until is not None:
        raise Refused(cooling_off_message(until), code="second_factor_cooling_off")


def why_not_ready_to_act(user) -> str | None:
    """What keeps the user from signing or deciding with their second factor now, for the page to say
    before they type anything (None: nothing does)."""
    if not requires_second_factor(user):
        return None
    try:
        check_ready_to_act(user)
    except Refused as refused:
        return refused.messages[0]
    return None


def confirm_identity(request, user, *, password, code, acting) -> bool:
    """The password, then the second factor where it applies; True when a second factor was checked.

    ``acting``: signing or deciding (a signatory role needs a factor, and a new one must have cooled
    off). Otherwise the step changes the second factor itself: the existing device's code is needed
    whenever there is one."""
    check_password(request, user, password)
    devices = _devices(user)
    if acting:
        if not devices and not holds_signing_role(user):
            return False
        try:
            check_ready_to_act(user, devices)
        except Refused as refused:
            raise Refused({"code": refused}) from None
    elif not devices:
        return False
    if not verify_second_factor(request, user, code, devices):
        message = locked_message() if is_locked_out(request, user) else _(
            "That authentication code is wrong or has expired. Codes change every 30 seconds; each works once.")
        raise Refused({"code": message}, code="second_factor_wrong")
    return True


def _verify_totp(devices, code) -> bool:
    if not code.isdigit():
        return False
    return any(device.verify_token(code) for device in devices)


def _verify_backup(user, code) -> bool:
    return any(device.verify_token(code) for device in StaticDevice.objects.filter(user=user, confirmed=True))


# --- Enrolment ------------------------------------------------------------------------------------


def begin_change(request, user, *, password, code) -> TOTPDevice:
    """Start setting up (or replacing) the authenticator, once the user proved who they are."""
    confirm_identity(request, user, password=password, code=code, acting=False)
    return start_enrolment(user)


def start_enrolment(user) -> TOTPDevice:
    """An unconfirmed device with a fresh key (replacing any earlier unconfirmed one). Callers prove
    the user's identity first (``begin_change``)."""
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
    replaced = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk)
    replacing = replaced.exists()
    with quietly():
        replaced.delete()
    # The cooling-off counts from the moment the device becomes usable.
    device.confirmed, device.created_at = True, timezone.now()
    device.save(update_fields=["confirmed", "created_at"])
    codes = new_backup_codes(user, record=False)
    audit.record(user, "security.two_factor_replaced" if replacing else "security.two_factor_enabled", user,
                 after={"usable_from": device.created_at + datetime.timedelta(
                     hours=settings.TWO_FACTOR_COOLING_OFF_HOURS)})
    tell_owner(user, _("Your authenticator was replaced") if replacing else _("Two-factor authentication was set up"),
               new_device=True)
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


def turn_off(request, user, *, password, code):
    """The user turns two-factor off: the password and a current code (or a backup code) first."""
    confirm_identity(request, user, password=password, code=code, acting=False)
    reset(user, by=user)


@transaction.atomic
def reset(user, *, by):
    """Remove the user's authenticator and backup codes (``by``: the user, or an administrator)."""
    with quietly():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    record_removal(user, by)


def record_removal(user, by):
    if by is not None and by.pk == user.pk:
        audit.record(user, "security.two_factor_disabled", user)
        tell_owner(user, _("Two-factor authentication was turned off"))
    else:
        audit.record(by, "security.two_factor_reset", user)
        tell_owner(user, _("An administrator reset your two-factor authentication"), by_administrator=True)


def enrol_with_key(user, hex_key) -> TOTPDevice:
    """Give ``user`` a confirmed TOTP device with a known key (the demo seed). Idempotent.

    Provisioned by the operator, so it is dated back past the cooling-off: it signs at once."""
    provisioned = timezone.now() - datetime.timedelta(hours=settings.TWO_FACTOR_COOLING_OFF_HOURS, minutes=1)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=hex_key, confirmed=True)
    if device.key != hex_key or device.created_at is None or device.created_at > provisioned:
        device.key, device.created_at = hex_key, min(device.created_at or provisioned, provisioned)
        device.save(update_fields=["key", "created_at"])
    return device


# --- Telling the owner ----------------------------------------------------------------------------

_QUIET: ContextVar[bool] = ContextVar("twofactor_quiet", default=False)


@contextlib.contextmanager
def quietly():
    """Deletions made by the functions above, which record and tell the user themselves."""
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


@receiver(post_delete, sender=TOTPDevice)
def _authenticator_removed_elsewhere(sender, instance, origin=None, **kwargs):
    # A device deleted outside these functions (a shell, a script) is a reset too: audited and told.
    # The admin's deletions say who did it (pmis.admin).
    if _QUIET.get() or not instance.confirmed:
        return
    model = getattr(origin, "model", type(origin))
    if model is not TOTPDevice:  # the user was deleted with it: nobody to tell
        return
    record_removal(instance.user, None)


def tell_owner(user, subject, *, new_device=False, by_administrator=False):
    """Email the user that their second factor changed, with when and from where, and what to do if it
    was not them (or, after an administrator's reset, what to do next)."""
    if not user.email:
        return
    facts = {
        "subject": subject, "username": user.get_username(),
        "time": formats.date_format(timezone.localtime(), "j F Y, H:i"),
        "zone": timezone.get_current_timezone_name(),
        "ip": audit.current_ip.get() or _("unknown"), "hours": f"{settings.TWO_FACTOR_COOLING_OFF_HOURS:g}",
    }
    lines = [_("%(subject)s on your PMIS account (%(username)s) on %(time)s (%(zone)s), from the address %(ip)s.")
             % facts]
    if new_device:
        lines.append(_("The new authenticator cannot sign contracts or decide appeals for %(hours)s hours.") % facts)
    if by_administrator:
        lines.append(_("Set up a new authenticator on your Security page before you next sign or decide an appeal; "
                       "it can do so %(hours)s hours after it is set up. If you did not ask for this, ask your "
                       "system administrator why.") % facts)
    else:
        lines.append(_("If this was not you, tell your system administrator at once and change your password."))
    try:
        send_mail(f"PMIS: {subject}", "\n\n".join(lines), settings.DEFAULT_FROM_EMAIL, [user.email])
    except OSError:  # the change stands; the audit trail holds it whatever the mail server does
        log.exception("security notice not sent", extra={"username": user.get_username()})


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
    #: The form signs or decides: a new authenticator still cooling off cannot be used for it.
    second_factor_acting = True

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
        if self.second_factor_acting:
            check_ready_to_act(user)  # its refusal is the form's error
        elif not has_second_factor(user):
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
