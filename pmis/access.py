"""Who may see and act where: the one place that reads it.

Every permission in PMIS rests on two facts about a user: the **institutions in sight** and the
**roles held** in each. Both are read here and nowhere else (models, admin and migrations aside):

- a role membership in an institution, or an officer's post there, shows that institution;
- an oversight role in a body shows every institution under it (its materialised path);
- an auditor sees the institutions granted to them with django-guardian (``audit_institution``);
- a superuser sees everything.

``of(user)`` reads them in one statement (two for an oversight role). Inside a request
(``AccessMiddleware``) the answer is kept for the rest of that request and dropped at its end, so a
revoked role counts from the next request; outside one (tasks, the shell, tests calling a service)
every call reads afresh. Changing a role membership, an officer's post or a grant forgets what the
current request has read.

The "may this user do X now" questions live in their domain modules (``contracts.cycle.workflow.can``,
``contracts.monitoring.may_verify``, …) and ask this module for the roles; they raise ``NotAllowed``.
"""

import contextlib
import contextvars
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.functions import Left, Length
from django.db.models.signals import post_delete, post_save
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

AUDIT_PERMISSION = "pmis.audit_institution"

#: the kinds of row the one read gives, beside the role names
_EMPLOYED, _AUDITED, _OVERSEEN, _TOP = "~employed", "~audited", "~overseen", "~top"
#: the role whose holder sees every institution under the body (pmis.models.Role.OVERSIGHT)
OVERSIGHT = "oversight"


class NotAllowed(PermissionDenied):
    """The user does not hold the part this step needs (HTTP 403)."""


@dataclass(frozen=True)
class Access:
    """What one user may see, and the roles they hold where."""

    superuser: bool = False
    #: institution id → the roles held there
    roles: dict = field(default_factory=dict)
    #: where the user is employed as an officer
    employed: frozenset = frozenset()
    #: granted to the user as an auditor
    audited: frozenset = frozenset()
    #: under a body the user holds an oversight role in
    overseen: frozenset = frozenset()
    #: the overseen institutions are all there are: every top-level body is overseen
    everything: bool = False
    #: the materialised paths of the bodies the user holds an oversight role in
    oversight_paths: tuple = ()

    @property
    def in_sight(self) -> frozenset:
        return frozenset(self.roles) | self.employed | self.audited | self.overseen

    def sees(self, institution_id) -> bool:
        return self.superuser or self.everything or institution_id in self.in_sight

    def roles_in(self, institution_id) -> frozenset:
        return self.roles.get(institution_id, frozenset())

    def holds(self, role, institution_id=None) -> bool:
        """Whether the user holds ``role`` in the institution (anywhere, without one)."""
        if institution_id is not None:
            return role in self.roles_in(institution_id)
        return any(role in held for held in self.roles.values())

    def institutions_with(self, *roles) -> frozenset:
        """The institutions where the user holds one of ``roles``."""
        return frozenset(i for i, held in self.roles.items() if held & set(roles))

    def audits(self, institution_id) -> bool:
        return institution_id in self.audited

    def oversees(self, path) -> bool:
        """Whether the institution at materialised ``path`` is under a body the user oversees."""
        return any(path.startswith(body) for body in self.oversight_paths)


NOBODY = Access()
EVERYTHING = Access(superuser=True, everything=True)

#: what the current request has read: {user id: Access}; None outside a request
_read: contextvars.ContextVar = contextvars.ContextVar("pmis_access", default=None)


