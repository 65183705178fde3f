"""What the vetting committee finds in one target before it passes it: the flags (``flags``) and whether a
finding can be recorded as given (``finding_problem``). The one rule the vetting form and the single-target
step (``workflow.vet_target``) both ask; it imports nothing of the cycle, so both may import it."""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

LEVELS = ("excellent", "very_good", "good", "fair", "poor")
# A number as people write it in a description: "150", "20,000", "1.6 billion", "95%".
# A number followed by a time unit ("within 14 days") is a deadline, not the target.
NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s*(million|billion|m\b|bn\b))?"
                    r"(?!\s*(?:hours?|days?|weeks?|months?|years?)\b)(?![\d.,])", re.IGNORECASE)
SCALE = {"million": Decimal(10) ** 6, "m": Decimal(10) ** 6, "billion": Decimal(10) ** 9, "bn": Decimal(10) ** 9}


def _num(value):
    text = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
    return "0" if text in {"-0", ""} else text


def numbers_in(text: str) -> list[Decimal]:
    """The numbers a description states, scaled where it says "million" or "billion"."""
    found = []
    for whole, fraction, scale in NUMBER.findall(text or ""):
        try:
            value = Decimal(whole.replace(",", "") + (fraction or ""))
        except InvalidOperation:  # pragma: no cover - the pattern only matches digits
            continue
        found.append(value * SCALE.get((scale or "").lower(), 1))
    return found


def flags(target) -> list[str]:
    """What does not add up in one target, as the committee should see it before passing it: criteria
    that run the wrong way for the target's direction, criteria that do not bracket the negotiated
    target (or a "Very good" value left behind when the target moved), a number in the description
    other than the target."""
    found = []
    higher = target.direction != "lower"
    values = [(level, getattr(target, f"criteria_{level}")) for level in LEVELS]
    values = [(level, value) for level, value in values if value is not None]
    labels = dict(zip(LEVELS, (_("Excellent"), _("Very good"), _("Good"), _("Fair"), _("Poor")), strict=True))
    goal = target.target_value
    for (a, x), (b, y) in zip(values, values[1:], strict=False):
        if (x <= y) if higher else (x >= y):
            found.append((_("The criteria run the wrong way for an indicator where more is better: “%(a)s” (%(x)s) "
                            "should be above “%(b)s” (%(y)s).") if higher else
                          _("The criteria run the wrong way for an indicator where less is better: “%(a)s” (%(x)s) "
                            "should be below “%(b)s” (%(y)s).")) % {
                "a": labels[a], "x": _num(x), "b": labels[b], "y": _num(y)})
            break
    if goal is not None and len(values) >= 2:
        best, worst = values[0][1], values[-1][1]
        low, high = min(best, worst), max(best, worst)
        if not low <= goal <= high:
            found.append(_("The criteria (%(worst)s to %(best)s) do not bracket the target %(target)s.") % {
                "worst": _num(worst), "best": _num(best), "target": _num(goal)})
    very_good = target.criteria_very_good
    if goal is not None and very_good is not None and very_good != goal:
        found.append(_("The “Very good” criterion is %(value)s but the negotiated target is %(target)s.") % {
            "value": _num(very_good), "target": _num(goal)})
    stated = numbers_in(target.description)
    if goal is not None and stated and goal not in stated:
        found.append(_("The description says %(stated)s but the target is %(target)s.") % {
            "stated": ", ".join(_num(n) for n in stated), "target": _num(goal)})
    return found


def finding_problem(target_flags, smart, aligned, comment):
    """Why a finding cannot be recorded as given (None: it can)."""
    if not (smart and aligned) and not comment:
        return _("Say what is wrong with the target so the parties can fix it.")
    if smart and aligned and target_flags and not comment:
        return _("This target is flagged: say in the comment why it passes anyway, or untick it and return "
                 "the contract.")
    return None
