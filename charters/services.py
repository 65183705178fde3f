"""Functions that change charters and complaints. Each validates, then writes its audit event;
views, the admin and Celery tasks call these rather than saving models themselves."""

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pmis import access, audit
from pmis.models import Officer, Role

from .models import Charter, Complaint, ComplianceFeed, Service

CHARTER_FIELDS = [
    "title_en", "title_sw", "commitment_en", "commitment_sw", "how_to_complain_en", "how_to_complain_sw",
    "contact_phone", "contact_email", "address",
]
SERVICE_FIELDS = [
    "code", "order", "name_en", "name_sw", "requirements_en", "requirements_sw", "fee", "currency",
    "cost_note_en", "cost_note_sw", "standard_value", "standard_unit", "office_en", "office_sw",
]
# What the audit trail keeps of a complaint: never the citizen's name, contact or words.
COMPLAINT_AUDIT_FIELDS = ["reference", "kind", "service", "status", "assigned_to", "due_at", "resolved_at"]
HANDLER_ROLES = (Role.PERFORMANCE_OFFICER, Role.ADMIN, Role.HEAD)

# Reference numbers: no 0/O, 1/I/L or U, so they read back over the phone without confusion.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def _unknown(fields, allowed):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")


def _check_draft(charter):
    if charter.is_frozen:
        raise ValidationError(_("A published charter cannot change; create a new draft version."))


# ---------------------------------------------------------------------------------------------
# Charters


@transaction.atomic
def create_charter(actor, institution, **fields):
    """The institution's first draft (or the next version when one was published before)."""
    _unknown(fields, CHARTER_FIELDS)
    if Charter.objects.filter(institution=institution, status=Charter.Status.DRAFT).exists():
        raise ValidationError(_("This institution already has a draft charter; edit that one."))
    last = Charter.objects.filter(institution=institution).order_by("-version").first()
    charter = Charter(institution=institution, version=(last.version + 1) if last else 1, **fields)
    charter.full_clean()
    charter.save()
    audit.record(actor, "charter.create", charter, None, audit.snapshot(charter))
    return charter


@transaction.atomic
def update_charter(actor, charter, **fields):
    _check_draft(charter)
    _unknown(fields, CHARTER_FIELDS)
    before = audit.snapshot(charter)
    for name, value in fields.items():
        setattr(charter, name, value)
    charter.full_clean()
    charter.save()
    audit.record(actor, "charter.update", charter, before, audit.snapshot(charter))
    return charter


@transaction.atomic
def add_service(actor, charter, **fields):
    _check_draft(charter)
    _unknown(fields, SERVICE_FIELDS)
    fields.setdefault("order", charter.services.count() + 1)
    service = Service(charter=charter, institution_id=charter.institution_id, **fields)
    service.full_clean()
    service.save()
    audit.record(actor, "charter.service.create", service, None, audit.snapshot(service))
    return service


@transaction.atomic
def update_service(actor, service, **fields):
    _check_draft(service.charter)
    _unknown(fields, SERVICE_FIELDS)
    before = audit.snapshot(service)
    for name, value in fields.items():
        setattr(service, name, value)
    service.full_clean()
    service.save()
    audit.record(actor, "charter.service.update", service, before, audit.snapshot(service))
    return service


@transaction.atomic
def remove_service(actor, service):
    _check_draft(service.charter)
    if service.complaints.exists():
        raise ValidationError(_("Citizens have complained about this service; it cannot be removed."))
    before = audit.snapshot(service)
    audit.record(actor, "charter.service.delete", service, before, None)
    service.delete()


@transaction.atomic
def new_draft(actor, charter):
    """Copy a published (or superseded) charter and its services into the next draft version."""
    if not charter.is_frozen:
        raise ValidationError(_("This charter is still a draft; edit it directly."))
    if Charter.objects.filter(institution_id=charter.institution_id, status=Charter.Status.DRAFT).exists():
        raise ValidationError(_("A draft version already exists; edit that one."))
    last = Charter.objects.filter(institution_id=charter.institution_id).order_by("-version").first()
    draft = Charter(
        institution_id=charter.institution_id, version=last.version + 1,
        **{name: getattr(charter, name) for name in CHARTER_FIELDS},
    )
    draft.full_clean()
    draft.save()
    Service.objects.bulk_create([
        Service(charter=draft, institution_id=draft.institution_id,
                **{name: getattr(service, name) for name in SERVICE_FIELDS})
        for service in charter.services.all()
    ])
    audit.record(actor, "charter.new_draft", draft, {"copied_from": charter.pk}, audit.snapshot(draft))
    return draft


@transaction.atomic
def publish(actor, draft):
    """Publish a draft; the version published before it becomes superseded."""
    charter = Charter.objects.select_for_update().get(pk=draft.pk)
    if charter.status != Charter.Status.DRAFT:
        raise ValidationError(_("Only a draft charter can be published."))
    services = list(charter.services.all())
    if not services:
        raise ValidationError(_("Add at least one service before publishing the charter."))
    if not charter.how_to_complain_en.strip():
        raise ValidationError(_("Say how citizens can complain before publishing the charter."))
    now = timezone.now()
    previous = Charter.objects.filter(
        institution_id=charter.institution_id, status=Charter.Status.PUBLISHED
    ).first()
    if previous is not None:
        previous.status = Charter.Status.SUPERSEDED
        previous.superseded_at = now
        previous.save(update_fields=["status", "superseded_at"])
        audit.record(actor, "charter.supersede", previous, {"status": "published"}, {"status": "superseded"})
    charter.status = Charter.Status.PUBLISHED
    charter.published_at = now
    charter.save(update_fields=["status", "published_at"])
    audit.record(actor, "charter.publish", charter, {"status": "draft"},
                 {"status": "published", "version": charter.version, "services": [s.pk for s in services]})
    draft.status, draft.published_at = charter.status, charter.published_at
    return charter


