"""The WSGI application in front of Django: anonymous readers' cached pages without Django.

It keeps, per process, the bytes and headers of pages it has seen Django's page cache serve
(`middleware.py`), keyed by the request's own scheme, host, path and query, and answers a
hit by itself: reading the purge sequence (a memory read with PURGE_SEQUENCE_FILE), a lookup,
and the answer. When the sequence moves it reads the purge log and drops the pages carrying
a purged tag; when the log cannot say, it drops them all. A public page's GET loses its cookies
here (no cookie can make a reader's page differ, or miss). Whatever it does not hold (a first
request, a made-up query string, a POST, the desk) goes to Django.
"""

import threading
import time
from dataclasses import dataclass

from django.conf import settings

from newsroom import logs
from newsroom.http.middleware import log_request
from newsroom.pagecache import compression, sequence
from newsroom.pagecache.middleware import Served, cache_control, enabled, is_public

_DROPPED = frozenset(
    (
        "set-cookie",
        "content-length",
        "date",
        "server",
        "cache-control",
        "x-request-id",
        "etag",  # each copy has its own, added below
        "content-encoding",
    )
)
_NOT_MODIFIED = ("ETag", "Vary")
_NOT_MODIFIED_ENCODED = (b"ETag", b"Vary")


@dataclass(frozen=True, slots=True)
class Copy:
    """One of a held page's copies, plain or compressed, as the front answers it."""

    body: bytes
    headers: tuple[tuple[str, str], ...]
    encoded: tuple[tuple[bytes, bytes], ...]  # the headers as an ASGI server takes them
    etag: str

    @classmethod
    def of(cls, body: bytes, headers: tuple, etag: str, *extra: tuple[str, str]) -> "Copy":
        headers = (*headers, ("ETag", etag), *extra)
        encoded = tuple((n.encode("latin-1"), v.encode("latin-1")) for n, v in headers)
        return cls(body=body, headers=headers, encoded=encoded, etag=etag)


@dataclass(frozen=True, slots=True)
class HeldPage:
    """A page the front holds in this process's memory, as it answers it."""

    expires: float
    plain: Copy
    gzipped: Copy | None  # for browsers that ask for it (`compression.py`)
    tags: list[str]
    ends: float | None


class PageCacheFront:
    MAX_PAGES = 512

    def __init__(self, app):
        self.app = app
        # (scheme, proxy's scheme, host, path, query) -> the page
        self.pages: dict[tuple, HeldPage] = {}
        self.seen = -1  # the purge sequence number the pages held are fresh at
        self.lock = threading.Lock()  # for servers that run several threads per process
        proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
        self.proxy_header = proxy[0] if proxy else ""  # its WSGI name: HTTP_X_FORWARDED_PROTO
        # and as ASGI servers send it: x-forwarded-proto
        self.proxy_header_name = self.proxy_header.removeprefix("HTTP_").replace("_", "-").lower()

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "GET":
            return self.app(environ, start_response)
        if not is_public(environ.get("PATH_INFO", "")):
            return self.app(environ, start_response)
        environ.pop("HTTP_COOKIE", None)
        start = time.perf_counter()
        seen = self.sync()
        key = (
            environ.get("wsgi.url_scheme"),
            environ.get(self.proxy_header),
            environ.get("HTTP_HOST"),
            environ.get("PATH_INFO"),
            environ.get("QUERY_STRING"),
        )
        answer = self.answer(
            key,
            start,
            environ.get("HTTP_IF_NONE_MATCH", ""),
            environ.get("HTTP_X_REQUEST_ID"),
            environ.get("REMOTE_ADDR", ""),
            accept_encoding=environ.get("HTTP_ACCEPT_ENCODING", ""),
        )
        if answer is None:
            return self._through_django(key, seen, environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body] if body else []

    def answer(
        self,
        key: tuple,
        start: float,
        if_none_match: str,
        sent_id,
        peer: str,
        *,
        accept_encoding: str = "",
        asgi=False,
    ):
        """The answer to a public page's GET from memory, as (status, headers, body), or None
        when Django must answer. `key`: the request's (scheme, proxy's scheme, host, path,
        query), as `__call__` reads them; `sync()` is called first. With `asgi`, the status is
        a number and the headers bytes, as an ASGI server takes them."""
        held = self.pages.get(key)
        now = time.time()
        if held is None or held.expires <= now:
            return None
        page = held.plain
        if held.gzipped is not None and compression.accepts_gzip(accept_encoding):
            page = held.gzipped
        rid = logs.request_id(sent_id, peer)
        control = cache_control(held.ends, now)
        # Not modified: the tag named, or any (`*`); with the headers a 200 would have had
        # that caches read (RFC 9110, 15.4.5).
        if page.etag in if_none_match or if_none_match.strip() == "*":
            log_request("GET", key[3], 304, start, "hit", request_id=rid)
            if asgi:
                kept = [h for h in page.encoded if h[0] in _NOT_MODIFIED_ENCODED]
                return (
                    304,
                    [*kept, (b"cache-control", control.encode()), (b"x-request-id", rid.encode())],
                    b"",
                )
            kept = [h for h in page.headers if h[0] in _NOT_MODIFIED]
            return (
                "304 Not Modified",
                [*kept, ("Cache-Control", control), ("X-Request-ID", rid)],
                b"",
            )
        length = str(len(page.body))
        log_request("GET", key[3], 200, start, "hit", request_id=rid)
        if asgi:
            headers = [
                *page.encoded,
                (b"cache-control", control.encode()),
                (b"content-length", length.encode()),
                (b"x-request-id", rid.encode()),
            ]
            return 200, headers, page.body
        headers = [
            *page.headers,
            ("Cache-Control", control),
            ("Content-Length", length),
            ("X-Request-ID", rid),
        ]
        return "200 OK", headers, page.body

    def sync(self) -> int | None:
        """Drop the pages that purges since the last request touched; the sequence number the
        pages now held are fresh at, or None when nothing may be kept (the page cache is off,
        or the cache is away and a purge could not be recorded)."""
        if not enabled():
            self.pages = {}
            return None
        current = sequence.current()
        if sequence.owing():
            self.pages = {}
            return None
        if current == self.seen:
            return current
        with self.lock:
            purged = sequence.purged_since(self.seen, current) if self.seen >= 0 else None
            if purged is None:
                self.pages = {}
            else:
                self.pages = {k: p for k, p in self.pages.items() if purged.isdisjoint(p.tags)}
            self.seen = current
        return current

    def _through_django(self, key, seen, environ, start_response):
        sent = {}

        def capture(status, headers, exc_info=None):
            sent["status"], sent["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        served: Served | None = environ.get("newsroom.page_cache")
        # Kept only if no purge came between this request's start and Django's check.
        if served and seen is not None and served.checked_at == seen == self.seen:
            stored = served.page
            if sent.get("status", "").startswith("200") and not any(
                name.lower() == "set-cookie" for name, _ in sent["headers"]
            ):
                headers = tuple((n, v) for n, v in sent["headers"] if n.lower() not in _DROPPED)
                gzipped = compression.etag(stored.etag)
                page = HeldPage(
                    expires=stored.expires,
                    plain=Copy.of(stored.body, headers, stored.etag),
                    gzipped=Copy.of(stored.gzipped, headers, gzipped, ("Content-Encoding", "gzip"))
                    if stored.gzipped
                    else None,
                    tags=stored.tags,
                    ends=stored.ends,
                )
                with self.lock:
                    if len(self.pages) >= self.MAX_PAGES:
                        self.pages.pop(next(iter(self.pages)))  # the oldest
                    self.pages[key] = page
        return result
