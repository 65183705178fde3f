"""Each hot endpoint beside, in the same run, its naive peer and the framework floor (bench.peers):
how far above the floor it is, and how far ahead of the naive way."""

from pathlib import Path

from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from .context import AS_DEPLOYED, session_cookie
from .registry import Skip, measure


def _real_bytes(user, url, headers=None):
    with override_settings(**AS_DEPLOYED):
        client = Client()
        client.force_login(user)
        response = client.get(url, secure=True, **(headers or {}))
    if response.status_code != 200:
        raise Skip(f"{url} answered {response.status_code}")
    return response.content


def _three(ctx, name, user, url, naive_url, *, api=False):
    """p95 and req/s of the endpoint, its naive peer and the floor, each loaded the same way."""
    from rest_framework.authtoken.models import Token

    if api:
        token, _ = Token.objects.get_or_create(user=user)
        headers = {"Authorization": f"Token {token.key}", "Accept": "application/json"}
    else:
        headers = {"Cookie": session_cookie(user)}
    floor_name = f"{name}-api" if api else name
    Path(ctx.floor_dir, f"{floor_name}.bin").write_bytes(_real_bytes(user, url))
    found = {}
    for kind, path, sent in (("real", url, headers), ("naive", naive_url, headers),
                             ("floor", reverse("bench-floor", args=[floor_name]), {"X-Bench-Key": ctx.floor_key})):
        result = ctx.load(path, sent)
        found[kind] = {"p95_ms": result["p95_ms"], "p50_ms": result["p50_ms"], "req_s": result["req_s"]}
    real, naive, floor = found["real"], found["naive"], found["floor"]
    found["over_floor_p50_ms"] = round(real["p50_ms"] - floor["p50_ms"], 1)
    found["naive_over_real_p95"] = round(naive["p95_ms"] / real["p95_ms"], 1) if real["p95_ms"] else None
    return found


@measure("hot endpoints beside their naive peer and the framework floor", "")
def peers(ctx):
    first, plan, oversight = ctx.first, ctx.plan, ctx.oversight_user
    return {
        "league": _three(ctx, "league", oversight, reverse("league-table"), reverse("bench-naive-league")),
        "dashboard": _three(ctx, "dashboard", oversight, reverse("institution-dashboard", args=[first.pk]),
                            reverse("bench-naive-dashboard", args=[first.pk])),
        "plan_api": _three(ctx, "plan", plan.performer, reverse("api-contract-plan", args=[plan.pk]),
                           reverse("bench-naive-plan", args=[plan.pk]), api=True),
        "contract_list": _three(ctx, "contracts", oversight, reverse("api-contract-list"),
                                reverse("bench-naive-contracts"), api=True),
    }
