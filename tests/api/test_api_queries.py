"""N+1 guard: every list endpoint answers in the same number of queries for 1 row and for 100."""

import datetime
from copy import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appraisals.models import Appraisal
from charters.models import Charter, Complaint, Service
from contracts.models import (
    ContractComment,
    ContractDocument,
    ContractTransition,
    ContractVersion,
    Evidence,
    NegotiationRound,
    PerformanceContract,
    ProgressEntry,
    ProgressReport,
    Signature,
    Target,
    VettingCheck,
)
from notifications.models import CycleDeadline, Notification, WorkItem
from pmis import org
from pmis.models import FinancialYear, Institution, OrgUnit
from scorecards.models import ContractScore, Indicator, Perspective, StrategicObjective

N = 100


def clone(obj, n, **vary):
    """``n`` copies of ``obj`` (bulk, bypassing save rules) with fields varied by ``vary[f](i)``."""
    rows = []
    for i in range(n):
        row = copy(obj)
        row.pk = row.id = None
        for field, value in vary.items():
            setattr(row, field, value(i))
        rows.append(row)
    type(obj).objects.bulk_create(rows)


def _years(n):
    year = FinancialYear.objects.filter(institution__slug="water").order_by("pk").first()
    start = datetime.date(1900, 7, 1)
    clone(year, n, is_current=lambda i: False, name=lambda i: f"Y{i}",
          start_date=lambda i: start.replace(year=1900 + i), end_date=lambda i: start.replace(year=1901 + i))
    return FinancialYear.objects.filter(name__startswith="Y", start_date__year__lt=2000)


def make_institutions(demo, n):
    for i in range(n):
        Institution.objects.create(name=f"Extra {i}", slug=f"extra-{i}", kind="agency")
    return {}


def make_org_units(demo, n):
    for i in range(n):
        org.add_org_unit(None, demo.water, name=f"Extra unit {i}", level="directorate")
    return {}


def make_officers(demo, n):
    unit = OrgUnit.objects.filter(institution=demo.water).first()
    for i in range(n):
        user, _ = org.ensure_user(f"extra{i}")
        org.add_officer(None, demo.water, user, personal_number=f"X-{i}", designation="Clerk", org_unit=unit)
    return {}


def make_years(demo, n):
    _years(n)
    return {}


def make_contracts(demo, n):
    contract = PerformanceContract.objects.get(
        institution=demo.water, level="institution", financial_year__is_current=True)
    years = list(_years(n))
    clone(contract, n, financial_year=lambda i: years[i], status=lambda i: "draft")
    return {}


def _contract():
    return PerformanceContract.objects.get(
        institution__slug="water", level="institution", financial_year__is_current=True)


def make_targets(demo, n):
    clone(Target.objects.filter(contract=_contract()).first(), n)
    return {}


def make_rounds(demo, n):
    found = NegotiationRound.objects.filter(institution=demo.water).first()
    clone(found, n, number=lambda i: 1000 + i, state=lambda i: "accepted")
    return {}


def make_documents(demo, n):
    found = ContractDocument.objects.filter(institution=demo.water).first()
    clone(found, n, version=lambda i: 1000 + i)
    return {}


def make_perspectives(demo, n):
    clone(Perspective.objects.filter(institution=demo.water).first(), n, code=lambda i: f"x{i}")
    return {}


def make_objectives(demo, n):
    clone(StrategicObjective.objects.filter(institution=demo.water).first(), n)
    return {}


def make_indicators(demo, n):
    clone(Indicator.objects.filter(institution=demo.water).first(), n, name=lambda i: f"Extra {i}")
    return {}


def make_charters(demo, n):
    clone(Charter.objects.filter(institution=demo.water).first(), n, version=lambda i: 1000 + i,
          status=lambda i: "superseded")
    return {}


def make_services(demo, n):
    clone(Service.objects.filter(institution=demo.water).first(), n, code=lambda i: f"x{i}")
    return {}


def make_complaints(demo, n):
    clone(Complaint.objects.filter(institution=demo.water).first(), n, reference=lambda i: f"X{i:08d}")
    return {}


def make_notifications(demo, n):
    for i in range(n):
        Notification.objects.create(user=demo.users["admin"], institution=demo.water, kind="test", title=f"N{i}")
    return {}


def make_tasks(demo, n):
    from django.utils import timezone

    WorkItem.objects.bulk_create([
        WorkItem(assignee=demo.users["admin"], institution=demo.water, kind="contract_review", subject_type="test",
                 subject_id=i, title=f"T{i}", url="/", since=timezone.now()) for i in range(n)])
    return {}


def make_deadlines(demo, n):
    years = list(_years(n))
    CycleDeadline.objects.bulk_create([
        CycleDeadline(institution=demo.water, financial_year=y, stage="submission", due_date=y.start_date)
        for y in years])
    return {}


def make_comments(demo, n):
    contract = _contract()
    for i in range(n):
        ContractComment.objects.create(contract=contract, institution=contract.institution, stage="vetting",
                                       version=1, author=demo.users["admin"], body=f"C{i}")
    return {"contract": contract.pk}


