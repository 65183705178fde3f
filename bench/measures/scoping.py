"""What tenant scoping costs: the contract list scoped against the same list unscoped."""

from django.urls import reverse

from contracts import selectors
from pmis.models import Officer

from .. import scale
from .context import session_cookie
from .registry import measure
from .timing import median_ms, paired_medians_ms


@measure("scoped ÷ unscoped list time", "≤ 1.1", lambda r: r["ratio"] <= 1.1)
def scoped_ratio(ctx):
    """The contract list as people get it (the list page, and the API's list of 50), through gunicorn:
    the national performance department's user, whose list goes through tenant scoping, against a
    superuser's, which does not, on the same rows; requested in turn from a second process. The ratio is
    of the medians, the larger of the two lists'.

    Also, in this process, the list's read alone (selectors.contract_list: the institutions in sight,
    then the page of 50) against the same read unscoped, for the national user, the head of one
    institution and the head of the institution whose contracts come last in the list order."""
    user, superuser = ctx.oversight_user, ctx.superuser
    lists = {}
    for name, path, accept in (("page", reverse("contract-list"), "text/html"),
                               ("api", reverse("api-contract-list"), "application/json")):
        scoped, unscoped = ctx.paired(path, {"Cookie": session_cookie(user), "Accept": accept},
                                      path, {"Cookie": session_cookie(superuser), "Accept": accept})
        lists[name] = {"scoped": scoped, "unscoped": unscoped,
                       "ratio": round(scoped["p50_ms"] / unscoped["p50_ms"], 3),
                       "p95_ratio": round(scoped["p95_ms"] / unscoped["p95_ms"], 3)}

    a, b = paired_medians_ms(lambda: list(selectors.contract_list(user)[:50]),
                             lambda: list(selectors.list_rows()[:50]), ctx.repetitions)
    head = Officer.objects.filter(institution=ctx.first).order_by("pk").first().user
    c, d = paired_medians_ms(lambda: list(selectors.contract_list(head)[:50]),
                             lambda: list(selectors.list_rows().filter(institution=ctx.first)[:50]), ctx.repetitions)
    # The last institution's contracts come last in the list order: the case a walk of the whole
    # list index would make slow.
    last = scale.scale_institutions().exclude(slug=scale.OVERSIGHT_SLUG).order_by("pk").last()
    last_head = Officer.objects.filter(institution=last).order_by("pk").first().user
    e = median_ms(lambda: list(selectors.contract_list(last_head)[:50]), ctx.repetitions)
    return {"ratio": max(lists["page"]["ratio"], lists["api"]["ratio"]), "page": lists["page"], "api": lists["api"],
            "requests": ctx.requests,
            "read": {"oversight_scoped_ms": round(a, 3), "unscoped_ms": round(b, 3), "ratio": round(a / b, 3),
                     "single_institution_scoped_ms": round(c, 3), "single_institution_filter_ms": round(d, 3),
                     "single_ratio": round(c / d, 3), "last_institution_scoped_ms": round(e, 3),
                     "repetitions": ctx.repetitions}}
