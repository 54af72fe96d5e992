"""The WSGI application in front of Django: anonymous readers' cached pages without Django.

It keeps, per process, the bytes and headers of pages it has seen Django's page cache serve
(`newsroom/cache.py`), keyed by the request's own scheme, host, path and query, and answers a
hit by itself: reading the purge sequence (a memory read with PURGE_SEQUENCE_FILE), a lookup,
and the answer. When the sequence moves it reads the purge log and drops the pages carrying
a purged tag; when the log cannot say, it drops them all. A public page's GET loses its cookies
here (no cookie can make a reader's page differ, or miss). Whatever it does not hold (a first
request, a made-up query string, a POST, the desk) goes to Django.
"""

import threading
import time

from django.conf import settings

from newsroom import logs, purges
from newsroom.cache import cache_control, enabled, is_public
from newsroom.middleware import log_request

_DROPPED = frozenset(
    ("set-cookie", "content-length", "date", "server", "cache-control", "x-request-id")
)
_NOT_MODIFIED = ("ETag", "Vary")


class PageCacheFront:
    MAX_PAGES = 512

    def __init__(self, app):
        self.app = app
        # key -> (expires, body, headers, etag, tags, ends)
        self.pages: dict[tuple, tuple] = {}
        self.seen = -1  # the purge sequence number the pages held are fresh at
        self.lock = threading.Lock()  # for servers that run several threads per process
        proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
        self.proxy_header = proxy[0] if proxy else ""

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "GET":
            return self.app(environ, start_response)
        if not is_public(environ.get("PATH_INFO", "")):
            return self.app(environ, start_response)
        environ.pop("HTTP_COOKIE", None)
        start = time.perf_counter()
        seen = self._sync()
        key = (
            environ.get("wsgi.url_scheme"),
            environ.get(self.proxy_header),
            environ.get("HTTP_HOST"),
            environ.get("PATH_INFO"),
            environ.get("QUERY_STRING"),
        )
        page = self.pages.get(key)
        now = time.time()
        if page is None or page[0] <= now:
            return self._through_django(key, seen, environ, start_response)
        _, body, headers, etag, _, ends = page
        rid = logs.request_id(environ.get("HTTP_X_REQUEST_ID"), environ.get("REMOTE_ADDR", ""))
        if etag in environ.get("HTTP_IF_NONE_MATCH", ""):
            kept = [h for h in headers if h[0] in _NOT_MODIFIED]
            start_response("304 Not Modified", [*kept, ("X-Request-ID", rid)])
            log_request("GET", environ.get("PATH_INFO"), 304, start, "hit", request_id=rid)
            return []
        start_response(
            "200 OK",
            [
                *headers,
                ("Cache-Control", cache_control(ends, now)),
                ("Content-Length", str(len(body))),
                ("X-Request-ID", rid),
            ],
        )
        log_request("GET", environ.get("PATH_INFO"), 200, start, "hit", request_id=rid)
        return [body]

    def _sync(self) -> int | None:
        """Drop the pages that purges since the last request touched; the sequence number the
        pages now held are fresh at, or None when nothing may be kept (the page cache is off,
        or the cache is away and a purge could not be recorded)."""
        if not enabled():
            self.pages = {}
            return None
        current = purges.sequence()
        if purges.owing():
            self.pages = {}
            return None
        if current == self.seen:
            return current
        with self.lock:
            purged = purges.purged_since(self.seen, current) if self.seen >= 0 else None
            if purged is None:
                self.pages = {}
            else:
                self.pages = {k: p for k, p in self.pages.items() if purged.isdisjoint(p[4])}
            self.seen = current
        return current

    def _through_django(self, key, seen, environ, start_response):
        sent = {}

        def capture(status, headers, exc_info=None):
            sent["status"], sent["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        served = environ.get("newsroom.page_cache")
        # Kept only if no purge came between this request's start and Django's check.
        if served and seen is not None and served[1] == seen == self.seen:
            stored = served[0]
            if sent.get("status", "").startswith("200") and not any(
                name.lower() == "set-cookie" for name, _ in sent["headers"]
            ):
                headers = tuple((n, v) for n, v in sent["headers"] if n.lower() not in _DROPPED)
                page = (
                    stored["expires"],
                    stored["body"],
                    headers,
                    stored["etag"],
                    stored["tags"],
                    stored["ends"],
                )
                with self.lock:
                    if len(self.pages) >= self.MAX_PAGES:
                        self.pages.pop(next(iter(self.pages)))  # the oldest
                    self.pages[key] = page
        return result
