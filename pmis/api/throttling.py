"""API rate limits that cost the same whatever the rate.

DRF's rate throttles keep the time of every request of the window in the cache, read and rewritten
whole on each request: at 1,000 requests a minute that is a thousand timestamps pickled per call. These
count requests in fixed windows with one atomic increment instead. The trade-off, usual for counters:
a client can send up to twice the rate across the boundary of two windows.
"""

import time

from django.conf import settings
from rest_framework import throttling

from pmis.counters import increment
from pmis.middleware import client_ip

clock = time.time  # (the tests move it on)


class CountingThrottleMixin:
    def get_ident(self, request):
        # The one client address (never X-Forwarded-For as the client wrote it).
        return client_ip(request) or ""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        window = int(clock() // self.duration)
        self.window_ends = (window + 1) * self.duration
        count = increment(self.cache, f"{key}:{window}", self.duration + 1)
        return count <= self.num_requests

    def wait(self):
        return max(0.0, self.window_ends - clock())


class AnonRateThrottle(CountingThrottleMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(CountingThrottleMixin, throttling.UserRateThrottle):
    pass


class TokenUsernameThrottle(CountingThrottleMixin, throttling.SimpleRateThrottle):
    """Token requests per username asked for, whoever asks (settings.API_TOKEN_THROTTLE_USERNAME)."""

    def get_rate(self):
        return settings.API_TOKEN_THROTTLE_USERNAME

    def get_cache_key(self, request, view):
        username = request.data.get("username") if hasattr(request.data, "get") else None
        if not isinstance(username, str) or not username:
            return None
        return f"throttle:token-username:{username.strip().lower()[:150]}"


class TokenAddressThrottle(CountingThrottleMixin, throttling.SimpleRateThrottle):
    """Token requests per client address (settings.API_TOKEN_THROTTLE_ADDRESS)."""

    def get_rate(self):
        return settings.API_TOKEN_THROTTLE_ADDRESS

    def get_cache_key(self, request, view):
        return f"throttle:token-address:{self.get_ident(request)}"
