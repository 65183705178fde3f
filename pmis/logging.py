"""Structured logs: one JSON object a line, carrying the request id set by RequestIDMiddleware.

Tracebacks go to the log (as ``exc_info``), never to the user: DEBUG=0 pages are 404.html/500.html."""

import json
import logging
from datetime import UTC, datetime

from .middleware import current_request_id

# Attributes every LogRecord has; anything else was passed with ``extra=`` and is logged as a field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}


class RequestIDFilter(logging.Filter):
    def filter(self, record):
        if not getattr(record, "request_id", None):
            # django.request logs some responses after the middleware has returned: use its request.
            record.request_id = (current_request_id.get() or getattr(getattr(record, "request", None), "id", None)
                                 or "-")
        return True


class JSONFormatter(logging.Formatter):
    def format(self, record):
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id.get(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                payload[key] = value if isinstance(value, str | int | float | bool | type(None)) else repr(value)
        if record.exc_info:
            payload["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            payload["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(payload, ensure_ascii=False)
