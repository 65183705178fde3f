"""The audit trail: append-only events, hash-chained per institution.

Each event's hash is SHA-256 over the previous event's hash and the canonical JSON of the event,
so editing or deleting any stored event breaks every hash after it; ``verify_chain`` finds the
first broken link.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from .middleware import current_ip
from .models import AuditChain, AuditEvent, Institution

GENESIS = "0" * 64


def to_json(value):
    """Plain JSON data (dates, decimals and UUIDs become strings) exactly as it will be stored."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def snapshot(obj, fields=None):
    """A model instance's field values, for an event's before/after: foreign keys as ids
    (as ``model_to_dict`` gives them), many-to-many fields as sorted lists of ids."""

    def plain(value):
        if isinstance(value, list | tuple) and value and all(hasattr(v, "pk") for v in value):
            return sorted(v.pk for v in value)
        return value

    return to_json({k: plain(v) for k, v in model_to_dict(obj, fields=fields).items()})


def canonical(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_payload(event: AuditEvent) -> dict:
    return {
        "institution": event.institution_id,
        "seq": event.seq,
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "content_type": event.content_type_id,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "ip": event.ip,
        "created_at": event.created_at.astimezone(datetime.UTC).isoformat(),
    }


def compute_hash(prev_hash: str, payload: dict) -> str:
    return hashlib.sha256((prev_hash + canonical(payload)).encode()).hexdigest()


def institution_of(obj):
    if obj is None:
        return None
    if isinstance(obj, Institution):
        return obj
    return getattr(obj, "institution", None)


def chain_key(institution_id) -> str:
    return f"institution:{institution_id}" if institution_id else "system"


def record(actor, action: str, obj=None, before=None, after=None, *, institution=None, ip=None):
    """Append one event to the chain of ``obj``'s institution and return it.

    Runs in its own atomic block so the event lands with the change it describes, and the
    chain head is taken under SELECT … FOR UPDATE so concurrent writers serialise.
    """
    institution = institution or institution_of(obj)
    institution_id = institution.pk if institution else None
    actor = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        AuditChain.objects.get_or_create(key=chain_key(institution_id))
        chain = AuditChain.objects.select_for_update().get(key=chain_key(institution_id))
        event = AuditEvent(
            institution_id=institution_id,
            seq=chain.seq + 1,
            actor=actor,
            actor_name=actor.get_username() if actor else "",
            action=action,
            content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            before=to_json(before),
            after=to_json(after),
            ip=ip or current_ip.get(),
            created_at=timezone.now(),
            prev_hash=chain.head_hash,
        )
        event.hash = compute_hash(chain.head_hash, event_payload(event))
        AuditEvent.objects.bulk_create([event])
        AuditChain.objects.filter(pk=chain.pk).update(seq=event.seq, head_hash=event.hash)
    return event


@dataclass
class ChainStatus:
    key: str
    verified: int
    broken_event: AuditEvent | None = None
    reason: str = ""

    @property
    def ok(self):
        return self.broken_event is None and not self.reason


def verify_chain(institution_id) -> ChainStatus:
    """Re-walk one chain from the start; stop at the first event whose link or hash is wrong."""
    key = chain_key(institution_id)
    prev = GENESIS
    expected_seq = 1
    events = AuditEvent.objects.filter(institution_id=institution_id).order_by("seq")
    count = 0
    for event in events.iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return ChainStatus(key, count, event, f"expected event #{expected_seq}, found #{event.seq}")
        if event.prev_hash != prev:
            return ChainStatus(key, count, event, "its link to the previous event does not match")
        if compute_hash(prev, event_payload(event)) != event.hash:
            return ChainStatus(key, count, event, "its content does not match its hash")
        prev = event.hash
        expected_seq += 1
        count += 1
    head = AuditChain.objects.filter(key=key).first()
    if head and (head.seq != count or head.head_hash != prev):
        return ChainStatus(key, count, None, f"the chain head says {head.seq} events, {count} found")
    return ChainStatus(key, count)
