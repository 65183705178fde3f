"""The work inbox: what is waiting for each user, kept as rows, and a notification at every handoff.

**One answer.** A *provider* per kind of subject (contracts and their quarterly reports here, in
``notifications.waiting``; appraisals and complaints from their own apps' ``waiting`` modules,
registered in ``AppConfig.ready``) says who must act on a set of subjects now, asking the same
may-act functions that allow the actions (``contracts.workflow.can``, ``signing.may_sign``,
``monitoring.can_report`` / ``may_verify``, …). Nothing here restates who may do what.

**Kept in step.** Every transition writes an audit event (``pmis.audit.record``); its ``recorded``
signal tells ``on_recorded`` which object changed. The changed subjects of a transaction are gathered
and, once it commits, ``resync`` recomputes who must act on each: it opens a ``WorkItem`` for each new
(assignee, kind, subject) and closes those nobody needs any more. Time-based work (a quarter's report
falling due) is opened by ``sweep``, which the beat runs daily.

**Told once.** Each newly opened item gets one outbox row (unique per item, recipient and kind), which
the sender delivers as one in-app notification and one email in the recipient's language. A replayed
request or retried task finds the item already open and opens nothing, so nobody is told twice; a
later handoff of the same kind (a plan returned and submitted again) is a new item and a new message.
The person who made the handoff is not told about work it leaves for themselves.

**Cheap to read.** The badge is an annotation of the query that loads the signed-in user; the home
page, ``/tasks/`` and the API read open rows of one indexed table, a fixed number of queries whatever
the number of items.
"""

import contextlib
import contextvars
import datetime
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from pmis import access
from pmis.models import Role
from pmis.tenancy import scope

from .models import Outbox, WorkItem

log = logging.getLogger(__name__)

#: the signed-in user's annotation the menu's "Waiting for you" badge reads
OPEN = "open_work_items_count"
#: the signed-in user's annotation saying they lead people (supervisor, director or head somewhere)
LEADS = "leads_a_team"
#: outbox kinds of handoff messages are this prefix and the work item's kind
OUTBOX_PREFIX = "task."
CHUNK = 500

GROUPS = {
    "contracts": gettext_lazy("Contracts"),
    "reports": gettext_lazy("Progress reports"),
    "appraisals": gettext_lazy("Appraisals"),
    "complaints": gettext_lazy("Complaints"),
}


@dataclass(frozen=True)
class Kind:
    key: str
    #: what the assignee is to do; may hold ``%(n)s`` (the item's number, e.g. the quarter)
    label: str
    group: str
    #: the body the assignees make up, when they act as one (``Waiting for the vetting committee``)
    whom: str = ""
    #: the kind in general, for filters and email preferences (default: ``label``)
    name: str = ""

    @property
    def title(self) -> str:
        return str(self.name or self.label)

    def describe(self, number=0) -> str:
        text = str(self.label)
        return text % {"n": number} if "%(n)" in text else text


@dataclass(frozen=True)
class Want:
    """One (assignee, kind, subject) that should be open now."""

    assignee_id: int
    kind: str
    subject_id: int
    institution_id: int
    title: str
    url: str
    number: int = 0
    due: datetime.date | None = None
    since: datetime.datetime | None = None

    @property
    def key(self):
        return self.assignee_id, self.kind, self.subject_id, self.number


class Provider:
    """Who must act on the subjects of one type. Subclasses set ``subject_type``, ``kinds`` and
    ``watches`` ({"app_label.model": resolver}: the audited objects whose change may move the work
    on a subject, and how to find those subjects from the objects' ids), and implement ``wanted``."""

    subject_type = ""
    kinds: tuple[Kind, ...] = ()
    #: False for a subject whose app tells people itself: its items open without a message
    notifies = True
    watches: dict[str, Callable[[set[str]], Iterable[int]]] = {}

    def wanted(self, ids: set[int], today: datetime.date) -> Iterable[Want]:
        raise NotImplementedError

    def due_subjects(self, today: datetime.date) -> Iterable[int]:
        """Subjects whose work depends on the date (re-checked by the daily sweep)."""
        return ()

    @property
    def kind_keys(self):
        return [k.key for k in self.kinds]


