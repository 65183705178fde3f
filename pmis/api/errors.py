"""Every API error in one shape: {"detail": "...", "errors": {field: [messages]}}.

Views call the domain functions and let their exceptions through; this handler maps them:
``django.core.exceptions.ValidationError`` (and subclasses such as ``workflow.TransitionError``)
answers 400, a registered conflict (``workflow.ConcurrentEdit``: a stale ``lock_version``) 409,
``PermissionDenied`` (``workflow.NotAllowed``) 403 and ``Http404`` 404.
"""

from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

#: Domain exception classes answered with 409 Conflict (see ``register_conflict``).
CONFLICTS: list[type] = []


def register_conflict(exc_class):
    """Declare a ``ValidationError`` subclass that means "your copy is stale" (HTTP 409)."""
    if exc_class not in CONFLICTS:
        CONFLICTS.append(exc_class)
    return exc_class


def _flatten(data, prefix=""):
    errors = {}
    if isinstance(data, dict):
        for key, value in data.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            errors.update(_flatten(value, path))
    elif isinstance(data, list) and data and all(isinstance(v, str) for v in data):
        errors[prefix or "non_field_errors"] = [str(v) for v in data]
    elif isinstance(data, list):
        for i, value in enumerate(data):
            if value:
                errors.update(_flatten(value, f"{prefix}[{i}]"))
    else:
        errors[prefix or "non_field_errors"] = [str(data)]
    return errors


def django_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ``ValidationError`` as {field: [messages]} (``non_field_errors`` for the rest)."""
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): [str(m) for m in messages]
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def _detail(errors):
    messages = [m for field in errors.values() for m in field]
    return messages[0] if len(messages) == 1 else _("The request has errors.")


def exception_handler(exc, context):
    view = context.get("view")
    if getattr(view, "action", None) in getattr(view, "non_atomic_actions", ()):
        # No request transaction to roll back: an enclosing one (a test's, a caller's) is not ours.
        with _rollback_untouched():
            return _handle(exc, context)
    return _handle(exc, context)


@contextmanager
def _rollback_untouched():
    before = {c.alias: c.needs_rollback for c in connections.all(initialized_only=True)}
    try:
        yield
    finally:
        for c in connections.all(initialized_only=True):
            c.needs_rollback = before.get(c.alias, c.needs_rollback)


def _handle(exc, context):
    if isinstance(exc, DjangoValidationError):
        errors = django_errors(exc)
        code = status.HTTP_409_CONFLICT if isinstance(exc, tuple(CONFLICTS)) else status.HTTP_400_BAD_REQUEST
        set_rollback()
        return Response({"detail": _detail(errors), "errors": errors}, status=code)
    if isinstance(exc, SuspiciousOperation):  # e.g. too many form fields: a bad request, said in JSON
        set_rollback()
        return Response({"detail": _("The request could not be read."), "errors": {}},
                        status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        # Django's message names the model ("No PerformanceContract matches the given query."): the
        # user gets DRF's plain, translated one.
        exc = NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        response.data = {"detail": str(data["detail"]), "errors": {}}
    else:
        response.data = {"detail": _("The request has errors."), "errors": _flatten(data)}
    return response
