"""The audit trail: append-only events, hash-chained per institution.

Each event's hash is SHA-256 over the previous event's hash and the canonical JSON of the event,
so editing or deleting any stored event breaks every hash after it; ``verify_chain`` finds the
first broken link.

What a chain cannot show about itself (that it was deleted whole, or cut short with its head wound
back) the anchors show: ``write_anchor`` appends every chain's head and the number of chains, signed
with a key that is not in the database, to a file outside it (and to the log); ``verify_trail``
checks the database against the latest anchor.
"""

import contextlib
import contextvars
import datetime
import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.dispatch import Signal
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .middleware import current_ip
from .models import AuditChain, AuditEvent, Institution

GENESIS = "0" * 64
#: sent with ``event`` for every event recorded, inside the transaction that records it: apps above the
#: core learn of each transition without the core knowing them (notifications keeps the work inbox)
recorded = Signal()
ANCHOR_VERSION = 1
logger = logging.getLogger("pmis.audit")


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
        if isinstance(value, FieldFile):  # an uploaded file: its stored name
            return value.name or ""
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


def _institution_id_of(obj):
    """The id of ``obj``'s institution, without reading the institution."""
    if obj is None:
        return None
    if isinstance(obj, Institution):
        return obj.pk
    return getattr(obj, "institution_id", None)


def chain_key(institution_id) -> str:
    return f"institution:{institution_id}" if institution_id else "system"


def chain_institution(key: str):
    """The institution id of a chain key (None for the system chain); the inverse of ``chain_key``."""
    return None if key == "system" else int(key.removeprefix("institution:"))


def record(actor, action: str, obj=None, before=None, after=None, *, institution=None, ip=None):
    """Append one event to the chain of ``obj``'s institution and return it.

    Runs in the caller's transaction (or one of its own) so the event lands with the change it
    describes, and the chain head is taken under SELECT … FOR UPDATE so concurrent writers serialise.
    Inside ``together()`` the event is written with the step's others, when the step ends.
    """
    institution_id = institution.pk if institution else _institution_id_of(obj)
    actor = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        institution_id=institution_id,
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
    )
    pending = _pending.get()
    # In a transaction, so that what listens (the work inbox) acts once it commits.
    with transaction.atomic(savepoint=False):
        if pending is not None:
            pending.append(event)
        else:
            _append([event])
        recorded.send(sender=AuditEvent, event=event)
    return event


#: the events of the step under way in ``together()`` (None: each is written at once)
_pending: contextvars.ContextVar = contextvars.ContextVar("pmis_audit_pending", default=None)


@contextlib.contextmanager
def together():
    """Write the events a step records in one go per chain when the step ends (one lock of the chain
    head, one insert), in the order recorded; nothing if the step fails. A step that changes several
    things (a last signature brings the contract into force) records each of them all the same."""
    if _pending.get() is not None:  # inside another step: its end writes them
        yield
        return
    events = []
    token = _pending.set(events)
    try:
        yield
    finally:
        _pending.reset(token)
    if events:
        _append(events)


def _append(events):
    """Link ``events`` onto their chains (each chain's head locked once) and store them."""
    keys = list(dict.fromkeys(chain_key(e.institution_id) for e in events))
    # No savepoint of its own: a failure here fails the change it describes, with it.
    with transaction.atomic(savepoint=False):
        for key in sorted(keys):  # a fixed order, so two writers of the same chains cannot deadlock
            chain = AuditChain.objects.select_for_update().filter(key=key).first()
            if chain is None:  # the chain's first event (two first writers: one creates, both then lock)
                AuditChain.objects.get_or_create(key=key)
                chain = AuditChain.objects.select_for_update().get(key=key)
            head_seq, head_hash = chain.seq, chain.head_hash
            for event in (e for e in events if chain_key(e.institution_id) == key):
                head_seq += 1
                event.seq, event.prev_hash = head_seq, head_hash
                event.hash = head_hash = compute_hash(head_hash, event_payload(event))
            AuditChain.objects.filter(pk=chain.pk).update(seq=head_seq, head_hash=head_hash)
        AuditEvent.objects.bulk_create(events)


