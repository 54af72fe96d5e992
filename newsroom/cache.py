"""The page cache for anonymous readers.

Every cached page's key carries the content version, and every change a reader could see
bumps the version once the change is committed, so a stale page is never served: the next
request simply misses. Cache lifetimes are capped at the next scheduled publication, so a
scheduled article appears on time with no job to run.

The version lives in the default cache (Redis in production), shared by every app server.

Forms on cached pages never carry a frozen CSRF token: the stored bytes hold a placeholder,
and each response gets the token of the reader it is sent to.

Two pieces: `ReaderPageCacheMiddleware`, Django's last middleware, renders and stores pages (and
serves them to the test client); `PageCacheFront`, the WSGI application servers run
(`newsroom.wsgi`), answers hits before Django's request handling starts.
"""

import functools
import hashlib
import logging
import os
import re
import tempfile
import threading
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.utils import timezone
from django.utils.http import http_date

from newsroom.middleware import log_request

logger = logging.getLogger(__name__)

VERSION_KEY = "content-version"
NEXT_PUBLICATION_KEY = "next-publication:{version}"
PLACEHOLDER = "__csrf_token_for_this_reader__"
_TOKEN_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')
_HEADERS_KEPT = ("Content-Type", "Content-Language", "X-Robots-Tag")
_NOT_MODIFIED = ("ETag", "Cache-Control", "Vary")


def content_version() -> str | None:
    """The current content version, behind the release (`release()`) that renders pages;
    None when the cache keeps nothing (a dummy cache), and then nothing is cached, by the
    middleware or the front."""
    version = _stored_version()
    return f"{release()}.{version}" if version else None


