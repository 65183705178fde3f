import os
import types
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from charters import services as charters
from contracts.cycle import targets, workflow
from contracts.models import PerformanceContract, Target
from pmis import audit, org
from pmis.models import FinancialYear, Institution, Officer
from scorecards import setup

DEMO_LOGINS = ["admin", "perfdept", "principal", "head", "director", "supervisor", "officer", "secretariat",
               "vetting", "appeals", "auditor", "head2", "officer2"]


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness would dominate the suite; the hasher is not what it tests.
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _own_audit_anchors(tmp_path, settings, monkeypatch):
    # Anchors belong to one database: the test database must not meet the demo's (var/), and
    # `manage.py` subprocesses (the restore tests) inherit the environment.
    path = str(tmp_path / "audit-anchors.jsonl")
    settings.AUDIT_ANCHOR_FILE = path
    monkeypatch.setenv("AUDIT_ANCHOR_FILE", path)


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded and generated files in this test's own folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def eager():
    """Run tasks in-process even where a broker is configured (PostgreSQL runs set one)."""
    from pmis.celery import app as celery_app

    before = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = True, True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = before


@pytest.fixture(scope="session", autouse=True)
def _lockout_cache_of_this_run(tmp_path_factory):
    # Without CACHE_URL the lockout's counts are files under var/: this run keeps its own, so it
    # neither sees nor clears another run's (or the demo's).
    from django.conf import settings
    from django.core.cache import caches

    if settings.CACHES["lockout"]["BACKEND"].endswith("FileBasedCache"):
        settings.CACHES["lockout"]["LOCATION"] = str(tmp_path_factory.mktemp("lockout"))
        try:
            del caches["lockout"]
        except AttributeError:  # not opened yet
            pass


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    # A Swahili request through the test client leaves Swahili active in this thread (LocaleMiddleware
    # activates a language and nothing resets it): the next test starts in the default language.
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_failures_carried_over():
    # The lockout's counts live in a cache outside the test's rolled-back transaction.
    from django.core.cache import caches

    caches["lockout"].clear()
    yield
    caches["lockout"].clear()


def load_demo():
    """seed_demo plus an institution outside the demo oversight body. The work inbox opens what the demo
    leaves waiting, silently: tests start with an empty outbox (tests/notifications tell their own)."""
    from notifications import inbox

    with inbox.silent():
        _load_demo()


def _load_demo():
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("seed_demo", stdout=open(os.devnull, "w"))
    if Institution.objects.filter(slug="outside").exists():
        return
    _outside_institution()
    _contract_documents()
    _generated_reports()
    _outside_monitoring()
    _objectives()
    _appraisal_rows()
    _evaluation_rows()


def _objectives():
    """A strategic objective in every demo institution with a scorecard, so the objective API has own
    and foreign objects to open."""
    from scorecards.models import Perspective, StrategicObjective

    admin = get_user_model().objects.get(username="admin")
    for slug in ("water", "machakos", "outside"):
        if StrategicObjective.objects.filter(institution__slug=slug).exists():
            continue
        perspective = Perspective.objects.filter(institution__slug=slug).order_by("pk").first()
        setup.add_objective(admin, perspective, name="Deliver the year's service improvements")


def _contract_documents():
    """A contract PDF row (queued, not rendered: rendering is what tests/contracts/test_documents.py
    checks) for every contract, so the PDF pages have own and foreign objects to open."""
    from contracts.models import ContractDocument, PerformanceContract

    for contract in PerformanceContract.objects.all():
        ContractDocument.objects.get_or_create(
            contract=contract, version=contract.version, defaults={"institution_id": contract.institution_id})


def _generated_reports():
    """A queued (not generated) report row per institution, so the report pages have own and foreign
    objects to open; generating them is what tests/reports checks."""
    from reports.models import GeneratedReport

    for institution in Institution.objects.filter(slug__in=["water", "machakos", "outside"]):
        GeneratedReport.objects.get_or_create(
            institution=institution, kind="annual",
            defaults={"title": "Institution annual performance report", "parameters": {"institution": institution.pk}})


