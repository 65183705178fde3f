"""API rate limits: a fixed-window counter per user (and per address for anonymous calls)."""

from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from pmis.api import throttling


def test_the_limit_refuses_then_opens_in_the_next_window(demo, client, monkeypatch):
    cache.clear()
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "2/min"})
    now = [1_800_000_000.0]
    monkeypatch.setattr(throttling, "clock", lambda: now[0])
    client.force_login(demo.users["officer"])
    answers = [client.get("/api/v1/contracts/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = client.get("/api/v1/contracts/")
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60 and "detail" in refused.json()
    other = client.__class__()
    other.force_login(demo.users["head"])
    assert other.get("/api/v1/contracts/").status_code == 200  # every user has their own count
    now[0] += 60
    assert client.get("/api/v1/contracts/").status_code == 200  # a new window


def test_anonymous_calls_count_per_address(db, monkeypatch):
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory
    from rest_framework.request import Request

    cache.clear()
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "2/min"})
    monkeypatch.setattr(throttling, "clock", lambda: 1_800_000_000.0)

    def request_from(address):
        request = Request(RequestFactory().get("/api/v1/", REMOTE_ADDR=address))
        request.user = AnonymousUser()
        return request

    throttle = throttling.AnonRateThrottle
    assert [throttle().allow_request(request_from("10.1.1.1"), None) for _ in range(3)] == [True, True, False]
    assert throttle().allow_request(request_from("10.1.1.2"), None)


def test_the_redis_counter_counts_once_a_request_and_expires(monkeypatch):
    """On Redis (as deployed) the counter counts with its life set once, not reset by later calls."""
    import os
    import socket

    import pytest
    from django.core.cache.backends.redis import RedisCache

    url = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0] + "/13"
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    redis_cache = RedisCache(url, {"KEY_PREFIX": "throttle-test"})
    redis_cache.clear()
    assert [throttling.increment(redis_cache, "user_7:1", 61) for _ in range(3)] == [1, 2, 3]
    import redis

    full = redis_cache.make_and_validate_key("user_7:1")
    client = redis.Redis.from_url(url)
    assert 55 < client.ttl(full) <= 61
    client.expire(full, 5)
    assert throttling.increment(redis_cache, "user_7:1", 61) == 4 and client.ttl(full) <= 5  # set once only
    assert redis_cache.get("user_7:1") == 4  # the same key Django's cache API reads
    redis_cache.clear()


def test_the_throttles_count_on_redis(settings, monkeypatch):
    """As deployed (CACHE_URL on Redis), DRF's throttles count in the shared cache."""
    import socket

    import pytest
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache
    from django.test import RequestFactory
    from rest_framework.request import Request

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                                      "LOCATION": "redis://127.0.0.1:6379/13",
                                                      "KEY_PREFIX": "throttle-test"}}
    assert isinstance(caches["default"], RedisCache)
    caches["default"].clear()

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "2/min"})
    monkeypatch.setattr(throttling, "clock", lambda: 1_800_000_000.0)
    request = Request(RequestFactory().get("/api/v1/", REMOTE_ADDR="10.1.1.9"))
    request.user = AnonymousUser()
    throttle = throttling.AnonRateThrottle
    assert [throttle().allow_request(request, None) for _ in range(3)] == [True, True, False]
    window = int(1_800_000_000.0 // 60)
    assert caches["default"].get(f"{throttle().get_cache_key(request, None)}:{window}") == 3
    caches["default"].clear()
