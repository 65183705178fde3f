"""Weekly task logs at scale (``seed_scale --weekly-logs N``): N in-force officer plans of the scale
data, whole supervisors' teams first, each get one task of 10 sub-tasks on their first target and 52
weeks of logs per sub-task, half the sub-tasks marked and all but the last two weeks reviewed; their
institutions follow the PEPMIS profile. Written by ``COPY`` like the rest of the scale data."""

import datetime
import random
import time
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Min

from appraisals.models import WeeklyLog, WeekReview
from contracts.models import PerformanceContract, SubTask, SubTaskMark, Task
from scorecards import setup
from scorecards.models import InstitutionProfile, Profile

from .identity import PREFIX
from .writer import Writer, skip_fk_triggers

WEEKS = 52
SUB_TASKS = 10


def _monday(day):
    return day - datetime.timedelta(days=day.weekday())


def _plans(officers):
    """(plan id, institution id, counterparty id, year start, year end, first target id) of ``officers``
    in-force plans, the largest teams first so a supervisor's whole team is logged."""
    candidates = PerformanceContract.objects.filter(
        level="officer", status="in_force", institution__slug__startswith=PREFIX, counterparty__isnull=False,
        sub_tasks__isnull=True)
    teams = (candidates.values("counterparty_id").annotate(n=Count("pk")).order_by("-n", "counterparty_id"))
    chosen, total = [], 0
    for team in teams.iterator():
        chosen.append(team["counterparty_id"])
        total += team["n"]
        if total >= officers:
            break
    plans = (candidates.filter(counterparty_id__in=chosen).annotate(first_target=Min("targets__id"))
             .values_list("pk", "institution_id", "counterparty_id", "financial_year__start_date",
                          "financial_year__end_date", "first_target").order_by("counterparty_id", "pk"))
    return [p for p in plans if p[5] is not None][:officers]


def write_weekly_logs(officers, seed=42, out=None) -> dict:
    """Write the task breakdowns, logs, marks and reviews; returns {table: rows}."""
    rng = random.Random(seed)  # noqa: S311 — reproducible test data, not secrets
    started = time.perf_counter()
    plans = _plans(officers)
    writer = Writer()
    counts = {}
    with transaction.atomic():
        skip_fk_triggers()
        task_id, sub_id, mark_id = writer.next_id(Task), writer.next_id(SubTask), writer.next_id(SubTaskMark)
        tasks, subs, marks = [], [], []
        for plan_id, inst, supervisor, _start, end, target in plans:
            tasks.append({"id": task_id, "institution_id": inst, "target_id": target, "title": "Deliver the target",
                          "indicator": "Target reported", "deadline": end, "weight": Decimal(100), "order": 1})
            for k in range(SUB_TASKS):
                subs.append({"id": sub_id, "institution_id": inst, "task_id": task_id, "contract_id": plan_id,
                             "title": f"Step {k + 1}", "indicator": "", "deadline": end,
                             "weight": Decimal(100) / SUB_TASKS, "order": k + 1})
                if k % 2 == 0:
                    marks.append({"id": mark_id, "institution_id": inst, "sub_task_id": sub_id, "contract_id": plan_id,
                                  "mark": Decimal(rng.randint(40, 100)), "comment": "", "marked_by_id": supervisor})
                    mark_id += 1
                sub_id += 1
            task_id += 1
        counts["tasks"] = writer.write(Task, tasks)
        counts["sub_tasks"] = writer.write(SubTask, subs)
        counts["sub_task_marks"] = writer.write(SubTaskMark, marks)
        by_plan = {}
        for sub in subs:
            by_plan.setdefault(sub["contract_id"], []).append(sub["id"])

        log_ids = iter(range(writer.next_id(WeeklyLog), 2**62))
        review_ids = iter(range(writer.next_id(WeekReview), 2**62))

        def logs():
            for plan_id, inst, _supervisor, start, _end, _target in plans:
                performer = performers[plan_id]
                first = _monday(start)
                for w in range(WEEKS):
                    week = first + datetime.timedelta(weeks=w)
                    for sub in by_plan[plan_id]:
                        yield {"id": next(log_ids), "institution_id": inst, "contract_id": plan_id,
                               "sub_task_id": sub, "week_start": week, "progress": min(100, 2 * (w + 1)),
                               "note": f"Week {w + 1}", "evidence": "", "evidence_name": "",
                               "logged_by_id": performer}

        def reviews():
            for plan_id, inst, supervisor, start, _end, _target in plans:
                first = _monday(start)
                for w in range(WEEKS - 2):
                    yield {"id": next(review_ids), "institution_id": inst, "contract_id": plan_id,
                           "week_start": first + datetime.timedelta(weeks=w), "comment": "", "reviewer_id": supervisor}

        performers = dict(PerformanceContract.objects.filter(pk__in=[p[0] for p in plans])
                          .values_list("pk", "performer_id"))
        counts["weekly_logs"] = writer.write(WeeklyLog, logs())
        counts["week_reviews"] = writer.write(WeekReview, reviews())
        setup.ensure_profiles()  # a flushed database (a transactional test) has lost the seeded profiles
        pepmis = Profile.objects.get(code="tz-pepmis")
        institutions = {p[1] for p in plans}
        taken = set(InstitutionProfile.objects.filter(institution_id__in=institutions)
                    .values_list("institution_id", flat=True))
        InstitutionProfile.objects.bulk_create([InstitutionProfile(institution_id=i, profile=pepmis)
                                                for i in sorted(institutions - taken)])
        writer.finish()
    if writer.copy:
        with connection.cursor() as cursor:
            for model in (Task, SubTask, SubTaskMark, WeeklyLog, WeekReview):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    counts["plans"] = len(plans)
    counts["seconds"] = round(time.perf_counter() - started, 1)
    if out is not None:
        out.write(f"  weekly logs: {counts}\n")
    return counts
