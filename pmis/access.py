"""Who may see and act where: the one place that reads it.

Every permission in PMIS rests on two facts about a user: the **institutions in sight** and the
**roles held** in each. Both are read here and nowhere else (models, admin and migrations aside):

- a role membership in an institution, or an officer's post there, shows that institution;
- an oversight role in a body shows every institution under it (its materialised path);
- an auditor sees the institutions granted to them with django-guardian (``audit_institution``);
- an evaluator sees the institutions assigned to them for the year-end evaluation, the same way
  (``evaluate_institution``);
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
import dataclasses
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.signals import post_delete, post_save
from guardian.shortcuts import assign_perm, remove_perm

AUDIT_PERMISSION = "pmis.audit_institution"
AUDIT_CODENAME = AUDIT_PERMISSION.split(".")[1]
EVALUATE_PERMISSION = "pmis.evaluate_institution"
EVALUATE_CODENAME = EVALUATE_PERMISSION.split(".")[1]

#: the kinds of row the one read gives, beside the role names
_EMPLOYED, _AUDITED, _EVALUATED = "~employed", "~audited", "~evaluated"
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
    #: assigned to the user as an evaluator (the year-end evaluation of institutions)
    evaluated: frozenset = frozenset()
    #: under a body the user holds an oversight role in
    overseen: frozenset = frozenset()
    #: the overseen institutions are all there are: every top-level body is overseen
    everything: bool = False
    #: the materialised paths of the bodies the user holds an oversight role in
    oversight_paths: tuple = ()

    @property
    def in_sight(self) -> frozenset:
        return frozenset(self.roles) | self.employed | self.audited | self.evaluated | self.overseen

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

    def evaluates(self, institution_id) -> bool:
        return institution_id in self.evaluated

    def oversees(self, path) -> bool:
        """Whether the institution at materialised ``path`` is under a body the user oversees."""
        return any(path.startswith(body) for body in self.oversight_paths)


NOBODY = Access()

#: what the current request has read: {user id: Access}; None outside a request
_read: contextvars.ContextVar = contextvars.ContextVar("pmis_access", default=None)


def of(user) -> Access:
    """``user``'s access: read once per request, afresh outside one."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOBODY
    kept = _read.get()
    if kept is not None and user.pk in kept:
        return kept[user.pk]
    found = _load(user)
    if user.is_superuser:  # sees everything, and still holds the roles given to them (signing, committees)
        found = dataclasses.replace(found, superuser=True, everything=True)
    if kept is not None:
        kept[user.pk] = found
    return found


def _load(user) -> Access:
    """Everything ``Access`` holds: the roles (with each institution's path), the officer's post and the
    auditor's grants in one statement; for a user with an oversight role, a second one reads the
    institutions under their bodies."""
    RoleMembership = apps.get_model("pmis", "RoleMembership")
    Officer = apps.get_model("pmis", "Officer")
    Grant = apps.get_model("pmis", "InstitutionUserObjectPermission")
    text = models.CharField()

    def kind(name):
        return models.Value(name, text)

    no_path = kind("")
    held = RoleMembership.objects.filter(user_id=user.pk).values_list(
        "institution_id", "role", "institution__oversight_path")
    employed = Officer.objects.filter(user_id=user.pk).values_list("institution_id", kind(_EMPLOYED), no_path)
    # The auditor's grants, read from django-guardian's per-object table for institutions (written with
    # guardian's assign_perm): its get_objects_for_user builds the same filter at several times the
    # cost, and this read runs on every request.
    # The evaluator's assignments are grants of the same table, read in the same statement.
    granted = Grant.objects.filter(
        user_id=user.pk, permission__codename__in=[AUDIT_CODENAME, EVALUATE_CODENAME],
    ).annotate(what=models.Case(
        models.When(permission__codename=AUDIT_CODENAME, then=kind(_AUDITED)), default=kind(_EVALUATED),
        output_field=text,
    )).values_list("content_object_id", "what", no_path)
    roles, employers, audited, evaluated, paths = {}, set(), set(), set(), set()
    for institution_id, what, path in held.order_by().union(employed.order_by(), granted.order_by(), all=True):
        if what == _EMPLOYED:
            employers.add(institution_id)
        elif what == _AUDITED:
            audited.add(institution_id)
        elif what == _EVALUATED:
            evaluated.add(institution_id)
        else:
            roles.setdefault(institution_id, set()).add(what)
            if what == OVERSIGHT and path:
                paths.add(path)
    overseen, everything = _overseen(paths) if paths else (frozenset(), False)
    return Access(roles={i: frozenset(r) for i, r in roles.items()}, employed=frozenset(employers),
                  audited=frozenset(audited), evaluated=frozenset(evaluated), overseen=overseen, everything=everything,
                  oversight_paths=tuple(sorted(paths)))


