"""The floor for the benchmark: an app that returns fixed bytes, under the same server, as
WSGI (`application`) and as ASGI (`asgi_application`, the interface `make serve` runs)."""

import os

BODY = open(os.environ.get("BARE_BODY", "/dev/null"), "rb").read() or b"ok"  # noqa: SIM115
_HEADERS = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", b"%d" % len(BODY))]


def application(environ, start_response):
    start_response(
        "200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]
    )
    return [BODY]


async def asgi_application(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": BODY})