KINDS: dict[str, Kind] = {}
#: the kinds whose handoffs send a message (and so have an email preference)
TOLD: set[str] = set()
PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a provider (from an ``AppConfig.ready``); its kinds become inbox kinds and email categories."""
    if any(type(p) is type(provider) for p in PROVIDERS):
        return provider
    for kind in provider.kinds:
        KINDS[kind.key] = kind
        if provider.notifies:
            TOLD.add(kind.key)
    PROVIDERS.append(provider)
    return provider


_SILENT = contextvars.ContextVar("inbox_silent", default=False)


@contextlib.contextmanager
def silent():
    """Items open as usual inside, but nobody is told (loading a demo year nobody needs telling about)."""
    token = _SILENT.set(True)
    try:
        yield
    finally:
        _SILENT.reset(token)


def today() -> datetime.date:
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Who holds a role where (the one place this module asks; the access module can answer it later)


def holders(institution_ids, roles) -> dict[int, dict[int, set[str]]]:
    """{institution id: {user id: roles held there}} for the active users holding any of ``roles``."""
    return access.holders_in(institution_ids, roles)


def active_users(ids) -> dict:
    """{id: user} of the active users among ``ids``: the candidates a provider asks the rules about."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return get_user_model().objects.filter(is_active=True).in_bulk(ids)


# ---------------------------------------------------------------------------------------------
# Keeping the rows in step


class _Batch:
    """The objects a transaction changed, resynchronised once when it commits."""

    def __init__(self):
        self.refs: dict[str, set[str]] = defaultdict(set)
        self.actors: set[int] = set()
        self.done = False
        self.__qualname__ = "notifications.inbox.flush"  # named in Django's log if it fails

    def __call__(self):
        self.done = True
        flush(self.refs, self.actors)


#: audited actions that never change whose turn it is (a PDF asked for, a comment written)
UNMOVED = frozenset({"contract.document_request", "contract.comment"})


def _watched() -> set[str]:
    return {label for provider in PROVIDERS for label in provider.watches}


def on_recorded(sender, event, **kwargs):
    """``pmis.audit.recorded`` receiver: remember the object, for a resync after the commit."""
    content_type = event.content_type
    if content_type is None or event.action in UNMOVED:
        return
    label = f"{content_type.app_label}.{content_type.model}"
    if label not in _watched():
        return
    batch = _batch()
    batch.refs[label].add(event.object_id)
    if event.actor_id:
        batch.actors.add(event.actor_id)


def _batch() -> _Batch:
    """This transaction's batch: one on-commit callback gathers every change (a rollback drops it)."""
    connection = transaction.get_connection()
    for _savepoints, callback, _robust in reversed(connection.run_on_commit):
        if isinstance(callback, _Batch) and not callback.done:
            return callback
    batch = _Batch()
    # Robust: the transition has committed; a failure here is logged, and the sweep catches up.
    transaction.on_commit(batch, robust=True)
    return batch


def flush(refs: dict[str, set[str]], actors=()) -> int:
    """Resync the subjects behind the changed objects ``refs``; returns how many items opened."""
    opened = 0
    with transaction.atomic():
        for provider in PROVIDERS:
            ids: set[int] = set()
            for label, resolve in provider.watches.items():
                if refs.get(label):
                    ids.update(resolve(refs[label]))
            if ids:
                opened += resync(provider, ids, quiet=actors)
    if opened:
        send_soon()
    return opened


def send_soon():
    """Ask for the outbox to be sent once the rows are committed (the beat sends it anyway)."""
    from celery import current_app

    try:
        current_app.tasks["notifications.send_outbox"].delay_on_commit()
    except Exception:  # noqa: BLE001 - a broker hiccup must not fail the request; the beat sends the rows
        log.warning("could not enqueue notifications.send_outbox", exc_info=True)


def resync(provider: Provider, ids, *, today_=None, quiet=()) -> int:
    """Open the items ``provider`` wants on subjects ``ids`` and close the rest of its kinds there."""
    ids = sorted({int(i) for i in ids})
    today_ = today_ or today()
    opened = 0
    for start in range(0, len(ids), CHUNK):
        opened += _resync(provider, set(ids[start:start + CHUNK]), today_, set(quiet))
    return opened


