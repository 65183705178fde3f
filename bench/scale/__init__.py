"""A national-scale data set: an oversight body, hundreds of institutions, a hundred thousand officers
and a million targets, written in bulk and deterministic from a seed.

The set-up data every institution needs (the institution, its financial year, band tables,
perspectives and scoring policies) goes through the ordinary service functions so it is audited and
validated like any other. The volume (org units, users, officers, indicators, contracts, targets)
is generated as rows and written with PostgreSQL ``COPY`` (``bulk_create`` on other databases), with
primary keys assigned here so rows can reference each other without a round trip.

Everything the seed creates is identified by the ``scale-`` prefix: institution slugs and usernames.
``reset`` deletes exactly that and nothing of the demo data.

The modules: ``identity`` (the prefix), ``writer`` (rows by ``COPY``), ``vocabulary`` (the names drawn
from), one per seeded domain (``institutions``, ``people``, ``contracts``, ``results``), ``seeding`` (the
stages in order), ``weekly`` (weekly task logs, on request), ``removal`` and ``checks``. Callers use
this package's names.
"""

from .checks import problems
from .contracts import SPECIAL_SIZES, SPECIAL_TITLE
from .identity import OVERSIGHT_SLUG, OVERSIGHT_USER, PREFIX, exists, scale_institutions
from .removal import reset
from .seeding import Plan, Result, seed
from .weekly import write_weekly_logs

__all__ = [
    "OVERSIGHT_SLUG",
    "OVERSIGHT_USER",
    "PREFIX",
    "SPECIAL_SIZES",
    "SPECIAL_TITLE",
    "Plan",
    "Result",
    "exists",
    "problems",
    "reset",
    "scale_institutions",
    "seed",
    "write_weekly_logs",
]
