"""An institution's band tables as its administrator reads and edits them: each band as a range (a lower and
an upper bound) with its grade in English and Swahili.

A table stores one limit per band (``scoring.bands``); the range a person reads is that limit and the
neighbouring band's. The tables seeded under the national names (``kenya_pc``, ``percent_achievement`` …)
follow the published guidelines and are shown for reference; an institution edits a table of its own,
started from one of them.
"""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from pmis import access
from pmis.models import Role
from pmis.numbers import plain

from . import grades, scoring
from .scoring.base import LOWER_IS_BETTER

NUMBER = {"max_digits": 20, "decimal_places": 4}


def is_national(table) -> bool:
    """A seeded table under a national guideline's name: read-only here, kept as published."""
    return table.name in scoring.BAND_TABLE_SCHEME


def may_edit_bands(user, institution, table=None) -> bool:
    """The institution's administrator (or a superuser) keeps its band tables; with ``table``, whether that
    table is one it may edit (its own, not a national one)."""
    if not (user.is_superuser or access.holds(user, Role.ADMIN, institution.pk)):
        return False
    return table is None or (table.institution_id == institution.pk and not is_national(table))


def _scale(scheme_name):
    return scoring.SCHEMES[scoring.BAND_TABLE_SCHEME.get(scheme_name, scheme_name)]


@dataclass
class Band:
    grade: str
    grade_sw: str
    lower: Decimal | None  # None: open-ended ("and above")
    upper: Decimal | None


def ranges(scheme_name, bands) -> list[Band]:
    """The bands best first, each with the two bounds a person reads."""
    scale = _scale(scheme_name)
    lower_is_better = scale.direction == LOWER_IS_BETTER
    out, previous = [], scale.best
    for band in grades.with_swahili(bands):
        limit = Decimal(str(band["limit"]))
        low, high = (previous, limit) if lower_is_better else (limit, previous)
        out.append(Band(band.get("grade", ""), band.get("grade_sw", ""), low, high))
        previous = limit
    return out


def scale_text(scheme_name) -> str:
    scale = _scale(scheme_name)
    if scale.best is None:
        return _("%(worst)s or more") % {"worst": plain(scale.worst)}
    low, high = sorted((scale.best, scale.worst))
    return _("from %(low)s to %(high)s") % {"low": plain(low), "high": plain(high)}


def open_ended(scheme_name) -> bool:
    """Whether the best band runs on without an upper bound (percentage achievement: "101 and above")."""
    return _scale(scheme_name).best is None


def better_end(scheme_name) -> str:
    if _scale(scheme_name).direction == LOWER_IS_BETTER:
        return _("a lower score is better")
    return _("a higher score is better")


# ---------------------------------------------------------------------------------------------
# The editing form: one row per band, best first, checked as ranges that meet end to end.


class BandForm(forms.Form):
    grade = forms.CharField(label=_l("Grade in English"), max_length=64, required=False)
    grade_sw = forms.CharField(label=_l("Grade in Swahili"), max_length=64, required=False)
    lower = forms.DecimalField(label=_l("From"), required=False, **NUMBER)
    upper = forms.DecimalField(label=pgettext_lazy("range", "To"), required=False, **NUMBER)

    def is_blank(self):
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(k) not in (None, "") for k in ("grade", "grade_sw", "lower", "upper"))


