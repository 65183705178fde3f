"""API rate limits that cost the same whatever the rate.

DRF's rate throttles keep the time of every request of the window in the cache, read and rewritten
whole on each request: at 1,000 requests a minute that is a thousand timestamps pickled per call. These
count requests in fixed windows with one atomic increment instead. The trade-off, usual for counters:
a client can send up to twice the rate across the boundary of two windows.
"""

import time

from django.conf import settings
from django.core import cache as django_cache
from django.core.cache.backends.redis import RedisCache
from rest_framework import throttling

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


def increment(cache, key, timeout):
    """Add one to the counter ``key`` (created with ``timeout`` seconds to live); its new value."""
    if cache is django_cache.cache:  # the proxy DRF's throttles hold: this thread's default cache
        cache = django_cache.caches[django_cache.DEFAULT_CACHE_ALIAS]
    if isinstance(cache, RedisCache):
        # One round trip: INCR creates the key, EXPIRE NX sets its life only once (Redis 7). Django's
        # ``incr`` costs two (it checks the key exists first) and ``add`` a third in a new window.
        full = cache.make_and_validate_key(key)
        pipe = _writer(cache).pipeline(transaction=False)
        count, _ = pipe.incr(full).expire(full, timeout, nx=True).execute()
        return count
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request (or its key just expired)
        return 1 if cache.add(key, 1, timeout) else cache.incr(key)


def _writer(cache):
    """The cache's Redis client for writes, made once per process: Django makes a new client object
    for every call (its response-callback table alone is ~170 dictionary writes), on the same pool."""
    client = getattr(cache, "_pmis_writer", None)
    if client is None:
        client = cache._pmis_writer = cache._cache.get_client(write=True)
    return client