@functools.cache
def release() -> str:
    """A fingerprint of what renders pages (the code, the templates, the static manifest),
    taken once per process. It is part of every page's key, so after a deploy no page
    rendered by the old templates, or naming old static files, is served."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    sources = [*root.glob("*/*.py"), *root.glob("jinja2/**/*.html"), *root.glob("templates/**/*")]
    sources.append(Path(settings.STATIC_ROOT) / "staticfiles.json")
    for path in sorted(p for p in sources if p.is_file()):
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _stored_version() -> str | None:
    """The version that changes with the content, read on every request.

    With `CONTENT_VERSION_FILE` (one machine, several workers, as `make serve` runs) it is a
    small file, replaced whole on every change: reading it costs a few microseconds, against
    tens for a cache lookup. Otherwise it lives in the cache (Redis in production, shared by
    every app server)."""
    if settings.CONTENT_VERSION_FILE:
        try:
            with open(settings.CONTENT_VERSION_FILE, encoding="ascii") as file:
                version = file.read()
        except FileNotFoundError:
            version = ""
        if version:
            return version
        _write_version_file()
        return _stored_version()
    if _bump_owed:
        _bump_in_cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)  # the first server to ask wins
        version = cache.get(VERSION_KEY)
    return version


# A change made while the cache could not be reached is owed a new version: pages cached
# before it may still be there when the cache comes back. This process pays on its next request.
_bump_owed = False


def _bump_in_cache() -> None:
    global _bump_owed
    if isinstance(caches["default"], DummyCache):
        return  # it keeps nothing, so nothing can be stale
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, timeout=None)
    _bump_owed = cache.get(VERSION_KEY) != version
    if _bump_owed:
        logger.error("could not change the content version; will try again on the next request")


def _write_version_file() -> None:
    """A new version, written beside the file and moved over it: readers see the old
    version or the new one, never part of either."""
    path = settings.CONTENT_VERSION_FILE
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".content-version-")
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(uuid.uuid4().hex)
    os.replace(temporary, path)


def bump_content_version() -> None:
    """Make every cached page stale: now, and again once the current transaction commits
    (a page cached between the two, from data not yet committed, is dropped by the second)."""

    def bump():
        if settings.CONTENT_VERSION_FILE:
            _write_version_file()
        else:
            _bump_in_cache()

    bump()
    transaction.on_commit(bump)


def _seconds_to_next_publication(version: str) -> int | None:
    key = NEXT_PUBLICATION_KEY.format(version=version)
    cached = cache.get(key)
    if cached is None:
        from articles.models import Article

        now = timezone.now()
        upcoming = (
            Article.objects.filter(status=Article.Status.PUBLISHED, publish_at__gt=now)
            .order_by("publish_at")
            .values_list("publish_at", flat=True)
            .first()
        )
        cached = upcoming.timestamp() if upcoming else 0
        ttl = int(upcoming.timestamp() - now.timestamp()) + 1 if upcoming else None
        cache.set(key, cached, timeout=ttl or settings.PAGE_CACHE_SECONDS)
    if not cached:
        return None
    return max(int(cached - timezone.now().timestamp()) + 1, 0)


def page_key(version: str, scheme: str, host: str, full_path: str) -> str:
    path = hashlib.sha256(full_path.encode()).hexdigest()[:32]
    return f"page:{version}:{scheme}:{host}:{path}"


def _skipped(path: str) -> bool:
    """Not cached: the page cache switched off (no lifetime, or a cache that keeps nothing),
    or a path that is never cached."""
    return (
        settings.PAGE_CACHE_SECONDS <= 0
        or isinstance(caches["default"], DummyCache)
        or path.startswith(settings.PAGE_CACHE_SKIP)
    )


def _bypasses(cookies) -> bool:
    """Staff and readers with a session or a message to see (a reply just posted)."""
    return settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies


def is_cacheable(request) -> bool:
    """Anonymous readers' GETs only: staff, readers with a session or a message to see
    and every form post go straight to the views."""
    return (
        request.method in ("GET", "HEAD")
        and not _bypasses(request.COOKIES)
        and not _skipped(request.path)
    )


def cache_control(stored) -> str:
    if stored["private"]:
        # The page holds this reader's form token: no shared cache may keep it.
        return "private, max-age=0, must-revalidate"
    return (
        f"public, max-age={settings.BROWSER_CACHE_SECONDS}, "
        f"s-maxage={settings.SHARED_CACHE_SECONDS}"
    )


class ReaderPageCacheMiddleware:
    """Store anonymous readers' pages, and serve them when `PageCacheFront` is not in front
    (the test client, and any server given Django's own WSGI handler); see the module's
    docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable(request):
            return self.get_response(request)
        version = content_version()
        if version is None:
            return self.get_response(request)
        key = page_key(version, request.scheme, request.get_host(), request.get_full_path())
        stored = cache.get(key)
        request.page_cache = "hit" if stored is not None else "miss"
        if stored is None:
            response = self.get_response(request)
            if (
                response.status_code != 200
                or response.streaming
                or response.cookies.keys() - {settings.CSRF_COOKIE_NAME}
            ):
                return response
            stored = self._store(key, version, response)
            if stored is None:
                return response
        # Tells the front what it may keep: this key's bytes, with the headers sent now.
        request.META["newsroom.page_cache"] = (key, stored)
        return self._serve(request, stored)

    def _store(self, key, version, response):
        body = response.content.decode(response.charset)
        body, forms = _TOKEN_INPUT.subn(rf"\g<1>{PLACEHOLDER}\g<2>", body)
        ttl = settings.PAGE_CACHE_SECONDS
        if (wait := _seconds_to_next_publication(version)) is not None:
            ttl = min(ttl, wait)
        if ttl <= 0:
            return None
        stored = {
            "body": body,
            "headers": {h: response[h] for h in _HEADERS_KEPT if h in response},
            "etag": '"' + hashlib.sha256(body.encode()).hexdigest()[:20] + '"',
            "private": bool(forms),
            "expires": time.time() + ttl,
        }
        cache.set(key, stored, timeout=ttl)
        return stored

    def _serve(self, request, stored):
        body = stored["body"]
        if PLACEHOLDER in body:
            body = body.replace(PLACEHOLDER, get_token(request))
        response = HttpResponse(body, headers=stored["headers"])
        response["ETag"] = stored["etag"]
        response["Cache-Control"] = cache_control(stored)
        return response


class PageCacheFront:
    """The WSGI application in front of Django: serves a cached page without starting Django's
    request handling, so a hit costs reading the content version and, on pages with a reader
    form, a fresh token.

    It keeps, per process, the bytes and response headers of pages it has seen Django serve.
    That memory is keyed like the shared cache, content version included, and the version is
    read on every request (`content_version()`): a change anywhere is seen at once, and the
    pages of an older version are dropped. Whatever it does not hold (a first request, a POST,
    staff, a reader with a message) goes to Django, whose last middleware stores the page in
    the shared cache for every process.
    """

    MAX_PAGES = 512

    def __init__(self, app):
        self.app = app
        self.pages: dict[str, tuple] = {}
        self.version = None
        self.lock = threading.Lock()  # for servers that run several threads per process

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "GET" or _skipped(environ.get("PATH_INFO", "")):
            return self.app(environ, start_response)
        start = time.perf_counter()
        request = WSGIRequest(environ)  # Django's own reading of the scheme, host and cookies
        if _bypasses(request.COOKIES):
            return self.app(environ, start_response)
        try:
            host = request.get_host()
        except DisallowedHost:
            return self.app(environ, start_response)
        version = content_version()
        if version is None:
            return self.app(environ, start_response)
        if version != self.version:
            with self.lock:
                self.pages, self.version = {}, version
        key = page_key(version, request.scheme, host, request.get_full_path())
        page = self.pages.get(key)
        if page is None or page[0] < time.time():
            return self._through_django(key, environ, start_response)
        _, parts, headers, etag = page
        if etag in environ.get("HTTP_IF_NONE_MATCH", ""):
            start_response("304 Not Modified", [h for h in headers if h[0] in _NOT_MODIFIED])
            log_request(request.method, request.path, 304, start, "hit")
            return []
        headers = list(headers)
        if len(parts) > 1:  # forms: this reader's token, and a cookie if they have none
            secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
            if not _valid_secret(secret):
                secret = _letters(_random_indices(CSRF_SECRET_LENGTH))
                headers.append(("Set-Cookie", _csrf_cookie(secret)))
            token = _masked(secret).encode()
            body = token.join(parts)
        else:
            body = parts[0]
        headers.append(("Content-Length", str(len(body))))
        start_response("200 OK", headers)
        log_request(request.method, request.path, 200, start, "hit")
        return [body]

    def _through_django(self, key, environ, start_response):
        sent = {}

        def capture(status, headers, exc_info=None):
            sent["status"], sent["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        served = environ.get("newsroom.page_cache")
        if served and served[0] == key and sent.get("status", "").startswith("200"):
            stored = served[1]
            headers = tuple(
                (name, value)
                for name, value in sent["headers"]
                if name.lower() not in ("set-cookie", "content-length", "date", "server")
            )
            parts = stored["body"].encode().split(PLACEHOLDER.encode())
            with self.lock:
                if len(self.pages) >= self.MAX_PAGES:
                    self.pages.pop(next(iter(self.pages)))  # the oldest
                self.pages[key] = (stored["expires"], parts, headers, stored["etag"])
        return result


_CHAR_INDEX = {char: n for n, char in enumerate(CSRF_ALLOWED_CHARS)}
_SHIFTED = [CSRF_ALLOWED_CHARS[n:] + CSRF_ALLOWED_CHARS[:n] for n in range(len(CSRF_ALLOWED_CHARS))]


def _valid_secret(secret: str) -> bool:
    return len(secret) == CSRF_SECRET_LENGTH and all(c in _CHAR_INDEX for c in secret)


def _random_indices(count: int) -> list[int]:
    """Uniform random positions in the token alphabet, from the system's random source."""
    size = len(CSRF_ALLOWED_CHARS)
    below = 256 - 256 % size  # bytes past the last whole multiple would favour some letters
    indices: list[int] = []
    while len(indices) < count:
        indices += [byte % size for byte in os.urandom(count * 2) if byte < below]
    return indices[:count]


def _letters(indices: list[int]) -> str:
    return "".join(map(CSRF_ALLOWED_CHARS.__getitem__, indices))


def _masked(secret: str) -> str:
    """The form token for a CSRF secret, masked with a fresh one-time pad as Django's
    `get_token()` does (so that compressed pages do not repeat the secret), in the form its
    CSRF middleware checks: the pad's letters, then each secret letter shifted by the pad's.
    Django's own `get_token()` takes four times as long; tests post with these tokens."""
    pad = _random_indices(len(secret))
    shifted = map(_SHIFTED.__getitem__, pad)  # the alphabet, turned by each pad letter
    return _letters(pad) + "".join(
        map(str.__getitem__, shifted, map(_CHAR_INDEX.__getitem__, secret))
    )


def _csrf_cookie(secret: str) -> str:
    """The Set-Cookie value Django's CSRF middleware sends for a new secret."""
    cookie = SimpleCookie()
    cookie[settings.CSRF_COOKIE_NAME] = secret
    attributes = cookie[settings.CSRF_COOKIE_NAME]
    attributes["expires"] = http_date(time.time() + settings.CSRF_COOKIE_AGE)
    attributes["max-age"] = settings.CSRF_COOKIE_AGE
    attributes["path"] = settings.CSRF_COOKIE_PATH
    if settings.CSRF_COOKIE_DOMAIN:
        attributes["domain"] = settings.CSRF_COOKIE_DOMAIN
    attributes["secure"] = settings.CSRF_COOKIE_SECURE
    attributes["httponly"] = settings.CSRF_COOKIE_HTTPONLY
    if settings.CSRF_COOKIE_SAMESITE:
        attributes["samesite"] = settings.CSRF_COOKIE_SAMESITE
    return attributes.OutputString()


def _changed(sender, **kwargs):
    bump_content_version()


def connect_signals() -> None:
    """Every model a reader can see bumps the content version when it changes."""
    from django.contrib.flatpages.models import FlatPage
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from articles.models import Article, ArticleNote, Author, BreakingNews, Byline, Image, Topic
    from comments.models import Reply

    for model in (
        Article,
        ArticleNote,
        Author,
        BreakingNews,
        Byline,
        Image,
        Topic,
        Reply,
        FlatPage,
    ):
        post_save.connect(_changed, sender=model, dispatch_uid=f"bump-{model.__name__}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"bump-{model.__name__}-delete")
    m2m_changed.connect(_changed, sender=Article.topics.through, dispatch_uid="bump-topics")
