"""The language a signed-in user reads PMIS in: their saved preference (``LanguagePreference``, the one
notifications and emails are written in) unless they chose another in this browser session.

- Django's LocaleMiddleware reads the language cookie, which the language menu (``set_language``)
  sets: a cookie is a choice made in this browser session, and it stands.
- At sign-in the user's saved language becomes the session's and the cookie's. A language chosen on
  the way in wins and is saved as the preference. A user without one takes the cookie's, else their
  institution's profile language where it is not the site's default (Tanzania's PEPMIS: Swahili),
  else the browser's, and it is saved likewise.
- Choosing a language in the menu or on the notification settings page (``choose``) changes the
  session's language, the cookie and the saved preference together.
- Without a cookie (it was cleared, or a sign-in that set none), ``PreferredLanguageMiddleware`` takes
  the session's language and sets the cookie again.

The session and the cookie carry the language, so no page reads the preference: no query per request."""

from django.conf import settings
from django.utils import translation
from django.views import i18n

from pmis import access
from pmis.models import Institution
from scorecards import profiles

from .models import LanguagePreference

SESSION_KEY = "pmis_language"


def _known(language) -> bool:
    return language in dict(settings.LANGUAGES)


def choose(request, language) -> None:
    """The user chose ``language``: this session's pages, its cookie and (signed in) their saved preference."""
    if not _known(language):
        return
    request.session[SESSION_KEY] = request.pmis_language = language
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        LanguagePreference.objects.update_or_create(user=user, defaults={"language": language})


def set_language(request):
    """Django's ``set_language`` (the header's language switcher), which also saves the choice."""
    response = i18n.set_language(request)
    if request.method == "POST":
        choose(request, request.POST.get("language"))
    return response


def institution_language(user) -> str | None:
    """The language of the profile of the one institution the user works in or holds roles in, where
    it is not the site's default."""
    held = access.of(user)
    ids = held.employed or frozenset(held.roles)
    if len(ids) != 1:
        return None
    institution = Institution.objects.filter(pk=next(iter(ids))).only("pk", "country").first()
    profile = profiles.of(institution) if institution else None
    return profile.language if profile and profile.language != settings.LANGUAGE_CODE else None


def on_login(sender, request, user, **kwargs):
    """The session takes the user's language (see the module's notes)."""
    if request is None or not hasattr(request, "session"):
        return
    chosen = request.session.get(SESSION_KEY)  # chosen in the menu on the way in
    if _known(chosen):
        choose(request, chosen)
        return
    language = LanguagePreference.objects.filter(user=user).values_list("language", flat=True).first()
    if not _known(language):
        for candidate in (request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME), institution_language(user),
                          getattr(request, "LANGUAGE_CODE", None)):
            if _known(candidate):
                language = candidate
                break
        else:
            return  # signed in outside a page request (a test's force_login): nothing to go by
        LanguagePreference.objects.get_or_create(user=user, defaults={"language": language})
    request.session[SESSION_KEY] = request.pmis_language = language


class PreferredLanguageMiddleware:
    """The session's language where no cookie names one; the cookie set to a language chosen or taken at
    sign-in during the request. After the session and LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = None
        # Only a request carrying a session cookie can have a session language: others leave it unread.
        if not _known(cookie) and settings.SESSION_COOKIE_NAME in request.COOKIES:
            language = request.session.get(SESSION_KEY)
            if _known(language) and language != getattr(request, "LANGUAGE_CODE", None):
                translation.activate(language)
                request.LANGUAGE_CODE = language
        response = self.get_response(request)
        language = getattr(request, "pmis_language", None) or language
        if _known(language) and language != cookie:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
