"""Who the actor is to an appraisal and who may act on it (conflicts of interest included), and what
every step shares: the row lock, the state and text checks, notifications."""

import contextlib
import contextvars

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from contracts.models import PerformanceContract
from notifications.models import Notification
from pmis import access, addresses
from pmis.access import NotAllowed
from pmis.models import Role

from .. import confidentiality
from ..models import Appraisal

Status = Appraisal.Status
PLAN_STATES = {PerformanceContract.Status.SIGNED, PerformanceContract.Status.IN_FORCE}


# ---------------------------------------------------------------------------------------------
# Who the actor is to this appraisal


def parts_of(user, appraisal) -> set[str]:
    """officer, supervisor, countersigner, hr, appeals, auditor — what ``user`` may act as."""
    if user is None:
        return {"system"}
    parts = set()
    if appraisal.officer.user_id == user.pk:
        parts.add("officer")
    if appraisal.supervisor_id == user.pk:
        parts.add("supervisor")
    if appraisal.countersigner_id == user.pk:
        parts.add("countersigner")
    roles = confidentiality.roles_in(user, appraisal.institution_id)
    if roles & set(confidentiality.HR_ROLES) or user.is_superuser:
        parts.add("hr")
    if Role.APPEALS in roles:
        parts.add("appeals")
    return parts


def _require(user, appraisal, *wanted):
    if not parts_of(user, appraisal) & set(wanted):
        raise NotAllowed(_("This step is not yours to take on this appraisal."))


# Conflicts of interest: nobody judges an appraisal they are the subject of or marked.

#: the parts that make a user a party to an appraisal: its subject and those who marked it
PARTY_PARTS = frozenset({"officer", "supervisor", "countersigner"})


def is_party(user, appraisal, parts=None) -> bool:
    """Whether ``user`` is the appraised officer, their supervisor or the second level on ``appraisal``."""
    parts = parts_of(user, appraisal) if parts is None else parts
    return bool(parts & PARTY_PARTS)


def may_countersign(user, appraisal, parts=None) -> bool:
    """The second level countersigns (or returns): the named second-level supervisor, or HR where there is
    none — never the appraised officer nor the supervisor whose marks are countersigned."""
    parts = parts_of(user, appraisal) if parts is None else parts
    wanted = "countersigner" if appraisal.countersigner_id else "hr"
    return wanted in parts and not parts & {"officer", "supervisor"}


def may_decide_appeal(user, appraisal, parts=None) -> bool:
    """The appeals committee hears and decides an appeal; a member who is a party to the appraisal does not."""
    if user is None:
        return False
    parts = parts_of(user, appraisal) if parts is None else parts
    return ("appeals" in parts or user.is_superuser) and not is_party(user, appraisal, parts)


def may_moderate(user, appraisal, parts=None) -> bool:
    """HR on the moderation panel adjusts a grade, but not of an appraisal they are a party to."""
    if user is None:
        return False
    parts = parts_of(user, appraisal) if parts is None else parts
    return "hr" in parts and not is_party(user, appraisal, parts)


def _conflict():
    return NotAllowed(_("You are a party to this appraisal; someone independent of it takes this step."))


def _state(appraisal, *states):
    if appraisal.status not in states:
        raise ValidationError(_("This step is not possible while the appraisal is “%(status)s”.") % {
            "status": appraisal.get_status_display().lower()})


def _lock(appraisal) -> Appraisal:
    return Appraisal.objects.select_for_update(of=("self",)).select_related(
        "officer", "officer__user", "contract", "institution", "financial_year").get(pk=appraisal.pk)


def _text(value, field, message):
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


_SILENT = contextvars.ContextVar("appraisal_notifications_silent", default=False)


@contextlib.contextmanager
def silent():
    """No notifications inside (the demo seed replays a year that nobody needs telling about)."""
    token = _SILENT.set(True)
    try:
        yield
    finally:
        _SILENT.reset(token)


def notify(user, appraisal, title, body=""):
    """An in-app notification and an email to ``user`` about ``appraisal``."""
    if user is None or _SILENT.get():
        return
    url = appraisal.get_absolute_url()
    Notification.objects.create(user=user, institution_id=appraisal.institution_id, kind="appraisal",
                                critical=True, title=title[:200], body=body, url=url)
    if user.email:
        # Every email carries the link to the appraisal, on the public address, even when it has no body.
        send_mail(title, f"{body or title}\n\n{addresses.link(url)}", settings.DEFAULT_FROM_EMAIL, [user.email],
                  fail_silently=True)


def _hr(actor, institution_id):
    if actor.is_superuser:
        return
    if not access.roles_in(actor, institution_id) & set(confidentiality.HR_ROLES):
        raise NotAllowed(_("Moderation is for the institution's performance officers (the panel secretariat)."))
