"""Auditors read, they never write: the one server-side rule.

``AuditorReadOnlyMiddleware`` refuses (403) every POST/PUT/PATCH/DELETE from a user whose only roles
are *auditor* — pages, the API (session or token) and the admin alike — except the few views that
change nothing in the institutions' records: signing in and out, the language switch, the user's own
security settings and asking for a report or a contract PDF (ALLOWED). It sits after authentication, in process_view,
so it sees the resolved view: on a view scoped to an object the auditor may not see it answers 404,
like every other scoped view, rather than revealing that the object exists.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}

#: URL names an auditor may still POST to (none of them changes an institution's records).
ALLOWED = {
    "login", "logout", "set_language", "password_change", "password_reset", "password_reset_confirm",
    "account-security", "account-security-enrol", "account-security-disable", "account-security-backup-codes",
    "account-logout-everywhere", "api-token",
    "reports:new",
    # Asking for the contract PDF renders a document of what exists (an export, itself audited).
    "contract-pdf",
}


def is_read_only(user) -> bool:
    """True for a signed-in user whose every role membership is *auditor* (and who is not a superuser)."""
    from pmis import access
    from pmis.models import Role

    if not getattr(user, "is_authenticated", False) or user.is_superuser:
        return False
    held = access.of(user).roles.values()
    return bool(held) and set().union(*held) == {Role.AUDITOR}


def _api_user(request):
    """The user an API request authenticates as (DRF authenticates only inside the view): asked of the
    API's own authentication classes, so any spelling they accept is read the same here."""
    from rest_framework.exceptions import APIException
    from rest_framework.settings import api_settings

    for authentication in api_settings.DEFAULT_AUTHENTICATION_CLASSES:
        if authentication.__name__ == "SessionAuthentication":
            continue  # a session user is request.user already
        try:
            found = authentication().authenticate(request)
        except APIException:  # a bad token: the view answers 401 itself
            return None
        if found is not None:
            return found[0]
    return None


def _scoped_model(view):
    model = getattr(view, "scoped_model", None)
    if model is None and hasattr(view, "cls"):
        queryset = getattr(view.cls, "queryset", None)
        model = getattr(queryset, "model", None)
    return model


class AuditorReadOnlyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if request.method in SAFE_METHODS:
            return None
        user = request.user if request.user.is_authenticated else _api_user(request)
        if user is None or not is_read_only(user):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ALLOWED:
            return None
        model = _scoped_model(view)
        api = request.path.startswith("/api/")
        if model is not None and "pk" in kwargs and hasattr(model.objects, "visible_to"):
            try:
                visible = model.objects.visible_to(user).filter(pk=kwargs["pk"]).exists()
            except (TypeError, ValueError):  # a malformed id names nothing
                visible = False
            if not visible:
                if api:
                    return JsonResponse({"detail": _("Not found."), "errors": {}}, status=404)
                raise Http404
        message = _("Auditors have read-only access: this change is not allowed.")
        if api:  # the API's one error shape
            return JsonResponse({"detail": message, "errors": {}}, status=403)
        raise PermissionDenied(message)
