"""API token authentication with its lookup's SQL built once (pmis.prepared).

DRF's ``TokenAuthentication`` builds the same ``select_related`` query on every call; with the plan's
other reads prepared, building it was the largest part left of an API request's Python."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from pmis.prepared import prepared


@prepared
def _user_with_token(key: str):
    return get_user_model().objects.filter(auth_token__key=key)


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        user = next(iter(_user_with_token(key)), None)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, Token(key=key, user=user)  # request.auth: the token, as DRF gives it
