"""Each unit files its own self-evaluation for its unit contract: the unit's head (the contract's performer)
prepares and signs it, the institution's performance officer helps prepare it; it waits in the unit head's
inbox; it stays inside the institution (never on the public results)."""

import pytest
from django.utils import timezone

from contracts.models import PerformanceContract, Target
from evaluations import rules, selfevaluation
from evaluations.models import Achievement, Evaluation
from evaluations.results import released_rows
from evaluations.waiting import Evaluations
from pmis.access import NotAllowed

from .conftest import submit


@pytest.fixture
def unit_contract(demo):
    contract = PerformanceContract.objects.select_related("financial_year", "institution").get(
        institution=demo.water, level="unit", financial_year__is_current=True)
    PerformanceContract.objects.filter(pk=contract.pk).update(status="in_force")
    contract.refresh_from_db()
    return contract


def test_the_unit_head_opens_files_and_signs_the_units_own(demo, unit_contract, q4_day):
    director, head = demo.users["director"], demo.users["head"]
    assert unit_contract.performer == director
    with pytest.raises(NotAllowed):
        selfevaluation.start(demo.users["officer"], unit_contract, day=q4_day)
    evaluation = selfevaluation.start(director, unit_contract, day=q4_day)
    assert evaluation.contract == unit_contract and evaluation.institution_id == demo.water.pk
    assert evaluation.achievements.count() == Target.objects.filter(contract=unit_contract).count()
    assert rules.may_file(director, evaluation) and rules.may_sign(director, evaluation, q4_day)
    # The institution's head signs the institution's, not the unit's.
    assert not rules.may_sign(head, evaluation, q4_day)
    values = {a.pk: {"actual": str(a.target.target_value), "explanation": "", "evidence": "Unit returns"}
              for a in evaluation.achievements.select_related("target")}
    assert selfevaluation.save(director, evaluation, values).ok
    with pytest.raises(NotAllowed):
        submit(head, evaluation, q4_day)
    signed = submit(director, evaluation, q4_day)
    assert signed.state == Evaluation.State.SUBMITTED and signed.signed_by == director
    assert Achievement.objects.filter(evaluation=evaluation, self_actual__isnull=True).count() == 0


def test_the_units_draft_waits_in_its_heads_inbox(demo, unit_contract, q4_day):
    evaluation = selfevaluation.start(demo.users["director"], unit_contract, day=q4_day)
    wants = Evaluations().wanted([evaluation.pk], timezone.localdate())
    assert demo.users["director"].pk in {w.assignee_id for w in wants if w.kind == "evaluation_self"}
    assert all("Directorate of Water Resources" in w.title for w in wants)


def test_a_units_result_is_never_public(demo, unit_contract, q4_day):
    evaluation = selfevaluation.start(demo.users["director"], unit_contract, day=q4_day)
    Evaluation.objects.filter(pk=evaluation.pk).update(state="concluded", composite="2.0000", grade="Excellent",
                                                       released_on=timezone.localdate())
    assert evaluation.pk not in {row.pk for row in released_rows(evaluation.year_start)}
