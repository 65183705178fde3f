"""Row-level tenancy: the one scoping path.

Every tenant-owned model carries an ``institution`` and a queryset with ``visible_to(user)``.
Views and API views read only through it, and an object outside the result answers 404.
"""

from django.apps import apps
from django.db import models
from django.db.models import Exists, F, OuterRef
from django.db.models.lookups import StartsWith
from django.utils.translation import gettext_lazy as _


def visible_institutions(user):
    """A lazy queryset of the institution ids ``user`` may read, as a single SQL subquery.

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
    RoleMembership = apps.get_model("pmis", "RoleMembership")
    Officer = apps.get_model("pmis", "Officer")
    Grant = apps.get_model("pmis", "InstitutionUserObjectPermission")
    member = RoleMembership.objects.filter(user=user, institution=OuterRef("pk"))
    employed = Officer.objects.filter(user=user, institution=OuterRef("pk"))
    audited = Grant.objects.filter(
        user=user, content_object=OuterRef("pk"), permission__codename="audit_institution"
    )
    # The institution is under an oversight body of the user's when its path starts with the body's.
    overseen = RoleMembership.objects.filter(
        StartsWith(OuterRef("oversight_path"), F("institution__oversight_path")),
        user=user,
        role="oversight",
    )
    return Institution.objects.filter(
        Exists(member) | Exists(employed) | Exists(audited) | Exists(overseen)
    ).values("pk")


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