def of(user) -> Access:
    """``user``'s access: read once per request, afresh outside one."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOBODY
    if user.is_superuser:
        return EVERYTHING
    kept = _read.get()
    if kept is not None and user.pk in kept:
        return kept[user.pk]
    found = _load(user)
    if kept is not None:
        kept[user.pk] = found
    return found


def _load(user) -> Access:
    """Everything ``Access`` holds, in one statement: the roles (with each institution's path), the
    officer's post, the auditor's grants, the institutions under the bodies the user oversees, and the
    top-level bodies (overseeing all of them is overseeing everything)."""
    RoleMembership = apps.get_model("pmis", "RoleMembership")
    Officer = apps.get_model("pmis", "Officer")
    Institution = apps.get_model("pmis", "Institution")
    text = models.CharField()

    def kind(name):
        return models.Value(name, text)

    no_path = kind("")
    held = RoleMembership.objects.filter(user_id=user.pk).values_list(
        "institution_id", "role", "institution__oversight_path")
    employed = Officer.objects.filter(user_id=user.pk).values_list("institution_id", kind(_EMPLOYED), no_path)
    granted = get_objects_for_user(user, AUDIT_PERMISSION, klass=Institution, use_groups=False,
                                   with_superuser=False, accept_global_perms=False)
    # under a body the user oversees: the body's path begins the institution's
    bodies = RoleMembership.objects.filter(user_id=user.pk, role=OVERSIGHT, institution__oversight_path=Left(
        models.OuterRef("oversight_path"), Length("institution__oversight_path")))
    overseen = Institution.objects.filter(models.Exists(bodies))
    tops = Institution.objects.filter(oversight_parent__isnull=True)
    rows = held.order_by().union(
        employed.order_by(),
        granted.order_by().values_list("pk", kind(_AUDITED), no_path),
        overseen.order_by().values_list("pk", kind(_OVERSEEN), no_path),
        tops.order_by().values_list("pk", kind(_TOP), no_path),
        all=True)
    roles, found, paths = {}, {_EMPLOYED: set(), _AUDITED: set(), _OVERSEEN: set(), _TOP: set()}, set()
    for institution_id, what, path in rows:
        if what in found:
            found[what].add(institution_id)
        else:
            roles.setdefault(institution_id, set()).add(what)
            if what == OVERSIGHT and path:
                paths.add(path)
    overseen_ids = frozenset(found[_OVERSEEN])
    return Access(roles={i: frozenset(r) for i, r in roles.items()}, employed=frozenset(found[_EMPLOYED]),
                  audited=frozenset(found[_AUDITED]), overseen=overseen_ids,
                  everything=bool(overseen_ids) and found[_TOP] <= overseen_ids,
                  oversight_paths=tuple(sorted(paths)))


# ---------------------------------------------------------------------------------------------
# Questions asked with a user


def roles_in(user, institution_id) -> frozenset:
    return of(user).roles_in(institution_id)


def holds(user, role, institution_id=None) -> bool:
    return of(user).holds(role, institution_id)


def sees(user, institution_id) -> bool:
    return of(user).sees(institution_id)


def institutions_with(user, *roles) -> frozenset:
    return of(user).institutions_with(*roles)


def audits(user, institution_id) -> bool:
    return of(user).audits(institution_id)


def require_role(user, institution_id, roles, message):
    """Refuse (``NotAllowed``) unless ``user`` holds one of ``roles`` in the institution (superusers pass)."""
    if user.is_superuser:
        return
    if not roles_in(user, institution_id) & set(roles):
        raise NotAllowed(message)


# ---------------------------------------------------------------------------------------------
# Questions asked about an institution


def memberships(user) -> list:
    """``user``'s role memberships with their institutions and units, to show them."""
    RoleMembership = apps.get_model("pmis", "RoleMembership")
    return list(RoleMembership.objects.filter(user=user).select_related("institution", "org_unit")
                .order_by("institution__name", "role"))


def holders(institution_id, *roles):
    """The user ids (a subquery) holding one of ``roles`` in the institution."""
    RoleMembership = apps.get_model("pmis", "RoleMembership")
    return RoleMembership.objects.filter(institution_id=institution_id, role__in=roles).values("user_id")


def grant_audit(user, institution):
    """Let ``user`` audit ``institution`` (read-only), through django-guardian."""
    assign_perm(AUDIT_PERMISSION, user, institution)
    forget()


def revoke_audit(user, institution):
    remove_perm(AUDIT_PERMISSION, user, institution)
    forget()


# ---------------------------------------------------------------------------------------------
# Kept for one request


def forget(**_kwargs):
    """Drop what the current request has read (a role, a post or a grant changed)."""
    kept = _read.get()
    if kept is not None:
        kept.clear()


@contextlib.contextmanager
def kept():
    """Keep each user's access for the length of the block: one request (``AccessMiddleware``), one
    task, one step of a script."""
    token = _read.set({})
    try:
        yield
    finally:
        _read.reset(token)


class AccessMiddleware:
    """Keeps each user's access for the length of one request, and no longer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with kept():
            return self.get_response(request)


def connect():
    """Forget on any change to what access is read from (called from PmisConfig.ready)."""
    for name in ("RoleMembership", "Officer", "InstitutionUserObjectPermission", "Institution"):
        model = apps.get_model("pmis", name)
        post_save.connect(forget, sender=model, dispatch_uid=f"access-forget-save-{name}")
        post_delete.connect(forget, sender=model, dispatch_uid=f"access-forget-delete-{name}")