class BaseBandFormSet(forms.BaseFormSet):
    """The rows as one table; ``scheme`` gives the scale they must cover without gap or overlap."""

    def __init__(self, *args, scheme, **kwargs):
        self.scheme = scheme
        super().__init__(*args, **kwargs)

    def bands(self):
        """The table as stored: best first, the limit being the band's worse bound."""
        lower_is_better = _scale(self.scheme).direction == LOWER_IS_BETTER
        return [{"grade": f.cleaned_data["grade"].strip(), "grade_sw": f.cleaned_data["grade_sw"].strip(),
                 "limit": str(f.cleaned_data["upper" if lower_is_better else "lower"])}
                for f in self.forms if not f.is_blank()]

    def clean(self):
        if any(self.errors):
            return
        scale = _scale(self.scheme)
        lower_is_better = scale.direction == LOWER_IS_BETTER
        low_end, high_end = sorted((scale.best, scale.worst)) if scale.best is not None else (scale.worst, None)
        rows = [f for f in self.forms if not f.is_blank()]
        if not rows:
            raise forms.ValidationError(_("Give the table at least one band."))
        seen_en, seen_sw = set(), set()
        previous = None  # the row above (a better band)
        for index, form in enumerate(rows):
            data = form.cleaned_data
            grade, grade_sw = data["grade"].strip(), data["grade_sw"].strip()
            if not grade:
                form.add_error("grade", _("Name the grade in English."))
            elif grade.casefold() in seen_en:
                form.add_error("grade", _("Another band has this name."))
            if not grade_sw:
                form.add_error("grade_sw", _("Name the grade in Swahili."))
            elif grade_sw.casefold() in seen_sw:
                form.add_error("grade_sw", _("Another band has this name."))
            seen_en.add(grade.casefold())
            seen_sw.add(grade_sw.casefold())
            low, high = data["lower"], data["upper"]
            open_top = index == 0 and high_end is None
            for name, value in (("lower", low), ("upper", high)):
                if value is None and not (open_top and name == "upper"):
                    form.add_error(name, _("Enter a number."))
                elif value is not None and (value < low_end or (high_end is not None and value > high_end)):
                    form.add_error(name, _("Stay on the scale, %(scale)s.") % {"scale": scale_text(self.scheme)})
            if low is not None and high is not None and low >= high:
                form.add_error("upper", _("The upper bound must be above the lower bound."))
            if index == 0 and scale.best is not None:
                best_bound, field = (low, "lower") if lower_is_better else (high, "upper")
                if best_bound is not None and best_bound != scale.best:
                    form.add_error(field, _("The best band must reach %(best)s, the best end of the scale.") % {
                        "best": plain(scale.best)})
            if previous is not None:
                # Best first: on a lower-is-better scale this band starts where the one above ends, and
                # on a higher-is-better scale it ends where the one above starts.
                mine, field = (low, "lower") if lower_is_better else (high, "upper")
                theirs = previous.cleaned_data["upper" if lower_is_better else "lower"]
                if mine is not None and theirs is not None and mine != theirs:
                    overlaps = mine < theirs if lower_is_better else mine > theirs
                    values = {"mine": plain(mine), "theirs": plain(theirs)}
                    if not overlaps:  # the gap's ends, low to high
                        values = dict(zip(("mine", "theirs"), map(plain, sorted((mine, theirs))), strict=True))
                    form.add_error(field, (
                        _("This band overlaps the band above it: it reaches %(mine)s, and the band above "
                          "reaches %(theirs)s. Make them meet.") if overlaps else
                        _("There is a gap between this band and the band above it: nothing covers the scores "
                          "between %(mine)s and %(theirs)s. Make them meet.")) % values)
            previous = form
        last = rows[-1].cleaned_data
        worst_bound, field = (last["upper"], "upper") if lower_is_better else (last["lower"], "lower")
        if worst_bound is not None and worst_bound != scale.worst:
            rows[-1].add_error(field, _("The last band must reach %(worst)s, the worst end of the scale, so that "
                                        "every score gets a grade.") % {"worst": plain(scale.worst)})


BandFormSet = forms.formset_factory(BandForm, formset=BaseBandFormSet, extra=2, max_num=12, validate_max=True)


def formset(table, data=None):
    initial = [{"grade": band.grade, "grade_sw": band.grade_sw, "lower": plain(band.lower),
                "upper": plain(band.upper)} for band in ranges(table.scheme, table.bands)]
    return BandFormSet(data, initial=initial, scheme=table.scheme, prefix="band")


class NewTableForm(forms.Form):
    name = forms.CharField(label=_l("Name of your table"), max_length=64)

    def __init__(self, *args, taken=(), **kwargs):
        self.taken = {name.casefold() for name in taken}
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if name.casefold() in self.taken or name in scoring.BAND_TABLE_SCHEME:
            raise forms.ValidationError(_("This year already has a table of that name; choose another."))
        return name
