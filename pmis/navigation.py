"""Which sections the main menu offers a user.

The user's roles are read once, when they sign in, and kept in the session, so the menu costs no
query per page. This only keeps the menu short: every page checks permissions itself, so a stale
menu (roles changed since sign-in) shows a link that refuses, never a page that should not open.
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import access
from .models import Role

SESSION_KEY = "pmis_menu_roles"

#: menu section → the roles it is for (superusers, and sessions from before this, see everything)
SECTIONS = {
    "league": {Role.OVERSIGHT, Role.PERFORMANCE_OFFICER, Role.HEAD, Role.PRINCIPAL, Role.AUDITOR, Role.ADMIN},
    "verification": {Role.PERFORMANCE_OFFICER},
    "reports": {Role.OVERSIGHT, Role.PERFORMANCE_OFFICER, Role.HEAD, Role.PRINCIPAL, Role.AUDITOR, Role.ADMIN},
    "audit": {Role.PERFORMANCE_OFFICER, Role.HEAD, Role.AUDITOR, Role.ADMIN},
    # Shared targets: the partner institution (or the department over both) confirms being named.
    "partners": {Role.OVERSIGHT, Role.PERFORMANCE_OFFICER, Role.HEAD, Role.ADMIN},
}


@receiver(user_logged_in)
def remember_roles(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = sorted(set().union(*access.of(user).roles.values()))


def menu(request):
    """Context processor: ``menu.<section>`` is True when the section belongs in the user's menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = getattr(request, "session", {}).get(SESSION_KEY)
    if roles is None or user.is_superuser:
        return {"menu": dict.fromkeys(SECTIONS, True)}
    return {"menu": {name: bool(allowed.intersection(roles)) for name, allowed in SECTIONS.items()}}
