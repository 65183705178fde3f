"""The one lockout for every way of proving who you are.

A wrong password or authentication code counts the same whether it was typed on the login page, sent
for an API token, or given to re-authenticate (signing a contract, deciding an appeal, changing the
second factor): django-axes counts failures per username and client address, and after
``AXES_FAILURE_LIMIT`` of them every path refuses that username from that address for
``AXES_COOLOFF_HOURS``. The count lives in the ``lockout`` cache (settings), outside the database, so a
request that fails and rolls its transaction back (an API error does) keeps the failure counted.
"""

import time

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import caches
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .counters import increment


def _django_request(request) -> HttpRequest:
    """Axes keeps its notes on the request: always on Django's, also when given DRF's wrapper."""
    return getattr(request, "_request", request)


def is_locked_out(request, username: str) -> bool:
    return AxesProxyHandler.is_locked(_django_request(request), get_credentials(username))


def record_failure(request, username: str) -> bool:
    """Count one failed proof for ``username`` from this client; True when that locks them out."""
    user_login_failed.send(sender=__name__, credentials=get_credentials(username), request=_django_request(request))
    return is_locked_out(request, username)


def count_attempt(key: str, window_seconds: int) -> int:
    """Add one to the attempts counted under ``key`` in the current window; the window's count so far.

    Held in the same cache as the lockout (shared by every process), in fixed windows."""
    window = int(time.time() // window_seconds)
    return increment(caches["lockout"], f"attempts:{key}:{window}", window_seconds + 1)


def locked_response(request, original_response=None, credentials=None):
    """What a locked-out client is answered (axes' AXES_LOCKOUT_CALLABLE): the API's one error shape
    on the API, the lockout page elsewhere; 429 on both."""
    if request.path.startswith("/api/"):
        message = _("Too many failed attempts: signing in is locked for now. Try again later.")
        return JsonResponse({"detail": message, "errors": {}}, status=429)
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, {}, status=429)