@dataclass
class ChainStatus:
    key: str
    verified: int
    broken_event: AuditEvent | None = None
    reason: str = ""
    head_hash: str = GENESIS  # the hash of the last verified event

    @property
    def ok(self):
        return self.broken_event is None and not self.reason


def verify_chain(institution_id) -> ChainStatus:
    """Re-walk one chain from the start; stop at the first event whose link or hash is wrong."""
    key = chain_key(institution_id)
    events = AuditEvent.objects.filter(institution_id=institution_id)
    # The head is read first: record() moves it in the transaction that adds the event, so every
    # event up to it is committed, and events appended during the walk wait for the next run.
    head = AuditChain.objects.filter(key=key).first()
    walk = events.filter(seq__lte=head.seq) if head else events
    prev = GENESIS
    count = 0
    for event in walk.order_by("seq").iterator(chunk_size=2000):
        expected_seq = count + 1
        if event.seq != expected_seq:
            return ChainStatus(key, count, event, f"expected event #{expected_seq}, found #{event.seq}", prev)
        if event.prev_hash != prev:
            return ChainStatus(key, count, event, "its link to the previous event does not match", prev)
        if compute_hash(prev, event_payload(event)) != event.hash:
            return ChainStatus(key, count, event, "its content does not match its hash", prev)
        prev = event.hash
        count += 1
    if head is None:
        return ChainStatus(key, count, None, "the chain head is missing" if count else "", prev)
    if head.seq != count or head.head_hash != prev:
        return ChainStatus(key, count, None, f"the chain head says {head.seq} events, {count} found", prev)
    # Events stored past the head mean the head was wound back over them. The last event is read
    # before the head again, so an event committed meanwhile has its head moved too.
    last_seq = events.order_by("-seq").values_list("seq", flat=True).first() or 0
    head_seq = AuditChain.objects.filter(key=key).values_list("seq", flat=True).first() or 0
    if last_seq > head_seq:
        return ChainStatus(key, count, None, f"event #{last_seq} is stored past the chain head (#{head_seq})", prev)
    return ChainStatus(key, count, head_hash=prev)


# --- Anchors -------------------------------------------------------------------------------------


class AnchorError(Exception):
    """The anchor file cannot be read as anchors."""


def anchor_signature(body: dict) -> str:
    """HMAC-SHA256 of an anchor's content (everything but the signature)."""
    # Without AUDIT_ANCHOR_KEY the key derives from SECRET_KEY, which is not in the database either;
    # a key of its own lets SECRET_KEY be rotated without invalidating every anchor.
    secret = settings.AUDIT_ANCHOR_KEY or settings.SECRET_KEY
    unsigned = {k: v for k, v in body.items() if k != "signature"}
    return salted_hmac("pmis.audit.anchor", canonical(unsigned), secret=secret, algorithm="sha256").hexdigest()


def anchor_path(path=None) -> Path:
    return Path(path or settings.AUDIT_ANCHOR_FILE)


def write_anchor(statuses, path=None) -> dict:
    """Append an anchor of these verified chains to the anchor file and log it; return it.

    Call only after every chain verified and matched the previous anchor, or a tampered trail
    would be signed as the truth."""
    chains = {s.key: [s.verified, s.head_hash] for s in statuses if s.verified}
    body = {
        "version": ANCHOR_VERSION,
        "at": timezone.now().astimezone(datetime.UTC).isoformat(),
        "chain_count": len(chains),
        "events": sum(seq for seq, _ in chains.values()),
        "chains": chains,
    }
    body["signature"] = anchor_signature(body)
    path = anchor_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:
        file.write(canonical(body) + "\n")
        file.flush()
        os.fsync(file.fileno())
    # The log line is a second copy where the logs are shipped off the host: the signature binds it
    # to the file's line.
    logger.info(
        "audit anchor written",
        extra={"anchor_file": str(path), "anchored_at": body["at"], "chain_count": body["chain_count"],
               "events": body["events"], "signature": body["signature"]},
    )
    return body


