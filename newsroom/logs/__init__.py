"""The logs: one JSON object a line (`LOG_FORMAT=json`, the default outside DEBUG) or readable
text (`LOG_FORMAT=text`), from Django and from the page-cache front alike.

Every request gets an id: the one a trusted proxy (TRUSTED_PROXIES: Varnish or a load balancer
in front) sent in `X-Request-ID`, else a new one. It is on the request's own line, on
every other line written while the request runs, and in the response's `X-Request-ID`, so a
reader's report, a proxy's log and the app's lines can be put together.
"""

import contextvars
import itertools
import json
import logging
import os
import re
import secrets
import time
from json.encoder import encode_basestring

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
    return f"{_id_prefix}{next(_id_numbers):012x}"


def _new_process() -> None:
    """New ids: 20 random hex digits for this process, then its count of requests (12 more),
    unique across processes without a call for random bytes per request (one cost 14 µs)."""
    global _id_prefix, _id_numbers
    _id_prefix, _id_numbers = secrets.token_hex(10), itertools.count(1)


_new_process()
os.register_at_fork(after_in_child=_new_process)  # a forked worker gets its own


class RequestIdFilter(logging.Filter):
    """Every line written while a request runs carries its id."""

    def filter(self, record):
        if not getattr(record, "request_id", ""):
            record.request_id = current_request_id.get()
        return True


_last_second = (-1, "")  # the last second formatted, and how


def iso_time(created: float) -> str:
    """`created` in UTC to the millisecond, as `datetime.isoformat(timespec="milliseconds")`
    writes it; each second is formatted once."""
    global _last_second
    second, text = _last_second
    if int(created) != second:
        second = int(created)
        text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        _last_second = (second, text)
    return f"{text}.{int(created * 1000) % 1000:03d}+00:00"


def _number(value) -> str:
    return repr(value) if type(value) in (int, float) else json.dumps(value, default=str)


class JsonFormatter(logging.Formatter):
    def format(self, record):
        line = {
            "time": iso_time(record.created),
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

    @staticmethod
    def format_request(created, method, path, status, ms, cache, request_id, user) -> str:
        """A request's line, the same as `format()` writes it for its record, made without one
        (`newsroom.logs.background`): the line written most often."""
        message = f"method={method} path={path} status={status} ms={ms:.1f} cache={cache}"
        line = (
            f'{{"time": "{iso_time(created)}", "level": "INFO", '
            f'"logger": "newsroom.requests", "message": {encode_basestring(message)}'
        )
        if request_id:
            line += f', "request_id": {encode_basestring(request_id)}'
        if method:
            line += f', "method": {encode_basestring(method)}'
        if path:
            line += f', "path": {encode_basestring(path)}'
        if status is not None:
            line += f', "status": {_number(status)}'
        if ms is not None:
            line += f', "ms": {_number(ms)}'
        if cache:
            line += f', "cache": {encode_basestring(cache)}'
        if user is not None and user != "":
            line += f', "user": {_number(user)}'
        return line + "}"


class TextFormatter(logging.Formatter):
    """`time LEVEL logger: message [request id]`."""

    def __init__(self):
        super().__init__("{asctime} {levelname} {name}: {message}", style="{")

    def format(self, record):
        line = super().format(record)
        rid = getattr(record, "request_id", "")
        return f"{line} [{rid}]" if rid else line
