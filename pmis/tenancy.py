"""Row-level tenancy: the one scoping path.

Every tenant-owned model carries an ``institution`` and a queryset with ``visible_to(user)``.
Views and API views read only through it, and an object outside the result answers 404.
"""

from django.db import connections, models
from django.utils.translation import gettext_lazy as _

from . import access


def in_range(value, bits=64):
    """``value`` as an id the database can take, or None (a malformed or out-of-range id)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -(2 ** (bits - 1)) <= number < 2 ** (bits - 1) else None


def scope(queryset, user, field):
    """``queryset`` narrowed to the rows whose ``field`` is an institution ``user`` has in sight
    (``pmis.access``): all of them for a superuser or a body overseeing every institution."""
    seen = access.of(user)
    whole = field == "pk" or not queryset.model._meta.get_field(field).null
    if seen.superuser or (seen.everything and whole):
        return queryset.all()
    ids = sorted(seen.in_sight)
    if not ids:
        return queryset.none()
    if len(ids) == 1:  # read along the institution's index in its order, no sort
        return queryset.filter(**{field: ids[0]})
    if connections[queryset.db].vendor == "postgresql":
        # One array parameter: the planner sees how many institutions are in sight.
        return queryset.filter(_Among(models.F(field), ids))
    return queryset.filter(**{f"{field}__in": ids})


def visible_object(model, user, pk):
    """``model``'s object ``pk`` if ``user`` may see it, else None (a malformed id too): read by its
    primary key, then its institution checked against the institutions in sight (pmis.access)."""
    pk = in_range(pk)
    if pk is None:
        return None
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        return None
    seen = access.of(user)
    institution_id = found.pk if model._meta.label == "pmis.Institution" else found.institution_id
    if seen.superuser or (institution_id is not None and seen.sees(institution_id)):
        return found
    return None


class _Among(models.Func):
    """``column = ANY(%s)`` with the ids as one array parameter (PostgreSQL)."""

    output_field = models.BooleanField()
    conditional = True

    def __init__(self, column, ids):
        super().__init__(column)
        self.ids = list(ids)

    def as_sql(self, compiler, connection, **extra_context):
        source = self.source_expressions[0]
        column, params = compiler.compile(source)
        # One array literal ('{1,2,…}'), not ARRAY[1, 2, …]: a single constant for PostgreSQL to parse.
        array = "{" + ",".join(str(int(i)) for i in self.ids) + "}"
        return f"{column} = ANY(%s::{source.output_field.db_type(connection)}[])", (*params, array)


class TenantQuerySet(models.QuerySet):
    #: the lookup from this model to its institution
    institution_field = "institution"

    def visible_to(self, user):
        """What ``user`` may read: the rows of the institutions in sight."""
        return scope(self, user, self.institution_field)

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


def scoped(model, *, post_only=False, confidential=False, url_kwargs=None):
    """Declare which tenant-owned model a view's ``pk`` names.

    The generic isolation test (tests/pmis/test_isolation.py) reads this to request another
    institution's object on every such URL and expect 404; a view taking an id without it fails
    that test, so no new page escapes the check.

    ``post_only`` views (actions without a page of their own) are probed with POST instead.

    ``confidential`` views (appraisals) open for fewer people than the whole institution, so the
    isolation test does not expect every login of the same institution to get 200 there (it still
    expects 404 across tenants); such views carry their own permission-matrix test.

    ``url_kwargs``: the URL's other parts, which the isolation test fills in beside ``pk``.
    """

    def decorate(view):
        view.scoped_model = model
        view.scoped_post_only = post_only
        view.scoped_confidential = confidential
        view.scoped_url_kwargs = dict(url_kwargs or {})
        return view

    return decorate
