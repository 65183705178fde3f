"""Asking for a password-reset email, with a limit per email address and per client address.

Past the address's limit the page answers as if the email went (so it tells nobody which addresses
have accounts) but sends nothing more; past the client's limit it says to wait.
"""

import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

from . import addresses, lockout
from .middleware import client_ip

HOUR = 3600


class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form):
        client = client_ip(self.request) or "unknown"
        if lockout.count_attempt(f"password-reset:client:{client}", HOUR) > settings.PASSWORD_RESET_PER_CLIENT_HOURLY:
            form.add_error(None, _("Too many reset requests from your network. Try again in an hour."))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        email = form.cleaned_data["email"].strip().lower()
        digest = hashlib.sha256(email.encode()).hexdigest()  # no address kept in the cache
        if lockout.count_attempt(f"password-reset:address:{digest}", HOUR) > settings.PASSWORD_RESET_PER_ADDRESS_HOURLY:
            return HttpResponseRedirect(self.get_success_url())
        # The link and the site's name come from the public address, not the host this request used.
        base = addresses.public_base(self.request)
        self.extra_email_context = {"public_base": base, "site_name": urlsplit(base).netloc or base}
        return super().form_valid(form)
