"""Loading the signed-in user once per request, with what every page shows of them.

Every page reads the user (AuthenticationMiddleware) and then, in the navigation, a few facts about
them such as the unread-notification badge. ``ModelBackend`` loads those facts as annotations of
the same query, so they cost no query of their own. Apps register an annotation in ``ready()``
with ``annotate_signed_in_user``; pmis knows none of them (apps depend on pmis, not the reverse).
"""

from django.contrib.auth import backends, get_user_model

from .tenancy import in_range

_ANNOTATIONS = {}


def annotate_signed_in_user(name, expression):
    """Add ``name`` to the signed-in user: ``expression()`` gives a query expression on the user."""
    _ANNOTATIONS[name] = expression


def _signed_in(user_id):
    return get_user_model()._default_manager.annotate(**{k: f() for k, f in _ANNOTATIONS.items()}).filter(
        pk=user_id)


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        user_id = in_range(user_id)
        user = next(iter(_signed_in(user_id)), None) if user_id is not None else None
        return user if user is not None and self.user_can_authenticate(user) else None
