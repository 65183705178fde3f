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
