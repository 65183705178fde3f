"""The benchmark: a registry of measurements run in one go on the scale data set.

Each measurement is a function ``fn(ctx) -> dict`` registered with ``@measure``; it raises ``Skip``
when what it measures does not exist in this build. ``run()`` calls them in order, prints one
table and returns everything as JSON-ready data. To add a measurement, write a function in the
module of its kind (``pages``, ``queries``, ``scoping``, ``pdfs``, ``reporting``).
"""

# Importing a module registers its measurements: the order here is the order of the table.
# isort: off
from . import pages, peers, queries, scoping, pdfs, reporting, results  # noqa: F401
# isort: on
from .context import Context, page_queries, reverse_or_skip, session_cookie
from .queries import institutions_ratio, targets_ratio
from .registry import REGISTRY, Skip, measure, run, summary

__all__ = [
    "REGISTRY",
    "Context",
    "Skip",
    "institutions_ratio",
    "measure",
    "page_queries",
    "reverse_or_skip",
    "run",
    "session_cookie",
    "summary",
    "targets_ratio",
]
