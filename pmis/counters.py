"""Counters in fixed windows, one atomic increment each: the API's rate limits and the lockout's
attempt limits (password-reset emails) count with them."""

from django.core import cache as django_cache
from django.core.cache.backends.redis import RedisCache


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