def _outside_monitoring():
    """A progress report with an entry, evidence and a summary row in the outside institution, so the
    monitoring and dashboard pages have a foreign object of each kind to refuse. Its contract is in
    negotiation (not reportable), so these rows are written directly."""
    from django.core.files.base import ContentFile

    from contracts import monitoring
    from contracts.models import Evidence, ProgressEntry, ProgressReport, Target
    from scorecards import summary

    contract = PerformanceContract.objects.select_related("financial_year").get(institution__slug="outside")
    start, end, due = monitoring.period_dates(contract.financial_year, 1)
    report = ProgressReport.objects.create(contract=contract, institution_id=contract.institution_id, period=1,
                                           period_start=start, period_end=end, due_date=due, state="submitted")
    target = Target.objects.filter(contract=contract).first()
    entry = ProgressEntry.objects.create(report=report, target=target, institution_id=contract.institution_id,
                                         actual=Decimal(9), rag="green")
    evidence = Evidence(entry=entry, institution_id=contract.institution_id, original_name="outside.pdf",
                        content_type="application/pdf", size=9, uploaded_by=contract.performer)
    evidence.file.save("upload", ContentFile(b"%PDF-1.4\n"), save=False)
    evidence.save()
    summary.store(contract, 1, summary.compute(contract.scheme, contract.bands, []), "submitted")


def _appraisal_rows():
    """An appraisal, a moderation session and an improvement plan in water, machakos and outside, so the
    appraisal pages have own and foreign objects to open. Only water's appraisal went through the cycle
    (the demo seed); the others are plain rows (machakos: on officer2's plan, in negotiation)."""
    import datetime

    from appraisals.models import Appraisal, ImprovementPlan, ModerationSession

    admin = get_user_model().objects.get(username="admin")
    outsider = Officer.objects.get(user__username="outsider")
    plan2 = PerformanceContract.objects.get(officer__user__username="officer2")
    # outside has one officer and no officer plan (other tests count on both): its row hangs on the
    # institution contract the outsider performs.
    plan = PerformanceContract.objects.get(institution__slug="outside", level="institution")
    for contract, officer in ((plan2, plan2.officer), (plan, outsider)):
        Appraisal.objects.get_or_create(contract=contract, defaults={
            "institution_id": contract.institution_id, "officer": officer,
            "financial_year_id": contract.financial_year_id, "supervisor": contract.counterparty,
            "scheme": contract.scheme, "bands": contract.bands})
    for appraisal in Appraisal.objects.filter(institution__slug__in=["water", "machakos", "outside"]).order_by("pk"):
        if ModerationSession.objects.filter(institution_id=appraisal.institution_id).exists():
            continue
        ModerationSession.objects.create(institution_id=appraisal.institution_id,
                                         financial_year_id=appraisal.financial_year_id, opened_by=admin)
        ImprovementPlan.objects.create(
            appraisal=appraisal, institution_id=appraisal.institution_id, objectives="Demo objectives",
            support="Demo support", start_date=datetime.date(2026, 7, 1), end_date=datetime.date(2026, 12, 31),
            created_by=admin)


def _evaluation_rows():
    """A year-end evaluation (self-evaluation in draft, one achievement per target) in water, machakos and
    outside, so the evaluation pages have own and foreign objects to open. Plain rows: the demo's year
    has not reached its last quarter."""
    from django.core.files.base import ContentFile

    from evaluations.models import Achievement, Evaluation, EvidenceFile

    pdf = b"%PDF-1.4\n% test evidence\n%%EOF\n"
    admin = get_user_model().objects.get(username="admin")

    for slug in ("water", "machakos", "outside"):
        contract = PerformanceContract.objects.select_related("financial_year").get(
            institution__slug=slug, level="institution", financial_year__is_current=True)
        evaluation, created = Evaluation.objects.get_or_create(contract=contract, defaults={
            "institution_id": contract.institution_id, "financial_year": contract.financial_year,
            "year_start": contract.year_start.year, "due_date": contract.financial_year.end_date})
        if created:
            for target in contract.targets.order_by("pk"):
                Achievement.objects.create(evaluation=evaluation, institution_id=contract.institution_id,
                                           target=target, self_actual=target.actual)
            first = evaluation.achievements.order_by("pk").first()
            item = EvidenceFile(achievement=first, institution_id=first.institution_id, original_name="returns.pdf",
                                content_type="application/pdf", size=len(pdf), uploaded_by=admin)
            item.file.save("upload", ContentFile(pdf), save=False)
            item.save()


