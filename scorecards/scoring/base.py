"""The engine's vocabulary: which way a scale and a target run, what scoring returns, and what
describes a scheme. Every other module of the engine builds on these."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

LOWER_IS_BETTER = "lower_is_better"
HIGHER_IS_BETTER = "higher_is_better"

# Per-target direction (kenya_pc and percent_achievement items).
HIGHER = "higher"
LOWER = "lower"
DIRECTIONS = (HIGHER, LOWER)


class ScoringValidationError(ValueError):
    """Bad scoring input. ``errors`` maps a field path to a list of messages."""

    def __init__(self, errors: Mapping[str, Sequence[str]]):
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in errors.items()}
        summary = "; ".join(f"{path}: {' '.join(msgs)}" for path, msgs in self.errors.items())
        super().__init__(summary or "Invalid scoring input.")


@dataclass(frozen=True)
class ScoredItem:
    """One item's score, unrounded (round with quantize4 for display)."""

    id: Any
    raw: Decimal
    weighted: Decimal | None  # None for schemes without weights (opras)


@dataclass(frozen=True)
class ScoreResult:
    items: tuple[ScoredItem, ...]
    composite: Decimal  # unrounded


@dataclass(frozen=True)
class Scheme:
    name: str
    direction: str  # LOWER_IS_BETTER or HIGHER_IS_BETTER
    best: Decimal | None  # None: open-ended (percent; the request's cap sets it)
    worst: Decimal
    default_bands: tuple[tuple[str, Decimal], ...]  # (grade, limit), best first
    uses_weights: bool
    score: Callable[[Mapping[str, Any]], ScoreResult]

    def reaches(self, value: Decimal, limit: Decimal) -> bool:
        """True if ``value`` is at least as good as ``limit`` on this scale."""
        if self.direction == LOWER_IS_BETTER:
            return value <= limit
        return value >= limit


def _direction_sign(direction: str) -> int:
    if direction == HIGHER:
        return 1
    if direction == LOWER:
        return -1
    raise ValueError(f"Direction must be 'higher' or 'lower'; got {direction!r}.")


def _bands(*pairs: tuple[str, str]) -> tuple[tuple[str, Decimal], ...]:
    return tuple((grade, Decimal(limit)) for grade, limit in pairs)
