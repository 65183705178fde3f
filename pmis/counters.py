"""Counters in fixed windows, one atomic increment each: the API's rate limits and the lockout's
attempt limits (password-reset emails) count with them."""

import functools

import redis
from django.conf import settings
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
    """A Redis client for the cache's primary server, made once per process (redis-py's clients are
    thread-safe and pool their connections): Django's cache makes a new client object for every call."""
    for alias, config in settings.CACHES.items():
        if django_cache.caches[alias] is cache:
            location = config["LOCATION"]
            servers = location if isinstance(location, list | tuple) else location.split(",")
            return _client(servers[0].strip())
    raise LookupError("a Redis cache not among settings.CACHES")


@functools.cache
def _client(url):
    return redis.Redis.from_url(url)
