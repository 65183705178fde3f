"""Row-level tenancy: the one scoping path.

Every tenant-owned model carries an ``institution`` and a queryset with ``visible_to(user)``.
Views and API views read only through it, and an object outside the result answers 404.
"""

import functools

from django.apps import apps
from django.db import models
from django.db.models import Exists, F, OuterRef
from django.db.models.expressions import RawSQL
from django.db.models.lookups import StartsWith
from django.utils.translation import gettext_lazy as _


def visible_institutions(user):
    """The ids of the institutions ``user`` may read, as a single SQL subquery (lazy).

    - superusers see everything;
    - a role membership or an officer profile in an institution shows that institution;
    - an oversight membership shows every institution under that body (materialised path);
    - an auditor sees the institutions granted to them with django-guardian.
    """
    Institution = apps.get_model("pmis", "Institution")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Institution.objects.none().values("pk")
    if user.is_superuser:
        return Institution.objects.values("pk")
    sql, compiled_params, user_positions = _visible_sql()
    params = list(compiled_params)
    for i in user_positions:
        params[i] = user.pk
    return RawSQL(sql, params)  # noqa: S611 — SQL compiled by the ORM; the user id stays a parameter


def _visible_queryset(user_id):
    Institution = apps.get_model("pmis", "Institution")
    RoleMembership = apps.get_model("pmis", "RoleMembership")
    Officer = apps.get_model("pmis", "Officer")
    Grant = apps.get_model("pmis", "InstitutionUserObjectPermission")
    member = RoleMembership.objects.filter(user_id=user_id, institution=OuterRef("pk"))
    employed = Officer.objects.filter(user_id=user_id, institution=OuterRef("pk"))
    audited = Grant.objects.filter(
        user_id=user_id, content_object=OuterRef("pk"), permission__codename="audit_institution"
    )
    # The institution is under an oversight body of the user's when its path starts with the body's.
    overseen = RoleMembership.objects.filter(
        StartsWith(OuterRef("oversight_path"), F("institution__oversight_path")),
        user_id=user_id,
        role="oversight",
    )
    return Institution.objects.filter(
        Exists(member) | Exists(employed) | Exists(audited) | Exists(overseen)
    ).order_by().values("pk")


#: stands for the user's id while the subquery is compiled (no real id is negative)
_ANY_USER = -7_700_001


@functools.cache
def _visible_sql():
    """The ORM's SQL for ``_visible_queryset``, compiled once per process with a stand-in user id.

    Building and compiling four correlated subqueries costs ~2 ms of Python on every scoped read (more
    than the query itself); only the user id changes between requests, so it is the one thing filled in.
    Returns (sql, params, the positions of the user id in the params)."""
    sql, params = _visible_queryset(_ANY_USER).query.sql_with_params()
    return sql, tuple(params), [i for i, p in enumerate(params) if p == _ANY_USER]


class TenantQuerySet(models.QuerySet):
    #: the lookup from this model to its institution
    institution_field = "institution"

    def visible_to(self, user):
        return self.filter(**{f"{self.institution_field}__in": visible_institutions(user)})

    def for_institution(self, institution):
        return self.filter(**{self.institution_field: institution})


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    pass


def check_same_institution(errors, field, obj, institution_id, message=None):
    """Add ``field``'s error to ``errors`` when ``obj`` (if set) belongs to another institution.

    Every tenant model's ``clean`` uses this, so a row can never point across tenants.
    """
    if obj is not None and obj.institution_id != institution_id:
        errors[field] = message or _("This belongs to another institution.")


def scoped(model, *, post_only=False, confidential=False):
    """Declare which tenant-owned model a view's ``pk`` names.

    The generic isolation test (tests/pmis/test_isolation.py) reads this to request another
    institution's object on every such URL and expect 404; a view taking an id without it fails
    that test, so no new page escapes the check.

    ``post_only`` views (actions without a page of their own) are probed with POST instead.

    ``confidential`` views (appraisals) open for fewer people than the whole institution, so the
    isolation test does not expect every login of the same institution to get 200 there (it still
    expects 404 across tenants); such views carry their own permission-matrix test.
    """

    def decorate(view):
        view.scoped_model = model
        view.scoped_post_only = post_only
        view.scoped_confidential = confidential
        return view

    return decorate
