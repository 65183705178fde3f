"""The seed's stages in order, in two transactions: the institutions with their set-up through the
ordinary service, then every bulk table; then the results, and ``ANALYZE``."""

import random
import sys
import time
from dataclasses import dataclass, field

from django.db import connection, transaction

from pmis import org
from pmis.models import Institution

from .contracts import write_contracts, write_indicators, write_targets
from .identity import OVERSIGHT_SLUG
from .institutions import bulk_institutions, scoring_setup
from .people import write_org_units, write_staff
from .results import institution_results
from .writer import Writer, skip_fk_triggers


@dataclass
class Plan:
    institutions: int
    officers: int
    targets: int
    seed: int = 42


@dataclass
class Result:
    counts: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)


class Progress:
    """One line per stage: what was written, how many, how fast."""

    def __init__(self, out=None):
        self.out = out or sys.stdout
        self.started = time.perf_counter()
        self.seconds = {}

    def stage(self, name, count, since):
        took = time.perf_counter() - since
        self.seconds[name] = round(took, 2)
        rate = f"{count / took:,.0f}/s" if took > 0 and count else "-"
        total = time.perf_counter() - self.started
        self.out.write(f"  {name:<28} {count:>10,} rows  {took:7.1f} s  {rate:>12}   (total {total:6.1f} s)\n")
        self.out.flush()


def seed(plan: Plan, out=None, actor=None) -> Result:
    if plan.institutions < 1 or plan.officers < plan.institutions:
        raise ValueError("Give at least one institution and at least one officer per institution.")
    progress = Progress(out)
    rng = random.Random(plan.seed)  # noqa: S311 — reproducible test data, not secrets
    writer = Writer()
    result = Result()

    # Institutions, years and their scoring set-up, in bulk with the same defaults
    # scorecards.setup.seed_defaults gives one institution; one audit event per institution.
    since = time.perf_counter()
    with transaction.atomic():
        body = org.create_institution(actor, name="Scale Performance Management Department", slug=OVERSIGHT_SLUG,
                                      kind=Institution.Kind.OVERSIGHT)
        institutions, years = bulk_institutions(writer, rng, plan, body, actor)
    progress.stage("institutions + scoring set-up", plan.institutions + 1, since)
    perspectives, policies = scoring_setup(years)

    with transaction.atomic():
        skip_fk_triggers()
        since = time.perf_counter()
        units, result.counts["org_units"] = write_org_units(writer, rng, plan, institutions)
        progress.stage("org units", result.counts["org_units"], since)

        since = time.perf_counter()
        workforce, counts = write_staff(writer, rng, plan, institutions, units, body)
        result.counts.update(counts)
        progress.stage("users + officers", counts["users"] + counts["officers"], since)

        since = time.perf_counter()
        indicators, result.counts["indicators"] = write_indicators(writer, institutions)
        progress.stage("indicators", result.counts["indicators"], since)

        since = time.perf_counter()
        contracts, result.counts["contracts"] = write_contracts(writer, rng, plan, institutions, years, policies,
                                                                units, workforce)
        progress.stage("contracts", result.counts["contracts"], since)

        since = time.perf_counter()
        result.counts["targets"] = write_targets(writer, rng, plan, contracts, perspectives, indicators, progress,
                                                 since)
        progress.stage("targets", result.counts["targets"], since)
        writer.finish()

    since = time.perf_counter()
    result.counts["scores"] = institution_results(plan)
    progress.stage("verified Q1-Q2 results + score summary (institution contracts)", result.counts["scores"], since)

    if writer.copy:
        since = time.perf_counter()
        # Every table, the small set-up ones too: a planner that thinks 1,500 perspectives are 250 hashes
        # them all for a ten-target plan instead of looking ten up.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        progress.stage("analyze", 0, since)
    result.seconds = progress.seconds
    result.seconds["total"] = round(time.perf_counter() - progress.started, 2)
    return result
