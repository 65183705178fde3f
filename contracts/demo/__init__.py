"""The demo data ``seed_demo`` writes for this app, one module per sub-area: ``cycle`` (the contracts,
with the demo users' helpers ``demo_request`` and ``demo_totp``) and ``monitoring`` (quarterly progress
on them)."""
