"""Remembers the client's address for the audit trail; request ids; extra security headers."""

import ipaddress
import re
import uuid
from contextvars import ContextVar

from django.conf import settings

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def valid_ip(text) -> str | None:
    try:
        return str(ipaddress.ip_address(str(text or "").strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address: the socket's, or with ``TRUSTED_PROXY_COUNT`` proxies of ours in front, the
    address the outermost of them saw. What a client writes in X-Forwarded-For itself is never taken:
    each trusted proxy appends one hop, so the client is that many hops from the end."""
    remote = valid_ip(request.META.get("REMOTE_ADDR"))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote
    return valid_ip(hops[-proxies]) or remote


class ClientIPMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


# --- Request ids and the headers Django's SecurityMiddleware does not set ------------------------

current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def request_id_from(request) -> str:
    """The proxy's X-Request-ID when it looks like one, else a fresh id."""
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    return incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex


class RequestIDMiddleware:
    """Tags every log line of a request with its id and echoes the id in X-Request-ID.

    Also sets Permissions-Policy (Django has no setting for it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request_id_from(request)
        token = current_request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request.id
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response
