import datetime

import pytest
from django.core.exceptions import ValidationError

from pmis import org
from pmis.models import FinancialYear, Institution, Officer, OrgUnit


def test_subtree_is_one_query(demo, django_assert_num_queries):
    directorate = OrgUnit.objects.get(institution=demo.water, name="Directorate of Water Resources")
    with django_assert_num_queries(1):
        names = {u.name for u in directorate.subtree()}
    assert names == {"Directorate of Water Resources", "Department of Groundwater Development",
                     "Borehole Drilling Division", "Hydrogeology Section", "Department of Water Quality"}


@pytest.mark.parametrize("month,year,label,start,end", [
    (7, 2026, "2026/27", datetime.date(2026, 7, 1), datetime.date(2027, 6, 30)),
    (1, 2026, "2026", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
    (4, 2025, "2025/26", datetime.date(2025, 4, 1), datetime.date(2026, 3, 31)),
])
def test_financial_year_bounds(month, year, label, start, end):
    assert FinancialYear.bounds_for(year, month) == (start, end)
    assert FinancialYear.label_for(year, month) == label


def test_start_year_containing():
    assert org.start_year_containing(datetime.date(2026, 11, 25), 7) == 2026
    assert org.start_year_containing(datetime.date(2027, 3, 1), 7) == 2026


def test_open_financial_year_is_idempotent_and_moves_current(demo):
    current = FinancialYear.objects.get(institution=demo.water, is_current=True)
    nxt = org.open_financial_year(None, demo.water, current.start_date.year + 1)
    assert org.open_financial_year(None, demo.water, current.start_date.year + 1) == nxt
    assert list(FinancialYear.objects.filter(institution=demo.water, is_current=True)) == [nxt]


def test_officer_cannot_have_a_supervisor_from_another_institution(demo):
    officer = Officer.objects.get(user=demo.users["officer"])
    officer.supervisor = Officer.objects.get(user=demo.users["head2"])
    with pytest.raises(ValidationError) as excinfo:
        officer.full_clean()
    assert "supervisor" in excinfo.value.message_dict


def test_oversight_path_follows_the_parent(demo):
    assert demo.water.oversight_path == f"/{demo.pmco.pk}/{demo.water.pk}/"
    national = org.create_institution(None, name="National PMD", slug="national", kind="oversight")
    demo.pmco.oversight_parent = national
    demo.pmco.save()
    demo.water.refresh_from_db()
    assert demo.water.oversight_path == f"/{national.pk}/{demo.pmco.pk}/{demo.water.pk}/"


def test_an_institution_cannot_oversee_itself(demo):
    demo.pmco.oversight_parent = demo.water
    with pytest.raises(ValidationError):
        demo.pmco.full_clean()


def test_visible_to_roles(demo):
    def slugs(username):
        return set(Institution.objects.visible_to(demo.users[username]).values_list("slug", flat=True))

    assert slugs("perfdept") == {"pmco", "water", "machakos"}
    assert slugs("auditor") == {"water"}
    assert slugs("officer2") == {"machakos"}
    assert "outside" in slugs("admin")
    from django.contrib.auth.models import AnonymousUser

    assert not Institution.objects.visible_to(AnonymousUser()).exists()