def latest_anchor(path=None) -> dict | None:
    """The last anchor in the file; None when no anchor was written yet."""
    path = anchor_path(path)
    try:
        with path.open(encoding="utf-8") as file:
            last = None
            for line in file:
                if line.strip():
                    last = line
    except FileNotFoundError:
        return None
    if last is None:
        return None
    try:
        anchor = json.loads(last)
        if anchor.get("version") != ANCHOR_VERSION or not isinstance(anchor.get("chains"), dict):
            raise ValueError
    except (ValueError, AttributeError):
        raise AnchorError(f"the last line of {path} is not an audit anchor") from None
    return anchor


def anchored_event_hash(key: str, seq: int):
    events = AuditEvent.objects.filter(institution_id=chain_institution(key), seq=seq)
    return events.values_list("hash", flat=True).first()


def anchor_problems(anchor: dict, statuses: dict[str, ChainStatus], every_chain: bool) -> list[tuple[str, str]]:
    """(chain key, what is wrong) for each way the verified chains fall short of a signed anchor.

    A chain only grows: it must still hold at least the anchored number of events, and its event
    at the anchored position must be the anchored head. ``every_chain``: ``statuses`` covers the
    whole trail (anchored chains included), so the number of chains is checked too."""
    when = anchor["at"]
    problems = []
    for key, (seq, head_hash) in anchor["chains"].items():
        status = statuses.get(key)
        if status is None or not status.ok:
            continue  # not verified this time (--institution), or already reported as broken
        verified = status.verified
        if verified == 0:
            problems.append((key, f"the chain has vanished: the anchor of {when} had {seq} events, none are stored"))
        elif verified < seq:
            problems.append((key, f"the chain moved back from event #{seq} to #{verified} since the anchor of {when}"))
        elif anchored_event_hash(key, seq) != head_hash:
            problems.append((key, f"event #{seq} is not the one anchored on {when}: the chain was rewritten from it"))
    found = sum(1 for s in statuses.values() if s.verified)
    if every_chain and found < anchor["chain_count"]:
        problems.append(("anchor", f"the anchor of {when} counted {anchor['chain_count']} chains, {found} found"))
    return problems


@dataclass
class TrailCheck:
    statuses: dict[str, ChainStatus]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (chain key or "anchor", what is wrong)
    anchor: dict | None = None


def chains_to_verify() -> set:
    """The institution ids (None: the system chain) of every chain that must exist: each institution's,
    and any chain with a head or events."""
    ids = set(Institution.objects.values_list("pk", flat=True))
    ids |= set(AuditEvent.objects.order_by().values_list("institution_id", flat=True).distinct())
    ids |= {chain_institution(key) for key in AuditChain.objects.values_list("key", flat=True)}
    return ids


def verify_trail(institution=None, anchor_file=None) -> TrailCheck:
    """Verify every chain (or only ``institution``'s) and compare them with the latest anchor."""
    every_chain = institution is None
    problems = []
    try:
        anchor = latest_anchor(anchor_file)
    except AnchorError as error:
        anchor = None
        problems.append(("anchor", str(error)))
    if anchor and not constant_time_compare(anchor_signature(anchor), str(anchor.get("signature", ""))):
        problems.append(("anchor", f"the anchor of {anchor.get('at', '?')} does not match its signature: the anchor "
                                   "file was edited, or AUDIT_ANCHOR_KEY (SECRET_KEY when unset) is not the key "
                                   "that signed it"))
        anchor = None
    ids = chains_to_verify() if every_chain else {institution.pk}
    if every_chain and anchor:
        ids |= {chain_institution(key) for key in anchor["chains"]}
    statuses = {}
    for chain_id in sorted(ids, key=lambda i: (i is not None, i or 0)):
        status = verify_chain(chain_id)
        statuses[status.key] = status
    if anchor:
        problems += anchor_problems(anchor, statuses, every_chain)
    reported = {key for key, _ in problems}
    for key, status in statuses.items():
        # Every institution's chain starts with its creation (org.create_institution, the admin).
        if key != "system" and key not in reported and status.ok and not status.verified:
            problems.append((key, "no audit chain: the institution's creation and every event after it are missing"))
    return TrailCheck(statuses, problems, anchor)