def _resync(provider, ids, today_, quiet):
    told = provider.notifies and not _SILENT.get()
    wants = {}
    for want in provider.wanted(ids, today_):
        wants.setdefault(want.key, want)
    now = timezone.now()
    current = WorkItem.objects.filter(subject_type=provider.subject_type, subject_id__in=ids,
                                      kind__in=provider.kind_keys, closed_at__isnull=True)
    kept, stale, changed = set(), [], []
    for item in current:
        key = (item.assignee_id, item.kind, item.subject_id, item.number)
        want = wants.get(key)
        if want is None or key in kept:
            stale.append(item.pk)
            continue
        kept.add(key)
        if (item.due, item.title[:300], item.url) != (want.due, want.title[:300], want.url):
            item.due, item.title, item.url = want.due, want.title[:300], want.url
            changed.append(item)
    if stale:
        WorkItem.objects.filter(pk__in=stale).update(closed_at=now)
    if changed:
        WorkItem.objects.bulk_update(changed, ["due", "title", "url"])
    new = [
        WorkItem(assignee_id=w.assignee_id, institution_id=w.institution_id, kind=w.kind,
                 subject_type=provider.subject_type, subject_id=w.subject_id, number=w.number, title=w.title[:300],
                 url=w.url, since=w.since or now, due=w.due,
                 notified_at=None if told and w.assignee_id not in quiet else now)
        for key, w in wants.items() if key not in kept
    ]
    if new:
        # A concurrent resync may open the same item first: the open-once constraint keeps one.
        WorkItem.objects.bulk_create(new, ignore_conflicts=True)
    return notify(WorkItem.objects.filter(subject_type=provider.subject_type, subject_id__in=ids,
                                          kind__in=provider.kind_keys))


def notify(items) -> int:
    """One outbox row per open item not told yet (the outbox's unique key keeps it to one)."""
    pending = list(items.filter(closed_at__isnull=True, notified_at__isnull=True)
                   .values_list("pk", "assignee_id", "institution_id", "kind"))
    if not pending:
        return 0
    Outbox.objects.bulk_create(
        [Outbox(item_id=pk, recipient_id=assignee, institution_id=institution, kind=OUTBOX_PREFIX + kind)
         for pk, assignee, institution, kind in pending],
        ignore_conflicts=True,
    )
    WorkItem.objects.filter(pk__in=[p[0] for p in pending]).update(notified_at=timezone.now())
    return len(pending)


def sweep(today_=None) -> int:
    """Re-check the subjects whose work depends on the date (reports falling due); idempotent."""
    today_ = today_ or today()
    opened = 0
    for provider in PROVIDERS:
        ids = list(provider.due_subjects(today_))
        for start in range(0, len(ids), CHUNK):
            with transaction.atomic():
                opened += _resync(provider, set(ids[start:start + CHUNK]), today_, set())
    if opened:
        send_soon()
    return opened


# ---------------------------------------------------------------------------------------------
# Reading


