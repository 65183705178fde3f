"""Sessions that end after inactivity without a database write on every request.

The idle timeout needs the session's expiry pushed forward as the user works. Django's
``SESSION_SAVE_EVERY_REQUEST`` does that with an UPDATE (and a transaction) on every page;
``IdleRenewalMiddleware`` renews at most once every ``SESSION_RENEW_SECONDS`` instead, so the
timeout is exact to within that margin (a minute by default) and a busy page costs no write.

``end_sessions`` ends a user's sessions through the session engine, so a cached session
(``cached_db``, used when a shared cache is configured) is dropped from the cache as well.
"""

import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.dispatch import receiver
from django.utils import timezone

RENEWED_KEY = "_pmis_renewed"


def session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


class IdleRenewalMiddleware:
    """Marks a signed-in session modified when it was last renewed more than the margin ago;
    SessionMiddleware (earlier in the list) then saves it with a fresh expiry and cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.modified and session.get(SESSION_KEY):
            now = int(time.time())
            if now - session.get(RENEWED_KEY, 0) >= settings.SESSION_RENEW_SECONDS:
                session[RENEWED_KEY] = now
        return response


@receiver(user_logged_in)
def stamp_at_sign_in(sender, request, user, **kwargs):
    # Signing in saves the session with a fresh expiry: that is the first renewal.
    if request is not None and hasattr(request, "session"):
        request.session[RENEWED_KEY] = int(time.time())


def end_sessions(user) -> int:
    """Delete every unexpired session of ``user``; return how many."""
    store = session_store()
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended
