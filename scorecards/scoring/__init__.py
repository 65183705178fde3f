"""Scoring engine for performance contracts and appraisals.

Pure Python on purpose (stdlib only, no Django): the what-if API, the contract
models and the tests all share this one implementation of the arithmetic in
the scoring methodology (methodology.md), and it must be importable without settings.

Every scheme is a function ``payload -> ScoreResult`` registered in ``SCHEMES``;
``evaluate`` is the what-if API contract on top of them. Validation collects
every problem into ``ScoringValidationError.errors`` ({field path: [messages]})
so a user can fix a whole form in one go.

The modules, each importing only those listed before it: ``base`` (directions,
result types, ``Scheme``), ``numbers`` (reading a Decimal, the shared arithmetic,
rounding), ``reading`` (collecting validation errors, the weighted skeleton), one
module per scheme in ``schemes/``, ``registry`` (schemes and band tables by name),
``bands`` (band checks and grades) and ``whatif`` (``evaluate``). Callers import
from this package, not from its modules.
"""

from .bands import grade_for, validate_bands
from .base import (
    DIRECTIONS,
    HIGHER,
    HIGHER_IS_BETTER,
    LOWER,
    LOWER_IS_BETTER,
    Scheme,
    ScoredItem,
    ScoreResult,
    ScoringValidationError,
)
from .numbers import composite, quantize4, weighted, weighted_mean
from .registry import BAND_TABLE_SCHEME, DEFAULT_BANDS, SCHEMES
from .schemes.kenya_pc import CRITERIA_LEVELS, kenya_pc, kenya_pc_raw
from .schemes.likert_5 import likert_5
from .schemes.opras import opras
from .schemes.pepmis import pepmis
from .schemes.percent_achievement import DEFAULT_CAP, percent_achievement, percent_raw
from .whatif import evaluate

__all__ = [
    "BAND_TABLE_SCHEME",
    "CRITERIA_LEVELS",
    "DEFAULT_BANDS",
    "DEFAULT_CAP",
    "DIRECTIONS",
    "HIGHER",
    "HIGHER_IS_BETTER",
    "LOWER",
    "LOWER_IS_BETTER",
    "SCHEMES",
    "Scheme",
    "ScoreResult",
    "ScoredItem",
    "ScoringValidationError",
    "composite",
    "evaluate",
    "grade_for",
    "kenya_pc",
    "kenya_pc_raw",
    "likert_5",
    "opras",
    "pepmis",
    "percent_achievement",
    "percent_raw",
    "quantize4",
    "validate_bands",
    "weighted",
    "weighted_mean",
]