def _outside_institution():
    admin = get_user_model().objects.get(username="admin")
    outside = org.create_institution(admin, name="Kenya Outside Agency", slug="outside", kind="agency")
    unit = org.add_org_unit(admin, outside, name="Outside Directorate", level="directorate")
    outsider, _ = org.ensure_user("outsider", password="pmis-demo")
    officer = org.add_officer(admin, outside, outsider, personal_number="OUT-1", designation="Officer",
                              org_unit=unit)
    year = org.open_financial_year(admin, outside, 2026)
    audit.record(admin, "test.event", officer)
    # A contract with a target, so contract pages have a foreign object to refuse.
    setup.seed_defaults(admin, outside, year)
    indicator = setup.add_indicator(admin, outside, name="Reports filed", measurement_type="number")
    boss, _ = org.ensure_user("outside-principal", password="pmis-demo")
    pmu, _ = org.ensure_user("outside-pmu", password="pmis-demo")
    org.grant_role(admin, pmu, outside, "performance_officer")
    contract = targets.create_contract(admin, financial_year=year, level="institution", title="Outside contract",
                                       performer=outsider, counterparty=boss)
    target = targets.add_target(
        admin, contract, indicator=indicator, description="File 10 reports", weight=Decimal(100),
        target_value=Decimal(10), actual=Decimal(9), criteria_excellent=Decimal(12), criteria_very_good=Decimal(10),
        criteria_good=Decimal(8), criteria_fair=Decimal(6), criteria_poor=Decimal(4))
    # In negotiation with a proposal open, so negotiation pages have a foreign round to refuse.
    PerformanceContract.objects.filter(pk=contract.pk).update(category_weights=False)  # one target, no categories
    contract.refresh_from_db()
    workflow.submit(outsider, contract)
    workflow.pass_review(pmu, contract)
    workflow.propose(boss, target, {"target_value": Decimal(11)}, "One more report.")
    # A published charter with one complaint, so charter and complaint pages have a foreign object to refuse.
    charter = charters.create_charter(admin, outside, title_en="Outside service charter",
                                      how_to_complain_en="Write to the outside agency.")
    service = charters.add_service(admin, charter, code="permits", name_en="Outside permit", standard_value=5,
                                   office_en="Outside registry")
    charters.publish(admin, charter)
    charters.submit_complaint(charter, kind="complaint", service=service, message="Outside complaint text",
                              name="Outside Citizen")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Seed the demo once per test database; each test then runs inside a rolled-back transaction."""
    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def demo(db):
    if not Institution.objects.filter(slug="outside").exists():
        load_demo()  # a transactional test before this one flushed the database
    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_LOGINS)}
    return types.SimpleNamespace(
        users=users,
        water=Institution.objects.get(slug="water"),
        machakos=Institution.objects.get(slug="machakos"),
        pmco=Institution.objects.get(slug="pmco"),
        outside=Institution.objects.get(slug="outside"),
        officer=Officer.objects.get(user=users["officer"]),
        officer2=Officer.objects.get(user=users["officer2"]),
        password="pmis-demo",
    )


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def first_of(model, institution):
    """Any row of ``model`` belonging to ``institution`` (the institution itself for Institution)."""
    if model is Institution:
        return institution
    return model.objects.filter(institution=institution).order_by("pk").first()


@pytest.fixture
def cycle(demo):
    """The water hydrogeologist's plan (a draft in the demo) with everyone who acts on it."""
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["officer", "supervisor", "secretariat", "vetting", "appeals", "head", "admin"])}
    year = FinancialYear.objects.get(institution=demo.water, is_current=True)
    plan = PerformanceContract.objects.get(financial_year=year, officer=demo.officer)
    assert plan.status == "draft"
    return types.SimpleNamespace(
        plan=plan, performer=users["officer"], counterparty=users["supervisor"], secretariat=users["secretariat"],
        vetting=users["vetting"], bystander=users["appeals"], admin=users["admin"], year=year,
        first_target=lambda: Target.objects.filter(contract=plan).order_by("order", "pk").first(),
    )


@pytest.fixture
def ministry(demo):
    """The demo ministry's institution contract of the current year."""
    return PerformanceContract.objects.select_related("financial_year").get(
        institution=demo.water, level="institution", financial_year__is_current=True)


@pytest.fixture
def q3(demo, ministry):
    """The ministry's quarter 3 progress report, opened by its head."""
    from contracts import monitoring

    return monitoring.open_report(demo.users["head"], ministry, 3)
