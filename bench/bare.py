"""The floor for the benchmark: a WSGI app that returns fixed bytes, under the same server."""

import os

BODY = open(os.environ.get("BARE_BODY", "/dev/null"), "rb").read() or b"ok"  # noqa: SIM115


def application(environ, start_response):
    start_response(
        "200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]
    )
    return [BODY]