def make_versions(demo, n):
    version = ContractVersion.objects.get(contract=_contract())
    clone(version, n, number=lambda i: 1000 + i, verify_code=lambda i: f"extra-{i}")
    return {"contract": version.contract_id}


def make_signatures(demo, n):
    version = ContractVersion.objects.get(contract=_contract())
    clone(version, n, number=lambda i: 1000 + i, verify_code=lambda i: f"extra-{i}")
    signature = Signature.objects.filter(version=version).first()
    versions = list(ContractVersion.objects.filter(contract=version.contract, number__gte=1000))
    clone(signature, n, version=lambda i: versions[i])
    return {"contract": version.contract_id}


def make_vetting_checks(demo, n):
    check = VettingCheck.objects.filter(contract=_contract()).first()
    clone(check, n, version=lambda i: 1000 + i)
    return {"contract": check.contract_id}


def make_transitions(demo, n):
    clone(ContractTransition.objects.filter(contract=_contract()).first(), n)
    return {"contract": _contract().pk}


def _extra_contracts(demo, n):
    make_contracts(demo, n)
    return list(PerformanceContract.objects.filter(institution=demo.water, financial_year__name__startswith="Y"))


def make_progress_reports(demo, n):
    contracts = _extra_contracts(demo, n)
    clone(ProgressReport.objects.filter(institution=demo.water).first(), n, contract=lambda i: contracts[i])
    return {}


def make_progress_entries(demo, n):
    entry = ProgressEntry.objects.filter(institution=demo.water).first()
    clone(entry.target, n, description=lambda i: f"Extra {i}")
    extra = list(Target.objects.filter(description__startswith="Extra ", contract=entry.target.contract_id))
    clone(entry, n, target=lambda i: extra[i])
    return {}


def make_evidence(demo, n):
    clone(Evidence.objects.filter(institution=demo.water).first(), n)
    return {}


def make_contract_scores(demo, n):
    contracts = _extra_contracts(demo, n)
    clone(ContractScore.objects.filter(institution=demo.water).first(), n, contract=lambda i: contracts[i])
    return {}


def make_appraisals(demo, n):
    contracts = _extra_contracts(demo, n)
    clone(Appraisal.objects.filter(institution=demo.water).first(), n, contract=lambda i: contracts[i])
    return {}


def make_evaluations(demo, n):
    from evaluations.models import Evaluation

    contracts = _extra_contracts(demo, n)
    this_year = Evaluation.objects.filter(institution=demo.water, financial_year__is_current=True)
    this_year.update(state="concluded", composite="2.0000", grade="Excellent")
    clone(this_year.first(), n, contract=lambda i: contracts[i])
    return {}


LISTS = [
    ("/api/v1/appraisals/", make_appraisals),
    ("/api/v1/evaluations/", make_evaluations),
    ("/api/v1/progress-reports/", make_progress_reports),
    ("/api/v1/progress-entries/", make_progress_entries),
    ("/api/v1/evidence/", make_evidence),
    ("/api/v1/contract-scores/", make_contract_scores),
    ("/api/v1/institutions/", make_institutions),
    ("/api/v1/org-units/", make_org_units),
    ("/api/v1/officers/", make_officers),
    ("/api/v1/financial-years/", make_years),
    ("/api/v1/contracts/", make_contracts),
    ("/api/v1/targets/", make_targets),
    ("/api/v1/negotiation-rounds/", make_rounds),
    ("/api/v1/contract-documents/", make_documents),
    ("/api/v1/perspectives/", make_perspectives),
    ("/api/v1/objectives/", make_objectives),
    ("/api/v1/indicators/", make_indicators),
    ("/api/v1/charters/", make_charters),
    ("/api/v1/charter-services/", make_services),
    ("/api/v1/complaints/", make_complaints),
    ("/api/v1/notifications/", make_notifications),
    ("/api/v1/cycle-deadlines/", make_deadlines),
    ("/api/v1/tasks/", make_tasks),
    ("/api/v1/contracts/{contract}/comments/", make_comments),
    ("/api/v1/contracts/{contract}/versions/", make_versions),
    ("/api/v1/contracts/{contract}/signatures/", make_signatures),
    ("/api/v1/contracts/{contract}/vetting-checks/", make_vetting_checks),
    ("/api/v1/contracts/{contract}/transitions/", make_transitions),
]


def test_every_list_endpoint_is_guarded():
    from tests.api.test_api_endpoints import list_urls

    assert {url for url, _make in LISTS} == set(list_urls())


def queries(client, url, size):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"page_size": size})
    assert response.status_code == 200, response.content
    rows = len(response.json()["results"])
    return len(ctx.captured_queries), rows


@pytest.mark.parametrize("url,make", LISTS, ids=[u for u, _m in LISTS])
def test_list_queries_do_not_grow_with_rows(demo, client, url, make):
    client.force_login(demo.users["admin"])
    kwargs = make(demo, N)
    url = url.format(**kwargs)
    one, rows_one = queries(client, url, 1)
    hundred, rows_hundred = queries(client, url, 100)
    assert rows_one == 1 and rows_hundred == 100
    assert one == hundred
