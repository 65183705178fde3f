"""The appraisal cycle, one function per step.

plan (the officer's signed or in-force PerformanceContract) → in the year: feedback log, mid-year
review (a target change goes through ``contracts.cycle.workflow.amend`` and is signed again) → self-appraisal
→ supervisor appraisal (agreed marks; overall score and grade from ``scorecards.scoring.evaluate``
under the contract's snapshot scheme and bands) → second-level countersigning → the officer's
acknowledgement (optionally disagreeing) → moderation (grade adjustments with reasons, then the
result is issued) → appeal within ``APPRAISAL_APPEAL_DAYS`` (hearing, decision upheld / varied /
dismissed; re-scored when the marks change) → final → outcomes (rewards-and-sanctions table,
improvement plan, training needs).

Each function checks who acts and the state, locks the appraisal row, writes an audit event and
raises ``NotAllowed`` (wrong person) or ``ValidationError`` (wrong state or bad input).

The package, by stage: ``rules`` (who the actor is to an appraisal, who may act, and what every step
shares), ``appraisal`` (one appraisal's steps from opening to final, its appeal included),
``moderation`` (panel sessions) and ``outcomes`` (the rewards-and-sanctions table, improvement plans).
Callers name the functions through this package (``services.open_appraisal``…).
"""

from pmis.access import NotAllowed

from .appraisal import (
    accept_result,
    acknowledge,
    add_feedback,
    appeal_open,
    countersign,
    decide_appeal,
    file_appeal,
    finalise_expired,
    models_f,
    open_appraisal,
    record_midyear,
    return_to_supervisor,
    schedule_hearing,
    score,
    submit_self_appraisal,
    supervisor_appraise,
    sync_items,
    value_label,
)
from .moderation import adjust_grade, close_moderation, distribution, in_scope, open_moderation, session_bands
from .outcomes import (
    close_improvement_plan,
    outcomes_for,
    record_review,
    remove_outcome_rule,
    set_outcome_rule,
    start_improvement_plan,
)
from .rules import (
    PARTY_PARTS,
    PLAN_STATES,
    Status,
    is_party,
    may_countersign,
    may_decide_appeal,
    may_moderate,
    notify,
    parts_of,
    silent,
)

__all__ = [
    "PARTY_PARTS", "PLAN_STATES", "NotAllowed", "Status", "accept_result", "acknowledge", "add_feedback",
    "adjust_grade", "appeal_open", "close_improvement_plan", "close_moderation", "countersign", "decide_appeal",
    "distribution", "file_appeal", "finalise_expired", "in_scope", "is_party", "may_countersign",
    "may_decide_appeal", "may_moderate", "models_f", "notify", "open_appraisal", "open_moderation", "outcomes_for",
    "parts_of", "record_midyear", "record_review", "remove_outcome_rule", "return_to_supervisor", "schedule_hearing",
    "score", "session_bands", "set_outcome_rule", "silent", "start_improvement_plan", "submit_self_appraisal",
    "supervisor_appraise", "sync_items", "value_label",
]