@transaction.atomic
def link_indicator(actor, indicator, service_code=""):
    """Feed ``indicator``'s targets from charter compliance (all services, or one service code)."""
    feed = ComplianceFeed(institution_id=indicator.institution_id, indicator=indicator, service_code=service_code)
    feed.full_clean()
    feed.save()
    audit.record(actor, "charter.compliance_feed.create", feed, None, audit.snapshot(feed))
    return feed


# ---------------------------------------------------------------------------------------------
# Complaints


def new_reference():
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"CMP-{chars[:4]}-{chars[4:]}"


def normalise_reference(text):
    """What a citizen typed (any case, spaces, missing dashes) as a stored reference, or ''."""
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if raw.startswith("CMP"):
        raw = raw[3:]
    if len(raw) != 8 or set(raw) - set(REFERENCE_ALPHABET):
        return ""
    return f"CMP-{raw[:4]}-{raw[4:]}"


@transaction.atomic
def submit_complaint(charter, *, kind, message, service=None, name="", phone="", email="", received_at=None):
    """Record a citizen's complaint or feedback against a published charter; no login needed.
    ``received_at`` is for complaints that arrived on paper or by phone and are entered later."""
    if charter.status != Charter.Status.PUBLISHED:
        raise ValidationError(_("This charter is not published."))
    if service is not None and service.charter_id != charter.pk:
        raise ValidationError({"service": _("Choose a service from this charter.")})
    now = received_at or timezone.now()
    complaint = Complaint(
        institution_id=charter.institution_id, charter=charter, service=service, kind=kind, message=message,
        name=name, phone=phone, email=email, received_at=now,
        due_at=service.due(now) if service is not None and kind == Complaint.Kind.COMPLAINT else None,
    )
    complaint.full_clean(exclude=["reference"])
    for _attempt in range(5):
        complaint.reference = new_reference()
        try:
            with transaction.atomic():
                complaint.save()
            break
        except IntegrityError:  # a reference collision, one in 10^11
            complaint.pk = None
    else:
        raise RuntimeError("Could not allocate a complaint reference.")
    audit.record(None, "complaint.submit", complaint, None, audit.snapshot(complaint, COMPLAINT_AUDIT_FIELDS))
    return complaint


def can_handle(user, institution_id):
    """Performance officers, administrators and the head of the institution handle complaints."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(access.roles_in(user, institution_id) & set(HANDLER_ROLES))


def can_work_on(user, complaint, *, handled=None):
    """Handlers, and the officer the complaint is assigned to. ``handled``: ``handled_institutions(user)``
    read beforehand, for a list of complaints."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if complaint.assigned_to_id is not None and complaint.assigned_to_id == user.pk:
        return True
    if handled is None:
        return can_handle(user, complaint.institution_id)
    return user.is_superuser or complaint.institution_id in handled


def handled_institutions(user):
    """The ids of the institutions whose complaints ``user`` handles (read once for a list of complaints)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return set(access.institutions_with(user, *HANDLER_ROLES))


def can_read_contact(user, complaint, *, handled=None):
    """Whether ``user`` may read the citizen's name, phone and email on ``complaint``, on the page, the API
    and any export: exactly those who work on the complaint."""
    return can_work_on(user, complaint, handled=handled)


def assignable_users(institution_id):
    """Everyone working in the institution: its officers and its role holders."""
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(pk__in=Officer.objects.filter(institution_id=institution_id).values("user"))
            | Q(pk__in=access.holders(institution_id, *(set(Role.values) - {Role.AUDITOR, Role.OVERSIGHT})))
        )
        .order_by("last_name", "first_name", "username")
    )


@transaction.atomic
def handle_complaint(actor, complaint, *, status, response="", assigned_to=None, at=None):
    """Assign, move along and answer a complaint in one step; one audit event per change.
    ``at`` is when it happened, for work recorded after the fact (default: now)."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not can_work_on(actor, complaint):
        raise ValidationError(_("Only the institution's complaint handlers or the assigned officer can do this."))
    if complaint.status == Complaint.Status.CLOSED:
        raise ValidationError(_("This complaint is closed and can no longer change."))
    if status not in Complaint.Status.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    errors = {}
    reassigning = (assigned_to.pk if assigned_to else None) != complaint.assigned_to_id
    if reassigning:
        if not can_handle(actor, complaint.institution_id):
            errors["assigned_to"] = _("Only a complaint handler can assign the complaint.")
        elif assigned_to is not None and not assignable_users(complaint.institution_id).filter(
                pk=assigned_to.pk).exists():
            errors["assigned_to"] = _("Choose someone who works in this institution.")
    if status == Complaint.Status.RECEIVED and assigned_to is not None:
        status = Complaint.Status.ASSIGNED
    if status == Complaint.Status.ASSIGNED and assigned_to is None:
        errors["assigned_to"] = _("Choose who the complaint is assigned to.")
    if status in Complaint.DONE and not (response or "").strip():
        errors["response"] = _("Write the response given to the citizen before resolving or closing.")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(complaint, COMPLAINT_AUDIT_FIELDS + ["response"])
    complaint.status = status
    complaint.assigned_to = assigned_to
    complaint.response = (response or "").strip()
    if status in Complaint.DONE:
        complaint.resolved_at = complaint.resolved_at or at or timezone.now()
    else:
        complaint.resolved_at = None
    complaint.full_clean()
    complaint.save()
    after = audit.snapshot(complaint, COMPLAINT_AUDIT_FIELDS + ["response"])
    if after != before:
        audit.record(actor, "complaint.handle", complaint, before, after)
    return complaint
