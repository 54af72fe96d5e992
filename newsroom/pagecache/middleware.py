"""The page cache in Django: which requests may be cached, storing pages and serving them.

A public page's bytes are the same for every anonymous reader: no form token, no cookie. So it
is stored once, in the app's cache and in any shared cache in front (Varnish, a CDN), with
`Cache-Control: public`. Each page carries the tags of what it shows (`tags.py`);
a change purges its tags after commit, and a stored page is served only while none of its tags
was purged after it was rendered. Lifetimes are capped at the next time a page may change by
the clock alone (a scheduled publication: `limit_lifetime()`), so no job needs to run.

A public page (any path outside PAGE_CACHE_SKIP) depends on nothing a client can vary but its
address: its GETs reach the views with no cookie at all (a junk `sessionid` gets the cached
page), and with only the query parameters its view declares (`reads_query`): any other is
answered with a redirect to the page's own address, and nothing is stored for it. A view may
answer a parameter's value that names nothing (a page past the last) without storing it
(`do_not_store`). Posts and the paths in PAGE_CACHE_SKIP go straight to the views.

Two pieces serve pages: `ReaderPageCacheMiddleware` here renders and stores them (and serves the
test client); `front.PageCacheFront`, the WSGI application servers run, answers hits
from its own memory before Django's request handling starts.
"""

import functools
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.encoding import escape_uri_path

from newsroom.apps import uncached_paths
from newsroom.pagecache import EVERY_PAGE, compression, sequence

# A page's own Content-Security-Policy, when it has one (an article showing embeds): without it,
# the site's policy is added to what is served.
_HEADERS_KEPT = (
    "Content-Type",
    "Content-Language",
    "X-Robots-Tag",
    "Vary",
    "Content-Security-Policy",
)
REDIRECT_SECONDS = 3600  # how long browsers keep a redirect to a page's own address

# Functions telling in how many seconds pages may change with no one saving anything (the
# next scheduled publication), declared by the apps; None when nothing is due.
_lifetime_limits: list[Callable[[], float | None]] = []


def limit_lifetime(seconds_left: Callable[[], float | None]) -> None:
    """Cap every page's lifetime, in every cache, at what `seconds_left()` says."""
    if seconds_left not in _lifetime_limits:
        _lifetime_limits.append(seconds_left)


@dataclass(frozen=True, slots=True)
class StoredPage:
    """A page as the app's cache keeps it, shared by every process."""

    body: bytes
    headers: dict[str, str]
    etag: str
    tags: list[str]
    rendered_at: int  # the purge sequence number read before it was rendered
    expires: float  # when the app's cache stops serving it (time.time())
    ends: float | None  # when it changes by the clock alone (a scheduled publication)
    gzipped: bytes = b""  # the body compressed, for browsers that ask (`compression.py`)


@functools.cache
def release() -> str:
    """A fingerprint of what renders pages (the code, the templates, the static manifest),
    taken once per process. It is part of every page's key, so after a deploy no page
    rendered by the old templates, or naming old static files, is served."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    # The project's own apps, as the app registry names them (third-party ones change with
    # the lock, and a deploy changes the templates or static files they bring anyway).
    folders = [root.joinpath(*app.name.split(".")) for app in apps.get_app_configs()]
    code = [p for folder in folders if folder.is_dir() for p in folder.glob("**/*.py")]
    sources = [*code, *root.glob("templates/**/*")]
    sources.append(Path(settings.STATIC_ROOT) / "staticfiles.json")
    for path in sorted(p for p in sources if p.is_file()):
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class Served:
    """What the middleware tells the front about the page it served."""

    page: StoredPage
    checked_at: int  # the purge sequence number it was found fresh at


def page_key(scheme: str, host: str, full_path: str) -> str:
    path = hashlib.sha256(full_path.encode()).hexdigest()[:32]
    return f"page:{release()}:{scheme}:{host}:{path}"


@functools.cache
def enabled() -> bool:
    """Off with no lifetime, or with a cache that keeps nothing (`dummycache://`). Asked on
    every request, so read once (`_settings_changed` forgets it when the tests change them)."""
    return settings.PAGE_CACHE_SECONDS > 0 and not isinstance(caches["default"], DummyCache)


@functools.cache
def _not_public() -> tuple[str, ...]:
    return (*settings.PAGE_CACHE_SKIP, *uncached_paths())


@functools.cache
def _lifetimes() -> tuple[int, int]:
    return settings.BROWSER_CACHE_SECONDS, settings.SHARED_CACHE_SECONDS


@receiver(setting_changed)
def _settings_changed(**kwargs):
    for remembered in (enabled, _not_public, _lifetimes):
        remembered.cache_clear()


def is_public(path: str) -> bool:
    """A reader's page: the same for everyone, whatever cookies come with the request."""
    return not path.startswith(_not_public())


def reads_query(*names: str):
    """Declare the query parameters a public view reads (`?page=`, `?q=`); any other parameter
    is answered with a redirect to the page without it. For a view function or a class."""

    def declare(view):
        view.query_parameters = frozenset(names)
        return view

    return declare


def query_parameters(path: str) -> frozenset[str]:
    """The parameters the view at `path` declares; none for an address no view answers."""
    try:
        view = resolve(path).func
    except Resolver404:
        return frozenset()
    declared = getattr(view, "query_parameters", None)
    if declared is None:  # a class-based view's function, made by as_view()
        declared = getattr(getattr(view, "view_class", None), "query_parameters", None)
    return declared or frozenset()


