import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from contracts import monitoring
from contracts.models import PerformanceContract, ProgressEntry, Target
from evaluations import independent, rules, selfevaluation
from evaluations.models import Evaluation
from pmis import twofactor

PASSWORD = "pmis-demo"


def request_of(user):
    request = RequestFactory().post("/", HTTP_USER_AGENT="pytest")
    request.user = user
    return request


def submit(user, evaluation, day):
    TOTPDevice.objects.filter(user=user).update(last_t=-1)  # a code works once; the seed used this one
    return selfevaluation.submit(request_of(user), evaluation, password=PASSWORD, code=twofactor.current_code(user),
                                 day=day)


def report_q4(contract, reporter, verifier, actuals):
    """Q4 reported and verified through the monitoring functions: ``actuals`` {target id: value}."""
    report = monitoring.open_report(reporter, contract, 4)
    for target in Target.objects.filter(contract=contract):
        actual = actuals[target.pk]
        red = monitoring.entry_rag(contract, target, actual, 4) == "red"
        monitoring.report_actual(reporter, report, target, actual=actual,
                                 status=ProgressEntry.Status.OFF_TRACK if red else ProgressEntry.Status.ON_TRACK,
                                 comment="Year-end returns.", explanation="Late rains." if red else "",
                                 remedial_action="Carried into next year." if red else "")
    monitoring.submit_report(reporter, report)
    for entry in ProgressEntry.objects.filter(report=report):
        monitoring.verify(verifier, entry, "accepted", "Checked.")
    return report


@pytest.fixture
def evaluator(demo):
    user, _ = get_user_model().objects.get_or_create(username="evaluator", defaults={"first_name": "Esther",
                                                                                    "last_name": "Wanjiru"})
    independent.assign(demo.users["perfdept"], demo.water, user)
    return user


@pytest.fixture
def ministry(demo):
    return PerformanceContract.objects.select_related("financial_year", "institution").get(
        institution=demo.water, level="institution", financial_year__is_current=True)


@pytest.fixture
def q4_day(ministry):
    return rules.opens_on(ministry.financial_year) + datetime.timedelta(days=20)


@pytest.fixture
def targets(ministry):
    return list(Target.objects.filter(contract=ministry).select_related("perspective").order_by(
        "perspective__order", "order", "pk"))


@pytest.fixture
def opened(demo, ministry, targets, q4_day):
    """The ministry's year reported to Q4 (every target on its target value, the first short of it) and its
    self-evaluation opened."""
    actuals = {t.pk: t.target_value for t in targets}
    first = targets[0]
    actuals[first.pk] = short_of(first)
    report_q4(ministry, demo.users["head"], demo.users["secretariat"], actuals)
    Evaluation.objects.filter(contract=ministry).delete()  # the test rows' draft (tests/conftest.py)
    return selfevaluation.start(demo.users["head"], ministry, day=q4_day)


def short_of(target):
    step = abs(target.target_value) / 10 or Decimal(1)
    return target.target_value - step if target.direction == "higher" else target.target_value + step


@pytest.fixture
def draft(demo, ministry):
    """The ministry's self-evaluation (the test rows' draft), due after today."""
    evaluation = Evaluation.objects.get(contract=ministry)
    Evaluation.objects.filter(pk=evaluation.pk).update(due_date=timezone.localdate() + datetime.timedelta(days=30))
    evaluation.refresh_from_db()
    return evaluation


def form_values(evaluation, **override):
    """The self-evaluation form as the head posts it: every achievement at its target, with ``override``."""
    data = {}
    for a in evaluation.achievements.select_related("target"):
        data[f"actual-{a.pk}"] = str(a.target.target_value)
        data[f"explanation-{a.pk}"] = ""
        data[f"evidence-{a.pk}"] = "Annual report"
    data.update(override)
    return data
