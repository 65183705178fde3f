"""Counters in fixed windows: the API's rate limits and the lockout's attempt limits (password-reset
emails) count with them. Through the cache's public API, so any backend counts the same way: the
window's first call creates the key with its life, later ones add to it without touching that life."""

from django.core import cache as django_cache


def increment(cache, key, timeout):
    """Add one to the counter ``key`` (created with ``timeout`` seconds to live); its new value."""
    if cache is django_cache.cache:  # the proxy DRF's throttles hold: this thread's default cache
        cache = django_cache.caches[django_cache.DEFAULT_CACHE_ALIAS]
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request (or its key just expired)
        return 1 if cache.add(key, 1, timeout) else cache.incr(key)
