"""Read-side helpers for scorecard set-up pages; each issues a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Prefetch

from .models import BandTable, Indicator, Perspective, ScoringPolicy, StrategicObjective, level_order


@dataclass
class Framework:
    perspectives: list
    indicators: list
    policies: list
    band_tables: list

    @property
    def perspective_weight(self):
        return sum(p.weight for p in self.perspectives)


def framework_for(year) -> Framework:
    """Perspectives (with objectives), indicators, scoring policies and band tables of a year."""
    perspectives = Perspective.objects.filter(financial_year=year).prefetch_related(
        Prefetch("objectives", queryset=StrategicObjective.objects.order_by("order", "name"))
    )
    return Framework(
        perspectives=list(perspectives),
        indicators=list(Indicator.objects.filter(institution_id=year.institution_id)),
        policies=list(
            ScoringPolicy.objects.filter(financial_year=year).select_related("band_table").order_by(level_order())
        ),
        band_tables=list(BandTable.objects.filter(financial_year=year)),
    )
