"""The logs: one JSON object a line (`LOG_FORMAT=json`, the default outside DEBUG) or readable
text (`LOG_FORMAT=text`), from Django and from the page-cache front alike.

Every request gets an id: the one a trusted proxy (TRUSTED_PROXIES: Varnish or a load balancer
in front) sent in `X-Request-ID`, else a new one. It is on the request's own line, on
every other line written while the request runs, and in the response's `X-Request-ID`, so a
reader's report, a proxy's log and the app's lines can be put together.
"""

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

from newsroom.security.client import is_trusted_proxy

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
# The request's own line carries these, each when known.
FIELDS = ("request_id", "method", "path", "status", "ms", "cache", "user")
_GOOD_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id(sent: str | None, peer: str = "") -> str:
    """The id sent, if the connection came from a trusted proxy (`peer`, its address) and it
    looks like one; else a new one."""
    if sent and _GOOD_ID.fullmatch(sent) and is_trusted_proxy(peer):
        return sent
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Every line written while a request runs carries its id."""

    def filter(self, record):
        if not getattr(record, "request_id", ""):
            record.request_id = current_request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value not in (None, ""):
                line[name] = value
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`time LEVEL logger: message [request id]`."""

    def __init__(self):
        super().__init__("{asctime} {levelname} {name}: {message}", style="{")

    def format(self, record):
        line = super().format(record)
        rid = getattr(record, "request_id", "")
        return f"{line} [{rid}]" if rid else line
