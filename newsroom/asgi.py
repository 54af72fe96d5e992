"""ASGI entry point for production servers (granian --interface asgi newsroom.asgi:application).

The site is the WSGI application of newsroom/wsgi.py, the page-cache front around Django; this
adapter serves it so that a client sending slowly holds a connection, never a worker:

- a request's body is read here, on the event loop, whole: within REQUEST_BODY_SECONDS of the
  request's headers (else 408 and the connection is closed) and no larger than the address
  accepts (else 413): a reader's form DATA_UPLOAD_MAX_MEMORY_SIZE, the desk a picture and its
  form besides. A body over a megabyte waits in a temporary file rather than in memory;
- then the application runs in the worker's one thread, with the complete body;
- a page the front holds is answered on the event loop, without going through the thread:
  the front is asked there first, and whatever it would hand to Django goes to the thread;
- a reader's sampled view (figures/front.py) is counted on the event loop too.
"""

import asyncio
import contextvars
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

from django.conf import settings
from django.core.wsgi import get_wsgi_application

django_application = get_wsgi_application()

from figures import front as figures_front  # noqa: E402 - needs the settings loaded above
from newsroom.pagecache.front import PageCacheFront  # noqa: E402
from newsroom.pagecache.middleware import is_public  # noqa: E402

SPOOL_BYTES = 1024 * 1024
# A response larger than this is sent a piece at a time as the application makes it.
WHOLE_RESPONSE_BYTES = 1024 * 1024
# One thread, as under granian's WSGI interface: more threads in a process only contend for
# the GIL, and a worker per core runs beside this one.
_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsroom-app")


front = PageCacheFront(django_application)
_PROXY_HEADER = front.proxy_header_name.encode("latin-1")
# The front's work on the event loop runs in one context kept from request to request, as a
# thread's would be: Django's handles (the cache's, above all) are made once, not per request.
_loop_context = contextvars.copy_context()


def body_limit(path: str) -> int:
    """The largest body an address takes (as RequestLimitsMiddleware says it to the client)."""
    if path.startswith(f"/{settings.ADMIN_URL}"):
        return settings.IMAGE_MAX_UPLOAD_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


async def application(scope, receive, send):
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    if scope["type"] != "http":
        return
    if scope["path"] == figures_front.PATH:  # readers' sampled views, counted before Django
        await figures_front.asgi(scope, receive, send)
        return
    if scope["method"] == "GET" and (answer := _loop_context.run(_from_memory, scope)):
        status, headers, body = answer
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return
    environ = _environ(scope)
    length = environ.get("CONTENT_LENGTH", "")
    if (length.isdigit() and int(length) > 0) or "HTTP_TRANSFER_ENCODING" in environ:
        await _with_body(scope, environ, receive, send)
        return
    await _send(send, await _in_thread(environ))


def _from_memory(scope) -> tuple[str, list, bytes] | None:
    """A GET the front answers from its memory, read straight from the ASGI scope (the
    request's key as the front reads it from the WSGI environ `_environ()` makes)."""
    path = scope["path"].encode().decode("latin-1")
    if not is_public(path):
        return None
    headers = dict(scope["headers"])
    if headers.get(b"content-length", b"0") != b"0" or b"transfer-encoding" in headers:
        return None
    start = time.perf_counter()
    front.sync()
    host = headers.get(b"host")
    proxy = headers.get(_PROXY_HEADER) if _PROXY_HEADER else None
    client = scope.get("client") or ("", 0)
    key = (
        scope.get("scheme", "http"),
        proxy.decode("latin-1") if proxy is not None else None,
        host.decode("latin-1") if host is not None else None,
        path,
        scope["query_string"].decode("latin-1"),
    )
    sent_id = headers.get(b"x-request-id")
    return front.answer(
        key,
        start,
        headers.get(b"if-none-match", b"").decode("latin-1"),
        sent_id.decode("latin-1") if sent_id is not None else None,
        client[0],
        accept_encoding=headers.get(b"accept-encoding", b"").decode("latin-1"),
        asgi=True,
    )


async def _with_body(scope, environ, receive, send) -> None:
    limit = body_limit(scope["path"])
    length = environ.get("CONTENT_LENGTH", "")
    if length.isdigit() and int(length) > limit:
        # Left unread: the application answers with its page naming the limit.
        await _send(send, await _in_thread(environ))
        return
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as body:
        refusal = await _read_body(receive, body, limit=limit)
        if refusal == CLIENT_GONE:
            return
        if refusal:
            await _refuse(send, refusal)
            return
        environ["CONTENT_LENGTH"] = str(body.tell())
        environ["wsgi.input"] = body
        body.seek(0)
        await _send(send, await _in_thread(environ))


