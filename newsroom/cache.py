"""The page cache for anonymous readers: one page for every reader, purged by what it shows.

A public page's bytes are the same for every anonymous reader: no form token, no cookie. So it
is stored once, in the app's cache and in any shared cache in front (Varnish, a CDN), with
`Cache-Control: public`. Each page carries the tags of what it shows (`newsroom/purges.py`);
a change purges its tags after commit, and a stored page is served only while none of its tags
was purged after it was rendered. Lifetimes are capped at the next time a page may change by
the clock alone (a scheduled publication: `limit_lifetime()`), so no job needs to run.

Staff and readers with a session, readers with a message to see (a reply just posted), posts
and the paths in PAGE_CACHE_SKIP go straight to the views.

Two pieces serve pages: `ReaderPageCacheMiddleware` here renders and stores them (and serves the
test client); `newsroom.front.PageCacheFront`, the WSGI application servers run, answers hits
from its own memory before Django's request handling starts.
"""

import functools
import hashlib
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.http import HttpResponse

from newsroom import purges
from newsroom.models import EVERY_PAGE

_HEADERS_KEPT = ("Content-Type", "Content-Language", "X-Robots-Tag", "Vary")
MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage

# Functions telling in how many seconds pages may change with no one saving anything (the
# next scheduled publication), declared by the apps; None when nothing is due.
_lifetime_limits: list[Callable[[], float | None]] = []


def limit_lifetime(seconds_left: Callable[[], float | None]) -> None:
    """Cap every page's lifetime, in every cache, at what `seconds_left()` says."""
    if seconds_left not in _lifetime_limits:
        _lifetime_limits.append(seconds_left)


@functools.cache
def release() -> str:
    """A fingerprint of what renders pages (the code, the templates, the static manifest),
    taken once per process. It is part of every page's key, so after a deploy no page
    rendered by the old templates, or naming old static files, is served."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    code = [p for app in ("articles", "comments", "newsroom") for p in root.glob(f"{app}/**/*.py")]
    sources = [*code, *root.glob("templates/**/*")]
    sources.append(Path(settings.STATIC_ROOT) / "staticfiles.json")
    for path in sorted(p for p in sources if p.is_file()):
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def page_key(scheme: str, host: str, full_path: str) -> str:
    path = hashlib.sha256(full_path.encode()).hexdigest()[:32]
    return f"page:{release()}:{scheme}:{host}:{path}"


def enabled() -> bool:
    """Off with no lifetime, or with a cache that keeps nothing (`dummycache://`)."""
    return settings.PAGE_CACHE_SECONDS > 0 and not isinstance(caches["default"], DummyCache)


def bypasses(cookies) -> bool:
    """Staff and readers with a session, or with a message to see (a reply just posted)."""
    return settings.SESSION_COOKIE_NAME in cookies or MESSAGES_COOKIE in cookies


def is_cacheable(request) -> bool:
    """Anonymous readers' GETs of public pages only."""
    return (
        request.method in ("GET", "HEAD")
        and not bypasses(request.COOKIES)
        and not request.path.startswith(settings.PAGE_CACHE_SKIP)
        and enabled()
    )


def cache_control(ends: float | None, now: float) -> str:
    """Public: the same bytes for everyone. Browsers keep a page BROWSER_CACHE_SECONDS (0:
    they ask again, and a 304 answers), shared caches SHARED_CACHE_SECONDS; neither past the
    time the page ends by the clock (`ends`, a scheduled publication)."""
    browser, shared = settings.BROWSER_CACHE_SECONDS, settings.SHARED_CACHE_SECONDS
    if ends is not None:
        left = max(int(ends - now), 0)
        browser, shared = min(browser, left), min(shared, left)
    return f"public, max-age={browser}, s-maxage={shared}"


def _seconds_to_end() -> float | None:
    """Until pages may change by the clock alone; None when nothing is due."""
    limits = [s for limit in _lifetime_limits if (s := limit()) is not None]
    return min(limits) if limits else None


class ReaderPageCacheMiddleware:
    """Store anonymous readers' pages and serve them (to the test client, and behind the front
    when its memory does not hold the page); see the module's docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable(request):
            return self.get_response(request)
        checked_at = purges.sequence()  # before anything is read for the page
        if purges.owing():  # the cache is away: what it holds may be stale
            return self.get_response(request)
        key = page_key(request.scheme, request.get_host(), request.get_full_path())
        stored = cache.get(key)
        if (
            stored is not None
            and stored["expires"] > time.time()
            and purges.fresh(stored["tags"], stored["rendered_at"])
        ):
            request.page_cache = "hit"
        else:
            request.page_cache = "miss"
            response = self.get_response(request)
            stored = self._store(key, checked_at, request, response)
            if stored is None:
                return response
        # Tells the front what it may keep: these bytes, checked fresh at this purge number.
        request.META["newsroom.page_cache"] = (stored, checked_at)
        return self._serve(stored)

    def _store(self, key, rendered_at, request, response) -> dict | None:
        if response.status_code != 200 or response.streaming or response.cookies:
            return None
        now = time.time()
        to_end = _seconds_to_end()
        ttl = min(settings.PAGE_CACHE_SECONDS, to_end if to_end is not None else float("inf"))
        if ttl < 1:
            return None
        tags = sorted(getattr(request, "cache_tags", set()) | {EVERY_PAGE})
        stored = {
            "body": response.content,
            "headers": {h: response[h] for h in _HEADERS_KEPT if h in response},
            "etag": '"' + hashlib.sha256(response.content).hexdigest()[:24] + '"',
            "tags": tags,
            "rendered_at": rendered_at,
            "expires": now + ttl,
            "ends": now + to_end if to_end is not None else None,
        }
        purges.mark_unseen(tags, rendered_at)
        cache.set(key, stored, timeout=int(ttl) + 1)
        return stored

    def _serve(self, stored):
        response = HttpResponse(stored["body"], headers=stored["headers"])
        response["ETag"] = stored["etag"]
        response["Cache-Control"] = cache_control(stored["ends"], time.time())
        if settings.CACHE_PURGE_URLS:
            response[settings.CACHE_TAG_HEADER] = " ".join(stored["tags"])
        return response
