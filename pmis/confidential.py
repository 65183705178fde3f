"""Objects read by fewer people than their institution, and the audit events about them.

Most tenant-owned rows are read by everyone who sees their institution (``pmis.tenancy``). Some are
narrower: an appraisal (``appraisals.confidentiality``), a generated report (``reports.models``). The
app that owns such a model registers it here with the function that says which of its rows a user may
read (a queryset, evaluated by the database as a subquery); the audit trail then shows an event about
such an object only to those who may read the object (``AuditEvent.objects.readable_by``).

The core imports no app above it: apps register themselves from their ``AppConfig.ready``.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast

#: readers(user) → {model: queryset of that model's rows ``user`` may read}, one function per owning app
_READERS = []


def register(readers):
    """Declare models narrower than their institution. ``readers(user)`` returns, for each such model
    of the app, the queryset of rows ``user`` may read (one call per page: an app computes what its
    models share, e.g. the readable appraisals, once)."""
    if readers not in _READERS:
        _READERS.append(readers)


def event_filter(user) -> Q:
    """A filter on AuditEvent: an event about a registered model only where ``user`` may read its object.

    Evaluated in the database (one subquery per registered model), so a page of events costs the same
    whatever the number of events. Events about other objects (or none) are left to tenancy."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Q()
    readable = {}
    for readers in _READERS:
        readable.update(readers(user))
    if not readable:
        return Q()
    types = ContentType.objects.get_for_models(*readable)  # cached after the first call
    allowed = ~Q(content_type__in=[ct.pk for ct in types.values()])
    for model, rows in readable.items():
        ids = rows.order_by().annotate(event_object_id=Cast("pk", CharField())).values("event_object_id")
        allowed |= Q(content_type=types[model].pk, object_id__in=ids)
    return allowed
