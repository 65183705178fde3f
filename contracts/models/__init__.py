"""The contracts app's tables, one module per subject; every model is imported here, so
``from contracts.models import X`` names any of them (and Django finds them all).

- ``contract``: performance contracts, their targets and partner confirmations, the versions whose
  signing freezes them, and the freeze rule itself;
- ``negotiation``: the cycle's records — transitions, comments, negotiation rounds, vetting checks;
- ``signing``: a version's signatures and its printed PDF;
- ``monitoring``: quarterly progress reports, their entries and evidence files;
- ``tasks``: a target's tasks and sub-tasks (part of the plan) and the supervisor's sub-task marks.
"""

from .contract import (
    LIST_ORDER,
    ContractFrozen,
    ContractVersion,
    PartnerConfirmation,
    PerformanceContract,
    Target,
    frozen_contracts,
)
from .monitoring import Evidence, ProgressEntry, ProgressReport, evidence_name
from .negotiation import ContractComment, ContractTransition, NegotiationRound, VettingCheck
from .signing import ContractDocument, Signature
from .tasks import SubTask, SubTaskMark, Task

__all__ = [
    "LIST_ORDER",
    "ContractComment",
    "ContractDocument",
    "ContractFrozen",
    "ContractTransition",
    "ContractVersion",
    "Evidence",
    "NegotiationRound",
    "PartnerConfirmation",
    "PerformanceContract",
    "ProgressEntry",
    "ProgressReport",
    "Signature",
    "SubTask",
    "SubTaskMark",
    "Target",
    "Task",
    "VettingCheck",
    "evidence_name",  # the migrations name it as ``contracts.models.evidence_name``
    "frozen_contracts",
]