async def _in_thread(environ):
    return await asyncio.get_running_loop().run_in_executor(_thread, _answer, front, environ)


CLIENT_GONE = 499


async def _read_body(receive, body, *, limit: int) -> int | None:
    """Read the request's body into `body`: None once it is whole; else 408 (too slow), 413
    (too large) or CLIENT_GONE."""
    size = 0
    try:
        async with asyncio.timeout(settings.REQUEST_BODY_SECONDS):
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return CLIENT_GONE
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    return 413
                body.write(chunk)
                if not message.get("more_body", False):
                    return None
    except TimeoutError:
        return 408


async def _refuse(send, status: int) -> None:
    """A short plain answer, and the connection closed: what is left of the body is not read."""
    text = {
        408: b"The request's body did not arrive in time.\n",
        413: b"The request is larger than this address accepts.\n",
    }[status]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(text)).encode()),
                (b"connection", b"close"),
                (b"cache-control", b"private, no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": text})


def _environ(scope) -> dict:
    """The WSGI environ of an ASGI request, as PEP 3333 and granian's WSGI interface give it."""
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("", 0)
    environ = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", "").encode().decode("latin-1"),
        "PATH_INFO": scope["path"].encode().decode("latin-1"),
        "QUERY_STRING": scope["query_string"].decode("latin-1"),
        "SERVER_NAME": server[0],
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": f"HTTP/{scope['http_version']}",
        "REMOTE_ADDR": client[0],
        "REMOTE_PORT": str(client[1]),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": _EMPTY,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for raw_name, raw_value in scope["headers"]:
        key = _KEYS.get(raw_name) or _key(raw_name)
        if key is None:
            continue
        value = raw_value.decode("latin-1")
        if key in environ:
            value = environ[key] + ("; " if key == "HTTP_COOKIE" else ",") + value
        environ[key] = value
    return environ


_KEYS = {b"content-length": "CONTENT_LENGTH", b"content-type": "CONTENT_TYPE"}


def _key(raw_name: bytes) -> str | None:
    """The environ key of a header (remembered for the common ones), None for a name with an
    underscore: X_Forwarded_For would pass for X-Forwarded-For."""
    name = raw_name.decode("latin-1").lower()
    if name in ("content-length", "content-type"):
        key = name.upper().replace("-", "_")
    else:
        key = None if "_" in name else "HTTP_" + name.upper().replace("-", "_")
    if len(_KEYS) < 256:
        _KEYS[raw_name] = key
    return key


class _Empty:
    def read(self, size=-1):
        return b""

    def readline(self, size=-1):
        return b""


_EMPTY = _Empty()


def _answer(app, environ):
    """Run a WSGI application: (status, headers, the first pieces of the body, what is left
    to send, or None when the body is whole)."""
    started = []

    def start_response(status, headers, exc_info=None):
        if exc_info and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started[:] = [status, headers]
        return pieces.append

    pieces = []
    result = app(environ, start_response)
    try:
        size = 0
        rest = iter(result)
        for piece in rest:
            if piece:
                pieces.append(piece)
                size += len(piece)
            if size >= WHOLE_RESPONSE_BYTES:
                return started[0], started[1], pieces, (rest, result)
    except BaseException:
        _close(result)
        raise
    _close(result)
    return started[0], started[1], pieces, None


def _close(result) -> None:
    close = getattr(result, "close", None)
    if close is not None:
        close()


def _next(rest):
    return next(rest, None)


_HEADERS: dict[tuple, tuple] = {}


def _header(header: tuple[str, str]) -> tuple[bytes, bytes]:
    """A response header in bytes; the stored pages' headers are encoded once."""
    encoded = (header[0].encode("latin-1"), header[1].encode("latin-1"))
    if len(_HEADERS) > 4096:
        _HEADERS.clear()
    _HEADERS[header] = encoded
    return encoded


async def _send(send, answer) -> None:
    status, headers, pieces, more = answer
    await send(
        {
            "type": "http.response.start",
            "status": int(status[:3]),
            "headers": [_HEADERS.get(h) or _header(h) for h in headers],
        }
    )
    if more is None:
        await send({"type": "http.response.body", "body": b"".join(pieces)})
        return
    rest, result = more
    loop = asyncio.get_running_loop()
    try:
        await send({"type": "http.response.body", "body": b"".join(pieces), "more_body": True})
        while (piece := await loop.run_in_executor(_thread, _next, rest)) is not None:
            if piece:
                await send({"type": "http.response.body", "body": piece, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    finally:
        await loop.run_in_executor(_thread, _close, result)


async def _lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
