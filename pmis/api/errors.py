"""Every API error in one shape: {"detail": "...", "errors": {field: [messages]}}."""

from django.utils.translation import gettext as _
from rest_framework.views import exception_handler as drf_exception_handler


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


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        response.data = {"detail": str(data["detail"]), "errors": {}}
    else:
        response.data = {"detail": _("The request has errors."), "errors": _flatten(data)}
    return response
