"""The one scoping path: ``visible_to`` answers exactly the institutions the rules give, for every
kind of user, read through pmis.access (checked here against the rules themselves, read from the tables)."""

from django.contrib.auth.models import Permission

from pmis import org
from pmis.models import Institution, InstitutionUserObjectPermission, Officer, Role, RoleMembership


def by_the_rules(user):
    """The visible institutions computed in Python from the rules in pmis.tenancy's docstring."""
    if not user.is_active:
        return set()
    if user.is_superuser:
        return set(Institution.objects.values_list("pk", flat=True))
    seen = set(RoleMembership.objects.filter(user=user).values_list("institution_id", flat=True))
    seen |= set(Officer.objects.filter(user=user).values_list("institution_id", flat=True))
    seen |= set(InstitutionUserObjectPermission.objects.filter(
        user=user, permission__codename="audit_institution").values_list("content_object_id", flat=True))
    bodies = [m.institution.oversight_path for m in RoleMembership.objects.filter(user=user, role=Role.OVERSIGHT)]
    seen |= {i.pk for i in Institution.objects.all() if any(i.oversight_path.startswith(b) for b in bodies)}
    return seen


def visible(user):
    return set(Institution.objects.visible_to(user).values_list("pk", flat=True))


def test_every_demo_login_sees_what_the_rules_give(demo):
    for name, user in demo.users.items():
        assert visible(user) == by_the_rules(user), name
    assert visible(demo.users["perfdept"]) >= {demo.water.pk, demo.machakos.pk}
    assert demo.outside.pk not in visible(demo.users["perfdept"])
    assert visible(demo.users["head2"]) == {demo.machakos.pk}


def test_nested_oversight_an_auditor_grant_and_an_inactive_user(demo, django_user_model):
    admin = demo.users["admin"]
    county_body = Institution.objects.create(name="County Performance Office", slug="cpo", kind="oversight",
                                             oversight_parent=demo.pmco)
    department = Institution.objects.create(name="County Department of Health", slug="cdh", kind="county",
                                            oversight_parent=county_body)
    national, county = (django_user_model.objects.create(username=n) for n in ("national", "countyperf"))
    org.grant_role(admin, national, demo.pmco, Role.OVERSIGHT)
    org.grant_role(admin, county, county_body, Role.OVERSIGHT)
    assert {county_body.pk, department.pk, demo.water.pk} <= visible(national)
    assert visible(county) == {county_body.pk, department.pk} == by_the_rules(county)

    auditor = django_user_model.objects.create(username="granted")
    InstitutionUserObjectPermission.objects.create(
        user=auditor, content_object=demo.outside,
        permission=Permission.objects.get(codename="audit_institution", content_type__app_label="pmis"))
    assert visible(auditor) == {demo.outside.pk} == by_the_rules(auditor)

    national.is_active = False
    assert visible(national) == set()
    assert visible(admin) == set(Institution.objects.values_list("pk", flat=True))


def test_two_users_in_one_process_get_their_own_answers(demo):
    head2, perfdept = demo.users["head2"], demo.users["perfdept"]
    first = Institution.objects.visible_to(head2)
    second = Institution.objects.visible_to(perfdept)
    assert set(first.values_list("pk", flat=True)) == {demo.machakos.pk}
    assert len(set(second.values_list("pk", flat=True))) > 1


def test_a_user_who_sees_every_institution_reads_unfiltered_until_one_is_outside(demo, django_user_model):
    # Overseeing every top-level body is seeing every institution there is, whenever it was made: the
    # read is then the unfiltered one. A top-level institution outside those bodies brings the filter back.
    from pmis import access
    from pmis.models import FinancialYear

    admin = demo.users["admin"]
    national = django_user_model.objects.create(username="national")
    for root in Institution.objects.filter(oversight_parent=None):
        RoleMembership.objects.create(user=national, institution=root, role=Role.OVERSIGHT)
    seen = access.of(national)
    assert seen.everything and seen.in_sight == set(Institution.objects.values_list("pk", flat=True))
    unfiltered = FinancialYear.objects.visible_to(national)
    assert "WHERE" not in str(unfiltered.query)
    assert set(unfiltered) == set(FinancialYear.objects.all())

    elsewhere = Institution.objects.create(name="Elsewhere", slug="elsewhere", kind=Institution.Kind.COUNTY)
    hidden = org.open_financial_year(admin, elsewhere, 2026)
    seen = access.of(national)
    assert not seen.everything and elsewhere.pk not in seen.in_sight
    rows = set(FinancialYear.objects.visible_to(national))
    assert hidden not in rows and rows == set(FinancialYear.objects.exclude(institution=elsewhere))


def test_a_superuser_reads_unfiltered_and_an_inactive_one_reads_nothing(demo, django_user_model):
    from pmis.models import FinancialYear

    boss = django_user_model.objects.create(username="boss", is_superuser=True)
    assert "WHERE" not in str(FinancialYear.objects.visible_to(boss).query)
    assert set(FinancialYear.objects.visible_to(boss)) == set(FinancialYear.objects.all())
    boss.is_active = False
    assert not FinancialYear.objects.visible_to(boss).exists()