def open_count():
    """The user's open items as a subquery on the user (the partial index work_item_open)."""
    counted = (WorkItem.objects.filter(assignee=OuterRef("pk"), closed_at__isnull=True).order_by()
               .values("assignee").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def count_of(user) -> int:
    """The badge's number: loaded with the signed-in user (pmis.auth), else one COUNT."""
    loaded = getattr(user, OPEN, None)
    if loaded is not None:
        return loaded
    return WorkItem.objects.filter(assignee=user, closed_at__isnull=True).count()


def overdue_first(items, today_=None):
    """Overdue items first (the longest overdue on top), then by due date, then the oldest."""
    today_ = today_ or today()
    return items.annotate(
        overdue=Case(When(due__lt=today_, then=Value(0)), default=Value(1), output_field=IntegerField()),
    ).order_by("overdue", F("due").asc(nulls_last=True), "since", "pk")


def open_for(user):
    return WorkItem.objects.filter(assignee=user, closed_at__isnull=True)


@dataclass
class Row:
    item: WorkItem
    label: str
    group: str
    overdue: bool
    when: str  # "Overdue by 3 days (15 Oct 2026)", "Due in 2 days", "Since 1 Dec 2026"
    who: str = ""


def when_of(item, today_) -> tuple[bool, str]:
    since = formats.date_format(timezone.localtime(item.since).date())
    if item.due is None:
        return False, _("Since %(date)s") % {"date": since}
    days = (item.due - today_).days
    due = formats.date_format(item.due)
    if days < 0:
        return True, ngettext("Overdue by %(n)s day (due %(date)s)", "Overdue by %(n)s days (due %(date)s)",
                              -days) % {"n": -days, "date": due}
    if days == 0:
        return False, _("Due today")
    return False, ngettext("Due in %(n)s day (%(date)s)", "Due in %(n)s days (%(date)s)", days) % {
        "n": days, "date": due}


def rows(items, today_=None, who=False) -> list[Row]:
    today_ = today_ or today()
    found = []
    for item in items:
        kind = KINDS.get(item.kind)
        label = kind.describe(item.number) if kind else item.kind
        overdue, when = when_of(item, today_)
        name = ""
        if who:
            name = item.assignee.get_full_name() or item.assignee.get_username()
        found.append(Row(item, label, str(GROUPS.get(kind.group, "")) if kind else "", overdue, when, name))
    return found


def kind_choices(told=False):
    """(key, label) of every kind (``told``: those whose handoffs send a message), for filters and
    email preferences."""
    return [(key, kind.title) for key, kind in KINDS.items() if key in TOLD or not told]


# ---------------------------------------------------------------------------------------------
# Waiting on the team, and on whom a subject waits

#: the roles whose holders see what their people have not done
LEAD_ROLES = (Role.SUPERVISOR, Role.DIRECTOR, Role.HEAD)


def leads():
    """Whether the user holds a role that leads people, as a subquery on the user (loaded with them)."""
    return access.holds_expression(*LEAD_ROLES)


def team_items(user):
    """Open items of the people ``user`` leads (``pmis.access.team``). ``None`` for someone who leads
    nobody (read from the signed-in user's annotation, else from their roles). The items are one query."""
    lead = getattr(user, LEADS, None)
    if lead is None:
        lead = any(held & set(LEAD_ROLES) for held in access.of(user).roles.values())
    if not lead:
        return None
    items = WorkItem.objects.filter(closed_at__isnull=True, assignee_id__in=access.team(user).values("user_id"),
                                    kind__in=TEAM_KINDS)
    # Only in the institutions the lead has in sight: a team member may also act somewhere else.
    return scope(items, user, "institution").exclude(assignee=user).select_related("assignee")


#: what a lead sees of their people's work: each person's own part of the cycle (plans, signatures,
#: reports, their own appraisal), not the duties they hold for a body (reviewing, vetting, verifying,
#: moderating, deciding appeals, appraising others), whose subjects the lead may not be allowed to read
TEAM_KINDS = ("contract_submit", "contract_answer", "contract_agree", "contract_sign", "report_due",
              "report_fix", "appraisal_self", "appraisal_acknowledge", "complaint_handle")


def waiting_on(subject_type, subject_id, user) -> tuple[list[str], list[tuple[str, str]]]:
    """(what waits for ``user``, [(whom, what)] waiting for others) on one subject. One query."""
    items = list(WorkItem.objects.filter(subject_type=subject_type, subject_id=subject_id, closed_at__isnull=True)
                 .select_related("assignee").order_by("kind", "number", "assignee__last_name", "assignee_id"))
    mine, by_kind = [], defaultdict(list)
    for item in items:
        kind = KINDS.get(item.kind)
        if kind is None:
            continue
        if item.assignee_id == user.pk:
            mine.append(kind.describe(item.number))
        else:
            by_kind[(item.kind, item.number)].append(item)
    others = []
    for (key, number), found in by_kind.items():
        kind = KINDS[key]
        if kind.whom:
            whom = ngettext("%(body)s: %(n)s member", "%(body)s: %(n)s members", len(found)) % {
                "body": kind.whom, "n": len(found)}
        else:
            whom = ", ".join(i.assignee.get_full_name() or i.assignee.get_username() for i in found)
        others.append((whom, kind.describe(number)))
    return mine, others
