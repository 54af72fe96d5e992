"""What readers see of live coverage: the updates on a live page, the endpoint an open page
asks for new ones, and the page's own feed of updates."""

import copy
from datetime import UTC

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404, JsonResponse
from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_datetime

from articles import body
from articles.models import Article
from articles.tags import article_tag
from live import coverage as live
from live import metadata
from live.tags import live_tag
from newsroom.pagecache.middleware import do_not_store, reads_query
from newsroom.pagecache.tags import tag

SINCE_EXAMPLE = "2026-12-01T09:30:00Z"


def with_bodies(updates: list) -> list:
    """The updates, each with its body as readers get it (`body_html`): one query at most for
    the pictures of them all."""
    for update, html in zip(updates, body.for_readers(u.body for u in updates), strict=True):
        update.body_html = html
    return updates


def context(request, article: Article) -> dict:
    """The live part of an article page: key points, one page of updates (newest first; the
    page holding `?update=<id>` when asked), the newest update's time. Three queries."""
    tag(request, live_tag(article.pk))
    updates = article.live_updates.select_related("image").order_by("-posted_at", "-pk")
    wanted = request.GET.get("update")
    number = live.page_holding(article, wanted) if wanted else request.GET.get("page") or 1
    # How many there are and the newest one's time ("Last updated"), in one query.
    summary = article.live_updates.aggregate(count=Count("pk"), newest=Max("posted_at"))
    paginator = Paginator(updates, live.page_size())
    paginator.count = summary["count"]
    page = paginator.get_page(number)
    shown = with_bodies(list(page.object_list))
    if wanted:  # kept only when it names an update, and alone
        if "page" in request.GET or wanted not in {str(u.pk) for u in shown}:
            do_not_store(request)
    elif str(number) != str(page.number):  # `?page=99`, `?page=02`
        do_not_store(request)
    key_points = list(article.live_updates.filter(is_key_point=True).order_by("-posted_at", "-pk"))
    newest = summary["newest"]
    return {
        "live": {
            "page": page,
            "updates": shown,
            "key_points": key_points,
            "newest": newest,
            "running": article.is_live(),
            "ended": article.coverage_ended(),
            "endpoint": article.get_absolute_url() + "updates/",
            "poll_seconds": settings.LIVE_POLL_SECONDS,
        },
        # The updates' bodies: the page's policy lets in the providers of their embeds.
        "bodies": [update.body_html for update in shown],
    }


def article_part(request, article: Article, **options) -> dict:
    """On the article page, a live page's part (`context`); nothing on any other article."""
    return context(request, article) if article.live_from and article.pk else {}


def structured_data(request, article: Article, data: dict, parts: dict) -> dict:
    """A live page's structured data: a LiveBlogPosting of the updates shown."""
    if "live" not in parts:
        return data
    return metadata.live_blog(request, article, data, parts["live"]["updates"])


def _live_article(slug: str) -> Article:
    """A published live page, or 404: nothing of a draft live page is ever answered."""
    article = (
        Article.objects.published()
        .filter(slug=slug, live_from__isnull=False)
        .select_related("primary_topic")
        .order_by()
        .first()
    )
    if article is None:
        raise Http404("No published live page has this address.")
    return article


@reads_query("since")
def updates(request, topic, slug):
    """The updates posted after `since` (an ISO 8601 time), as HTML ready to insert, newest
    first. Every open page asks with the same `since`, so a shared cache answers them all
    until an update is posted (which purges `live-<pk>`)."""
    article = _live_article(slug)
    tag(request, live_tag(article.pk), article_tag(article.pk))
    raw = request.GET.get("since", "")
    try:
        since = parse_datetime(raw.replace(" ", "+")) if raw else None
    except ValueError:  # well formed, but no such time (month 13)
        since = None
    if since is None:
        return JsonResponse(
            {"error": f"Give the time of the newest update you have: ?since={SINCE_EXAMPLE}"},
            status=400,
        )
    if timezone.is_naive(since):
        since = since.replace(tzinfo=UTC)
    # Open pages ask with the time of an update they hold (or of the start), as the page and
    # this endpoint wrote it: any other time is answered, not kept.
    if raw.replace(" ", "+") != since.isoformat() or not (
        since == article.live_from or article.live_updates.filter(posted_at=since).exists()
    ):
        do_not_store(request)
    newer = article.live_updates.select_related("image").filter(posted_at__gt=since)
    found = list(newer.order_by("-posted_at", "-pk")[: live.page_size() + 1])
    shown = with_bodies(found[: live.page_size()])
    return JsonResponse(
        {
            "count": len(shown),
            "more": len(found) > len(shown),
            "newest": (shown[0].posted_at if shown else since).isoformat(),
            "newest_label": dateformat.format(
                timezone.localtime(shown[0].posted_at if shown else since), "j F Y, H:i"
            ),
            "running": article.is_live(),
            "html": render_to_string(
                "live/_live_updates.html", {"updates": shown, "article": article}, request
            )
            if shown
            else "",
        }
    )


class UpdatesFeed(Feed):
    """A live page's own feed: its newest updates (`…/feed/`)."""

    def __call__(self, request, *args, **kwargs):
        own = copy.copy(self)
        own.request = request
        return Feed.__call__(own, request, *args, **kwargs)

    def get_object(self, request, topic, slug):
        article = _live_article(slug)
        tag(request, live_tag(article.pk), article_tag(article.pk))
        return article

    def title(self, article):
        return f"{article.headline} — live updates — {settings.SITE_NAME}"

    def link(self, article):
        return self.request.build_absolute_uri(article.get_absolute_url())

    def feed_url(self, article):
        return self.request.build_absolute_uri()

    def description(self, article):
        return article.page_description or f"Live updates: {article.headline}"

    def items(self, article):
        return list(article.live_updates.order_by("-posted_at", "-pk")[:30])

    def item_title(self, update):
        return update.headline or update.excerpt

    def item_description(self, update):
        return update.body

    def item_link(self, update):
        return self.request.build_absolute_uri(update.get_absolute_url())

    def item_pubdate(self, update):
        return update.posted_at

    def item_updateddate(self, update):
        return update.corrected_at or update.posted_at