def canonical_query(query_string: str, allowed: frozenset[str]) -> str:
    """The query string with only the allowed parameters, each once, in one spelling (decoded
    and encoded again, as a browser's form sends it): the only form of the address that is
    cached, so `%71=x` or `q=hous%69ng` cannot make copies of `q=housing`."""
    if not query_string.isascii():  # bytes no browser sends unencoded, read as Latin-1
        query_string = query_string.encode("latin-1", "replace").decode("utf-8", "replace")
    kept: dict[str, str] = {}
    for name, value in parse_qsl(query_string, keep_blank_values=True):
        if name in allowed and name not in kept:
            kept[name] = value
    return urlencode(kept)


def do_not_store(request) -> None:
    """Answer this page but keep it in no cache: a parameter's value names nothing (a page
    past the last, a search that finds nothing), so its address could be made up by anyone."""
    request.page_cache_store = False


def is_cacheable(request) -> bool:
    """Anonymous readers' GETs of public pages only."""
    return request.method in ("GET", "HEAD") and is_public(request.path) and enabled()


def cache_control(ends: float | None, now: float) -> str:
    """Public: the same bytes for everyone. Browsers keep a page BROWSER_CACHE_SECONDS (0:
    they ask again, and a 304 answers), shared caches SHARED_CACHE_SECONDS; neither past the
    time the page ends by the clock (`ends`, a scheduled publication)."""
    browser, shared = _lifetimes()
    if ends is not None:
        left = max(int(ends - now), 0)
        browser, shared = min(browser, left), min(shared, left)
    return f"public, max-age={browser}, s-maxage={shared}"


def seconds_to_end() -> float | None:
    """Until pages may change by the clock alone; None when nothing is due."""
    limits = [s for limit in _lifetime_limits if (s := limit()) is not None]
    return min(limits) if limits else None


class ReaderPageCacheMiddleware:
    """Store anonymous readers' pages and serve them (to the test client, and behind the front
    when its memory does not hold the page); see the module's docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and is_public(request.path):
            request.META.pop("HTTP_COOKIE", None)
            request.COOKIES = {}  # the views never see a cookie here: nothing to vary on
            query = request.META.get("QUERY_STRING", "")
            wanted = query and canonical_query(query, query_parameters(request.path_info))
            if wanted != query:
                return self._redirect(request, wanted)
        if not is_cacheable(request):
            return self._private(request, self.get_response(request))
        checked_at = sequence.current()  # before anything is read for the page
        request.page_cache_checked_at = checked_at  # and for its fragments (fragments.py)
        if sequence.owing():  # the cache is away: what it holds may be stale
            return self.get_response(request)
        key = page_key(request.scheme, request.get_host(), request.get_full_path())
        stored = cache.get(key)
        if (
            stored is not None
            and stored.expires > time.time()
            and sequence.fresh(stored.tags, stored.rendered_at)
        ):
            request.page_cache = "hit"
        else:
            request.page_cache = "miss"
            response = self.get_response(request)
            stored = self._store(key, checked_at, request, response)
            if stored is None:
                if getattr(request, "page_cache_store", True) is False:
                    # A value that names nothing (`?page=99`, `?replyto=abc`): answered, but no
                    # cache, shared or not, may keep it, whatever it would do unasked.
                    add_never_cache_headers(response)
                return response
        # Tells the front what it may keep: these bytes, checked fresh at this purge number.
        request.META["newsroom.page_cache"] = Served(stored, checked_at)
        return self._serve(stored, request.META.get("HTTP_ACCEPT_ENCODING", ""))

    @staticmethod
    def _redirect(request, query: str):
        address = escape_uri_path(request.path) + (f"?{query}" if query else "")
        response = HttpResponsePermanentRedirect(address)
        response["Cache-Control"] = f"public, max-age={REDIRECT_SECONDS}"
        return response

    @staticmethod
    def _private(request, response):
        """The desk's pages, and pages answering a reader's post (a form with what they typed),
        are for one person only: no shared cache keeps them, no browser stores them."""
        if request.path.startswith(f"/{settings.ADMIN_URL}") or request.method == "POST":
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response

    def _store(self, key, rendered_at, request, response) -> StoredPage | None:
        if response.status_code != 200 or response.streaming or response.cookies:
            return None
        if getattr(request, "page_cache_store", True) is False:
            return None
        now = time.time()
        to_end = seconds_to_end()
        ttl = min(settings.PAGE_CACHE_SECONDS, to_end if to_end is not None else float("inf"))
        if ttl < 1:
            return None
        tags = sorted(getattr(request, "cache_tags", set()) | {EVERY_PAGE})
        stored = StoredPage(
            body=response.content,
            headers={h: response[h] for h in _HEADERS_KEPT if h in response},
            etag='"' + hashlib.sha256(response.content).hexdigest()[:24] + '"',
            tags=tags,
            rendered_at=rendered_at,
            expires=now + ttl,
            ends=now + to_end if to_end is not None else None,
            gzipped=compression.compress(response.content),
        )
        sequence.mark_unseen(tags, rendered_at)
        cache.set(key, stored, timeout=int(ttl) + 1)
        return stored

    def _serve(self, stored: StoredPage, accept_encoding: str):
        if stored.gzipped and compression.accepts_gzip(accept_encoding):
            response = HttpResponse(stored.gzipped, headers=stored.headers)
            response["Content-Encoding"] = "gzip"
            response["ETag"] = compression.etag(stored.etag)
        else:
            response = HttpResponse(stored.body, headers=stored.headers)
            response["ETag"] = stored.etag
        patch_vary_headers(response, ("Accept-Encoding",))
        response["Cache-Control"] = cache_control(stored.ends, time.time())
        if settings.CACHE_PURGE_URLS:
            response[settings.CACHE_TAG_HEADER] = " ".join(stored.tags)
        return response
