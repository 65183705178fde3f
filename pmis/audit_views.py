"""The audit trail browser: filter events, read one event's before/after diff, check a chain.

Every page reads through ``AuditEvent.objects.readable_by(user)`` (tenancy, and an event about a
confidential object only for those who may read the object); the list issues a fixed number of
queries (count + one page) whatever the number of events. Verifying a chain walks every event of the
institution, so its result is cached for ``AUDIT_CHAIN_CACHE_SECONDS`` and recomputed on demand.
"""

import json

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from . import activity, audit
from .models import AuditEvent, Institution
from .tenancy import scoped
from .views import visible_or_404


class EventFilter(forms.Form):
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none(), required=False)
    ct = forms.ChoiceField(label=_("Object type"), required=False)
    about = forms.CharField(label=_("About (name, title or number)"), required=False, max_length=100)
    # Set by the links "Audit trail" on a record's page and "All events of this object": nobody types an id.
    object = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    actor = forms.CharField(label=_("Who (name or user name)"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.visible_to(user)
        self.fields["ct"].choices = [("", _("Any"))] + activity.object_type_choices()
        self.fields["action"].choices = [("", _("Any"))] + activity.action_choices()

    def apply(self, events):
        data = self.cleaned_data
        if data.get("actor"):
            events = events.annotate(full_name=Concat("actor__first_name", Value(" "), "actor__last_name"))
        if data.get("institution"):
            events = events.filter(institution=data["institution"])
        if data.get("ct"):
            app_label, model = data["ct"].split(".", 1)
            events = events.filter(content_type__app_label=app_label, content_type__model=model)
        if data.get("object") and data.get("ct"):  # an id means something only with its type
            events = events.filter(object_id=data["object"].strip())
        if data.get("about", "").strip():
            # The name each event recorded for its object ("Water (2026/27)", a target's description, a person).
            events = events.filter(object_repr__icontains=data["about"].strip())
        if data.get("actor"):
            who = data["actor"].strip()
            events = events.filter(Q(actor_name__iexact=who) | Q(actor__last_name__iexact=who)
                                   | Q(actor__first_name__iexact=who) | Q(full_name__iexact=who))
        if data.get("action"):
            events = events.filter(action=data["action"])
        if data.get("since"):
            events = events.filter(created_at__date__gte=data["since"])
        if data.get("until"):
            events = events.filter(created_at__date__lte=data["until"])
        return events


def chain_cache_key(institution_id) -> str:
    return f"pmis:audit-chain:{institution_id}"


def chain_result(institution_id, *, refresh=False) -> dict:
    """verify_chain's answer for one institution, cached for a few minutes."""
    key = chain_cache_key(institution_id)
    result = None if refresh else cache.get(key)
    if result is None:
        status = audit.verify_chain(institution_id)
        result = {
            "ok": status.ok, "verified": status.verified, "reason": status.reason,
            "broken_id": status.broken_event.pk if status.broken_event else None,
            "broken_seq": status.broken_event.seq if status.broken_event else None,
            "checked_at": timezone.now(),
        }
        cache.set(key, result, getattr(settings, "AUDIT_CHAIN_CACHE_SECONDS", 300))
    return result


@login_required
@require_GET
def event_list(request):
    form = EventFilter(request.GET or None, user=request.user)
    events = AuditEvent.objects.readable_by(request.user).select_related("institution", "content_type", "actor").defer(
        "before")
    institution = None
    if form.is_valid():
        events = form.apply(events)
        institution = form.cleaned_data.get("institution")
    elif form.is_bound:
        events = events.none()
    page = Paginator(events.order_by("-pk"), 50).get_page(request.GET.get("page"))
    for event in page:
        event.sentence = activity.sentence(event)
    query = request.GET.copy()
    query.pop("page", None)
    # Narrowed to one record by a link: name it (as its latest event on the page recorded it) and offer the way out.
    narrowed = form.is_valid() and bool(form.cleaned_data.get("object") and form.cleaned_data.get("ct"))
    subject = page.object_list[0].object_repr if narrowed and page.object_list else ""
    widened = query.copy()
    widened.pop("object", None)
    chain = cache.get(chain_cache_key(institution.pk)) if institution else None
    return render(request, "pmis/audit_event_list.html", {
        "form": form, "page": page, "query": query.urlencode(), "institution": institution, "chain": chain,
        "narrowed": narrowed, "subject": subject, "widened": widened.urlencode(),
    })


def diff_rows(before, after, model=None):
    """[(field, before, after, changed)] over the union of both snapshots' keys, fields and choices labelled
    by the audited model (``model``) where it names them."""
    def show(value, key=""):
        value = activity.value_label(model, key, value)
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, dict):
            # A stored structure (a band table's bands) reads as labelled parts, not as JSON keys.
            return ", ".join(f"{activity.field_label(model, k)}: {show(v, k)}" for k, v in value.items()
                             if v not in (None, ""))
        if isinstance(value, list) and any(isinstance(v, dict) for v in value):
            return "; ".join(show(v) for v in value)
        if isinstance(value, bool):
            return str(_("Yes") if value else _("No"))
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    if not isinstance(before, dict) and not isinstance(after, dict):
        if before is None and after is None:
            return []
        return [("", show(before), show(after), before != after)]
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    keys = sorted(set(before) | set(after))
    return [(activity.field_label(model, k), show(before.get(k), k), show(after.get(k), k),
             before.get(k) != after.get(k)) for k in keys]


@login_required
@scoped(AuditEvent)
@require_GET
def event_detail(request, pk):
    event = visible_or_404(AuditEvent, request.user, pk,
                           AuditEvent.objects.readable_by(request.user).select_related(
                               "institution", "content_type", "actor"))
    model = event.content_type.model_class() if event.content_type else None
    return render(request, "pmis/audit_event_detail.html", {
        "event": event, "rows": diff_rows(event.before, event.after, model), "sentence": activity.sentence(event),
        "action": activity.action_label(event.action), "who": activity.person(event),
        "ct": f"{event.content_type.app_label}.{event.content_type.model}" if event.content_type else "",
    })


@login_required
@scoped(Institution)
@require_GET
def chain_status(request, pk):
    """Verify (or show the cached verification of) one institution's chain; a partial for htmx."""
    institution = visible_or_404(Institution, request.user, pk)
    chain = chain_result(institution.pk, refresh=bool(request.GET.get("refresh")))
    template = "pmis/_audit_chain.html" if request.headers.get("HX-Request") else "pmis/audit_chain.html"
    return render(request, template, {"institution": institution, "chain": chain})
