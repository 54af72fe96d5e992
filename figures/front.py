"""The beacon answered before Django, by the servers' entry points (newsroom/asgi.py and
newsroom/wsgi.py): a view is added to this process's tally (`figures/buffer.py`, sent to the
store every second) in a few tens of microseconds, so that readers' beacons cost the server
about what the cached pages the front answers do.

The same rules as through Django (`beacon.count`): only the middleware is skipped, which a
beacon needs none of (no session, no cookie, no page cache, no template). No request line is
logged for it either: a beacon leaves no trace of who sent it. The client's address, read as
Django would (the connection's, X-Forwarded-For from a trusted proxy), is only held in memory
to count a client's view of a story once (`figures/repeats.py`).

A reader's beacon has no body (the view is in its query string), so it is answered without
waiting for one: the cost of a request with a body, a second exchange with the server and a
timer, is left to the pages cached before the body-less beacon.
"""

import asyncio
import functools
from http import HTTPStatus

from django.conf import settings

from figures import beacon, buffer
from newsroom.security.client import forwarded_client

PATH = "/figures/view"
# The request headers a beacon's answer depends on (`_request`), and the proxy's (`_scheme`):
# no other is read.
_READ = (
    b"host", b"origin", b"sec-fetch-site", b"sec-purpose", b"purpose", b"sec-gpc", b"dnt",
    b"user-agent",
)  # fmt: skip


_FORWARDED_FOR = b"x-forwarded-for"


@functools.cache
def _wanted(proxy: tuple[str, str] | None) -> frozenset[bytes]:
    names = {*_READ, b"content-type", b"content-length", b"transfer-encoding"}
    if proxy:
        names.add(proxy[0].removeprefix("HTTP_").replace("_", "-").lower().encode("latin-1"))
    return frozenset(names)


_HEADERS = [
    (b"content-type", b"text/plain; charset=utf-8"),
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
]


def _request(method, scheme, get, body: bytes, query: str, client: str) -> beacon.Request:
    return beacon.Request(
        method=method,
        scheme=scheme,
        host=get("host") or "",
        origin=get("origin"),
        fetch_site=get("sec-fetch-site"),
        purpose=(get("sec-purpose") or "") + (get("purpose") or ""),
        opted_out=beacon.opted_out(get("sec-gpc"), get("dnt")),
        user_agent=get("user-agent") or "",
        content_type=get("content-type") or "",
        body=body,
        query=query,
        client=client,
    )


def _scheme(scheme: str, get, proxy: tuple[str, str] | None) -> str:
    """The scheme the reader used: the proxy's header when it is trusted, as Django reads it."""
    if proxy:
        name = proxy[0].removeprefix("HTTP_").replace("_", "-").lower()
        if (sent := get(name)) is not None:
            return "https" if sent == proxy[1] else scheme
    return scheme


async def asgi(scope, receive, send) -> None:
    """Answer a beacon sent to an ASGI server, on the event loop: the count goes to this
    process's tally (`figures/buffer.py`), which a timer thread sends to the store."""
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    wanted = _wanted(proxy)
    headers, forwarded = {}, []
    for name, value in scope["headers"]:
        if name in wanted:
            headers[name.decode("latin-1")] = value.decode("latin-1")
        elif name == _FORWARDED_FOR:  # several are read as one, as Django's environ has them
            forwarded.append(value.decode("latin-1"))
    body, status = b"", 0
    query = scope["query_string"].decode("latin-1")
    if scope["method"] == "POST" and (_has_body(headers) or not query):
        body, status = await _read(receive)
    if status < 0:  # the client left
        return
    if status:
        message = beacon.TOO_LARGE if status == 413 else "The view did not arrive in time."
    else:
        scheme = _scheme(scope.get("scheme", "http"), headers.get, proxy)
        client = forwarded_client((scope.get("client") or ("",))[0], ",".join(forwarded))
        request = _request(scope["method"], scheme, headers.get, body, query, client)
        status, message = beacon.count(request, add=buffer.tally.add)
    text = message.encode()
    await send({"type": "http.response.start", "status": status, "headers": _headers(text)})
    await send({"type": "http.response.body", "body": text})


def _headers(text: bytes) -> list[tuple[bytes, bytes]]:
    """The answer's headers: a 204 has no Content-Length (RFC 9110, 8.6)."""
    return _HEADERS if not text else [*_HEADERS, (b"content-length", b"%d" % len(text))]


def _has_body(headers: dict) -> bool:
    """Whether the request says it has a body (HTTP/2 need not say so: a beacon with no query
    string is read whatever it says)."""
    return headers.get("content-length", "0") != "0" or "transfer-encoding" in headers


async def _read(receive) -> tuple[bytes, int]:
    """(the body, 0), or (b"", 413 when it is too large, 408 when too slow, 0 when gone)."""
    chunks, size = [], 0
    try:
        async with asyncio.timeout(settings.REQUEST_BODY_SECONDS):
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return b"", -1
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > beacon.MAX_BODY_BYTES:
                    return b"", 413
                chunks.append(chunk)
                if not message.get("more_body", False):
                    return b"".join(chunks), 0
    except TimeoutError:
        return b"", 408


def wsgi(environ, start_response):
    """Answer a beacon sent to a WSGI server."""

    def get(name: str):
        key = "CONTENT_TYPE" if name == "content-type" else "HTTP_" + name.upper().replace("-", "_")
        return environ.get(key)

    length = environ.get("CONTENT_LENGTH") or "0"
    length = int(length) if length.isdigit() else 0
    if length > beacon.MAX_BODY_BYTES:
        status, message = 413, beacon.TOO_LARGE
    else:
        chunked = "HTTP_TRANSFER_ENCODING" in environ
        body = (
            environ["wsgi.input"].read(length or beacon.MAX_BODY_BYTES + 1)
            if length or chunked
            else b""
        )
        proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
        scheme = _scheme(environ.get("wsgi.url_scheme", "http"), get, proxy)
        client = forwarded_client(
            environ.get("REMOTE_ADDR", ""), environ.get("HTTP_X_FORWARDED_FOR", "")
        )
        query = environ.get("QUERY_STRING", "")
        request = _request(environ["REQUEST_METHOD"], scheme, get, body, query, client)
        status, message = beacon.count(request, add=buffer.tally.add)
    text = message.encode()
    start_response(
        f"{status} {HTTPStatus(status).phrase}",
        [(name.decode(), value.decode()) for name, value in _headers(text)],
    )
    return [text]
