"""The evaluation's handoffs in the work inbox (issue 28): the self-evaluation waits for the head and the
performance officer with its deadline, a submitted one for the assigned evaluator, shared adjustments for
the institution's response; the calendar's sweep reminds the head of a self-evaluation not submitted."""

import datetime

from django.contrib.auth import get_user_model

from evaluations import independent
from notifications.cycle import ensure_deadlines
from notifications.models import CycleDeadline, Outbox, WorkItem
from notifications.rules import pairs_for

from .conftest import submit


def open_items(evaluation, kind):
    return set(WorkItem.objects.filter(subject_type="evaluation", subject_id=evaluation.pk, kind=kind,
                                       closed_at__isnull=True).values_list("assignee__username", flat=True))


def test_each_handoff_of_the_evaluation_reaches_the_next_person(
        demo, ministry, targets, q4_day, django_capture_on_commit_callbacks):
    from evaluations import selfevaluation
    from evaluations.models import Achievement, Evaluation

    from .conftest import report_q4

    with django_capture_on_commit_callbacks(execute=True):  # each step's resync runs as a real commit would
        evaluator = get_user_model().objects.create(username="evaluator")
        independent.assign(demo.users["perfdept"], demo.water, evaluator)
        report_q4(ministry, demo.users["head"], demo.users["secretariat"], {t.pk: t.target_value for t in targets})
        Evaluation.objects.filter(contract=ministry).delete()
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = selfevaluation.start(demo.users["head"], ministry, day=q4_day)
    assert open_items(evaluation, "evaluation_self") == {"head", "secretariat"}
    item = WorkItem.objects.get(subject_id=evaluation.pk, kind="evaluation_self", assignee=demo.users["head"])
    assert item.due == evaluation.due_date
    # One message to the performance officer; the head opened it and is not told of their own handoff.
    assert Outbox.objects.filter(recipient=demo.users["secretariat"], kind="task.evaluation_self").count() == 1
    assert not Outbox.objects.filter(recipient=demo.users["head"], kind="task.evaluation_self").exists()

    with django_capture_on_commit_callbacks(execute=True):
        submit(demo.users["head"], evaluation, q4_day)
    assert open_items(evaluation, "evaluation_self") == set()
    assert open_items(evaluation, "evaluation_evaluate") == {"evaluator"}

    a = Achievement.objects.filter(evaluation=evaluation).first()
    with django_capture_on_commit_callbacks(execute=True):
        for row in Achievement.objects.filter(evaluation=evaluation):
            independent.assess(evaluator, row, row.self_actual - 1 if row.pk == a.pk else row.self_actual,
                               "Checked on site.")
        independent.share(evaluator, evaluation)
    assert open_items(evaluation, "evaluation_evaluate") == set()
    assert open_items(evaluation, "evaluation_respond") == {"head", "secretariat"}
    with django_capture_on_commit_callbacks(execute=True):
        independent.respond(demo.users["head"], evaluation, "Agreed.")
    assert open_items(evaluation, "evaluation_evaluate") == {"evaluator"}
    with django_capture_on_commit_callbacks(execute=True):
        independent.conclude(evaluator, evaluation)
    assert not WorkItem.objects.filter(subject_type="evaluation", subject_id=evaluation.pk,
                                       closed_at__isnull=True).exists()


def test_the_sweep_reminds_the_head_of_a_self_evaluation_not_submitted(demo, ministry):
    ensure_deadlines([ministry.financial_year])
    deadline = CycleDeadline.objects.get(financial_year=ministry.financial_year, stage="self_evaluation")
    assert deadline.due_date == ministry.financial_year.start_date + datetime.timedelta(days=395)
    head = demo.users["head"].pk
    assert pairs_for(deadline) == {(head, head)}
    from evaluations.models import Evaluation

    Evaluation.objects.filter(contract=ministry).update(state="submitted")
    assert pairs_for(deadline) == set()
