"""Row-level tenancy: the one scoping path.

Every tenant-owned model carries an ``institution`` and a queryset with ``visible_to(user)``.
Views and API views read only through it, and an object outside the result answers 404.
"""

import functools

from django.apps import apps
from django.db import connection, connections, models
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from .prepared import in_range, prepared, prepared_rows


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


def visible_institution_ids(user, using="default"):
    """(ids, everything): the ids of the institutions ``user`` may read, read now, and whether they are
    every institution there is. ``visible_institutions`` run as its own query (for ordinary users a
    prepared read, planned once per connection), with the count of all institutions taken in the same
    statement, so both come from one snapshot of the table."""
    found = visible_institutions(user)
    if isinstance(found, RawSQL):
        rows = _visible_ids_read()(user.pk, using=using)
        ids = [row[0] for row in rows]
        return ids, bool(rows) and len(ids) == rows[0][1]
    ids = list(found.using(using).values_list("pk", flat=True))  # a superuser's (all) or no one's (none)
    return ids, bool(ids)


@functools.cache
def _visible_ids_read():
    Institution = apps.get_model("pmis", "Institution")
    every = Institution.objects.order_by().annotate(n=models.Func(models.F("pk"), function="COUNT")).values("n")

    def visible_institution_ids(user_id):
        return (Institution.objects.filter(pk__in=visible_institutions(member(user_id))).order_by()
                .annotate(every=models.Subquery(every)).values_list("pk", "every"))

    return prepared_rows(visible_institution_ids)


def visible_object(model, user, pk):
    """``model``'s object ``pk`` if ``user`` may see it, else None (a malformed id too).

    What every page fetching an object by id asks; for ordinary users its SQL is built (and on
    PostgreSQL planned) once per process (pmis.prepared), superusers go through the ORM."""
    pk = in_range(pk)
    if pk is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return model._default_manager.filter(pk=pk).first()
    return next(iter(_visible_by_id(model)(pk, user.pk)), None)


class member:  # noqa: N801 — stands in for a user
    """An active user who is not a superuser, by id alone: what a prepared read is built for."""

    is_authenticated = True
    is_active = True
    is_superuser = False

    def __init__(self, pk):
        self.pk = pk


@functools.cache
def _visible_by_id(model):
    def build(pk, user_id):
        return model._default_manager.filter(pk=pk).visible_to(member(user_id))

    build.__name__ = f"visible_{model._meta.model_name}"
    return prepared(build)


#: stands for the user's id in the cached parameters (no real id is negative)
_ANY_USER = -7_700_001


@functools.cache
def _visible_sql():
    """The visibility subquery's SQL and parameters, with the positions of the user id in them.

    Written as a UNION of four small id sets rather than built with the ORM: the ORM's form (one EXISTS
    per way of seeing, tested against every institution) cost ~2 ms of Python to build on every scoped
    read and made PostgreSQL run the oversight test once per institution. Here each part is an index
    lookup on the user, and the oversight part compares paths once per body the user oversees. Plain SQL
    for PostgreSQL and SQLite alike; the table and column names come from the models."""
    def table(model):
        return connection.ops.quote_name(model._meta.db_table)

    def column(model, name):
        return connection.ops.quote_name(model._meta.get_field(name).column)

    Institution = apps.get_model("pmis", "Institution")
    RoleMembership = apps.get_model("pmis", "RoleMembership")
    Officer = apps.get_model("pmis", "Officer")
    Grant = apps.get_model("pmis", "InstitutionUserObjectPermission")
    Permission = apps.get_model("auth", "Permission")
    path = column(Institution, "oversight_path")
    member, member_user = column(RoleMembership, "institution"), column(RoleMembership, "user")
    # Names from the models' metadata; every value is a parameter.
    sql = (
        # a role in the institution
        f"SELECT r.{member} FROM {table(RoleMembership)} r WHERE r.{member_user} = %s "  # noqa: S608
        # employed there
        f"UNION SELECT o.{column(Officer, 'institution')} FROM {table(Officer)} o "
        f"WHERE o.{column(Officer, 'user')} = %s "
        # granted to an auditor (django-guardian, direct foreign key)
        f"UNION SELECT g.{column(Grant, 'content_object')} FROM {table(Grant)} g "
        f"JOIN {table(Permission)} p ON p.id = g.{column(Grant, 'permission')} "
        f"WHERE g.{column(Grant, 'user')} = %s AND p.{column(Permission, 'codename')} = %s "
        # under a body the user has an oversight role in: the body's path begins the institution's
        f"UNION SELECT i.id FROM {table(RoleMembership)} r "
        f"JOIN {table(Institution)} b ON b.id = r.{member} "
        f"JOIN {table(Institution)} i ON substr(i.{path}, 1, length(b.{path})) = b.{path} "
        f"WHERE r.{member_user} = %s AND r.{column(RoleMembership, 'role')} = %s"
    )
    params = (_ANY_USER, _ANY_USER, _ANY_USER, "audit_institution", _ANY_USER, "oversight")
    return sql, params, [i for i, p in enumerate(params) if p == _ANY_USER]


class _Among(models.Func):
    """``column = ANY(%s)`` with the ids as one array parameter (PostgreSQL): the planner sees the
    constant array, so it knows how many institutions are in sight."""

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

    def visible_to(self, user, *, resolved=False):
        """What ``user`` may read. ``resolved`` reads the institution ids first (one more query) and
        filters by their list, so PostgreSQL knows how many institutions are in sight: for a page read
        in an index's order it then walks the whole-table index for many and one institution's index
        for a few. Behind the subquery (of unknown size) it joined everything and filtered last,
        walking every contract to fill one institution's page."""
        if resolved:
            # Where every row has an institution, one who sees every institution reads unfiltered: the
            # unscoped read and its plan (a superuser without reading the ids; a national body's users).
            whole = not self.model._meta.get_field(self.institution_field).null
            if whole and user.is_active and user.is_superuser:
                return self.all()
            ids, everything = visible_institution_ids(user, self.db)
            if whole and everything:
                return self.all()
            if len(ids) == 1:  # read along the institution's index in its order, no sort
                return self.filter(**{self.institution_field: ids[0]})
            if connections[self.db].vendor == "postgresql":
                # One array parameter: Django's IN with hundreds of parameters cost ~2 ms of Python.
                return self.filter(_Among(models.F(self.institution_field), ids))
            return self.filter(**{f"{self.institution_field}__in": ids})
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
