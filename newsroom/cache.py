"""The page cache for anonymous readers.

Every cached page's key carries the content version, and every change a reader could see
bumps the version once the change is committed, so a stale page is never served: the next
request simply misses. Cache lifetimes are capped at the next scheduled publication, so a
scheduled article appears on time with no job to run.

The version lives in the default cache (Redis in production), shared by every app server.

Forms on cached pages never carry a frozen CSRF token: the stored bytes hold a placeholder,
and each response gets the token of the reader it is sent to.
"""

import hashlib
import re
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control

VERSION_KEY = "content-version"
NEXT_PUBLICATION_KEY = "next-publication:{version}"
PLACEHOLDER = "__csrf_token_for_this_reader__"
_TOKEN_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')
_HEADERS_KEPT = ("Content-Type", "Content-Language", "X-Robots-Tag")


def content_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)  # the first server to ask wins
        version = cache.get(VERSION_KEY)
    return version


def bump_content_version() -> None:
    """Make every cached page stale: now, and again once the current transaction commits
    (a page cached between the two, from data not yet committed, is dropped by the second)."""

    def bump():
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)

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


def is_cacheable(request) -> bool:
    """Anonymous readers' GETs only: staff, readers with a session or a message to see
    (a reply just posted) and every form post go straight to the views."""
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.path.startswith(settings.PAGE_CACHE_SKIP)
    )


class ReaderPageCacheMiddleware:
    """Serve anonymous readers from the cache; see the module's docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable(request):
            return self.get_response(request)
        version = content_version()
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
        key = f"page:{version}:{request.get_host()}:{path}"
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
        return self._serve(request, stored)

    def _store(self, key, version, response):
        body = response.content.decode(response.charset)
        body, forms = _TOKEN_INPUT.subn(rf"\g<1>{PLACEHOLDER}\g<2>", body)
        stored = {
            "body": body,
            "headers": {h: response[h] for h in _HEADERS_KEPT if h in response},
            "etag": '"' + hashlib.sha256(body.encode()).hexdigest()[:20] + '"',
            "private": bool(forms),
        }
        ttl = settings.PAGE_CACHE_SECONDS
        if (wait := _seconds_to_next_publication(version)) is not None:
            ttl = min(ttl, wait)
        if ttl <= 0:
            return None
        cache.set(key, stored, timeout=ttl)
        return stored

    def _serve(self, request, stored):
        body = stored["body"]
        if PLACEHOLDER in body:
            body = body.replace(PLACEHOLDER, get_token(request))
        response = HttpResponse(body, headers=stored["headers"])
        response["ETag"] = stored["etag"]
        if stored["private"]:
            # The page holds this reader's form token: no shared cache may keep it.
            patch_cache_control(response, private=True, max_age=0, must_revalidate=True)
        else:
            patch_cache_control(
                response,
                public=True,
                max_age=settings.BROWSER_CACHE_SECONDS,
                s_maxage=settings.SHARED_CACHE_SECONDS,
            )
        return response


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
