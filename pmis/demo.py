"""The demo's per-app seeds (``manage.py seed_demo``).

The core seeds institutions, officers and logins; each app above it adds its own demo data by
registering a seed here from its ``AppConfig.ready`` (the core imports no app above it). Seeds run in
``order``: contracts first, then what hangs off them.
"""

#: (order, seed(admin)) pairs
_SEEDS = []


def register(order, seed):
    """Run ``seed(admin)`` after the core's demo data, lower ``order`` first."""
    if all(s is not seed for _, s in _SEEDS):
        _SEEDS.append((order, seed))


def seeds():
    return [seed for _, seed in sorted(_SEEDS, key=lambda pair: pair[0])]