def _overseen(paths):
    """(the institutions under the bodies at ``paths``, whether that is every institution): one
    statement, which also reads the top-level bodies, since overseeing all of them is overseeing
    everything (whenever an institution is added under one)."""
    Institution = apps.get_model("pmis", "Institution")
    under = models.Q()
    for path in paths:
        under |= models.Q(oversight_path__startswith=path)
    rows = Institution.objects.filter(under | models.Q(oversight_parent__isnull=True)).annotate(
        under=models.Case(models.When(under, then=True), default=False, output_field=models.BooleanField()),
    ).values_list("pk", "under")
    ids, everything = set(), True
    for pk, is_under in rows:
        if is_under:
            ids.add(pk)
        else:  # a top-level body outside the user's
            everything = False
    return frozenset(ids), everything


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


def evaluates(user, institution_id) -> bool:
    """Whether ``user`` is assigned to evaluate the institution (the year-end evaluation)."""
    return of(user).evaluates(institution_id)


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


def holders_in(institution_ids, roles) -> dict:
    """{institution id: {user id: roles held there}} for the active users holding any of ``roles``."""
    from collections import defaultdict

    RoleMembership = apps.get_model("pmis", "RoleMembership")
    found = defaultdict(lambda: defaultdict(set))
    if not institution_ids:
        return found
    for institution_id, user_id, role in RoleMembership.objects.filter(
        institution_id__in=set(institution_ids), role__in=list(roles), user__is_active=True
    ).values_list("institution_id", "user_id", "role"):
        found[institution_id][user_id].add(role)
    return found


def holds_expression(*roles):
    """Whether a user holds one of ``roles`` anywhere, as a subquery on the user (to annotate them)."""
    RoleMembership = apps.get_model("pmis", "RoleMembership")
    return models.Exists(RoleMembership.objects.filter(user=models.OuterRef("pk"), role__in=roles))


def directed_paths(user, institution_id) -> tuple:
    """The materialised paths of the units ``user`` directs in the institution (a director holds the
    role with a unit): they lead that unit and everything below it."""
    RoleMembership = apps.get_model("pmis", "RoleMembership")
    return tuple(RoleMembership.objects.filter(
        user_id=user.pk, institution_id=institution_id, role="director", org_unit__isnull=False,
    ).values_list("org_unit__path", flat=True))


def directs(user, unit) -> bool:
    """Whether ``user`` directs ``unit`` or a unit above it."""
    return any(unit.path.startswith(path) for path in directed_paths(user, unit.institution_id))


def team(user):
    """The officers ``user`` leads: their direct reports; for a director, the officers of their unit and
    below; for a head, everyone in the institution (a queryset)."""
    from django.db.models.lookups import StartsWith

    RoleMembership = apps.get_model("pmis", "RoleMembership")
    Officer = apps.get_model("pmis", "Officer")
    heads = sorted(institutions_with(user, "head"))
    # A director leads the officers whose unit's path begins with their own unit's.
    officer_path = models.ExpressionWrapper(models.OuterRef("org_unit__path"), output_field=models.CharField())
    directs = RoleMembership.objects.filter(
        StartsWith(officer_path, models.F("org_unit__path")),
        user=user, role="director", institution_id=models.OuterRef("institution_id"), org_unit__isnull=False,
    )
    return Officer.objects.filter(models.Q(supervisor__user=user) | models.Q(institution_id__in=heads)
                                  | models.Q(models.Exists(directs)))


def grant_audit(user, institution):
    """Let ``user`` audit ``institution`` (read-only), through django-guardian."""
    assign_perm(AUDIT_PERMISSION, user, institution)
    forget()


def revoke_audit(user, institution):
    remove_perm(AUDIT_PERMISSION, user, institution)
    forget()


def grant_evaluation(user, institution):
    """Assign ``user`` to evaluate ``institution`` at year end, through django-guardian."""
    assign_perm(EVALUATE_PERMISSION, user, institution)
    forget()


def revoke_evaluation(user, institution):
    remove_perm(EVALUATE_PERMISSION, user, institution)
    forget()


def evaluators(institution_id):
    """The user ids (a subquery) assigned to evaluate the institution."""
    Grant = apps.get_model("pmis", "InstitutionUserObjectPermission")
    return Grant.objects.filter(content_object_id=institution_id,
                                permission__codename=EVALUATE_CODENAME).values("user_id")


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
