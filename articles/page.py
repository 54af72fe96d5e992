"""The article page, assembled from fragments cached by tag, and the parts other apps add to it.

Other apps add their part from their `AppConfig.ready()` (`add_to_article_page`): the replies
app its replies, their count and the form; live coverage its updates. Articles never imports
them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from csp.constants import HEADER as CSP_HEADER
from csp.utils import build_policy
from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.html import format_html
from django.utils.safestring import SafeString

from articles import body, metadata, read_next
from articles.models import Article, ArticleNote, Byline
from articles.tags import tag_teasers, topic_tag
from newsroom.pagecache.fragments import fragment
from newsroom.rendering import inline


@dataclass(frozen=True)
class PagePart:
    """Something another app shows on the article page (the replies app: its replies, their
    count and the form; live coverage: its updates): what to read with the article, what it
    adds to the page and to the page's structured data, and whether previews show it."""

    select_related: tuple[str, ...]
    # (request, article, **options) -> for a part in the story (`in_story`): template variables
    # for the story; else {"html": the part, "reply_count": n when it counts replies}.
    context: Callable[..., dict]
    # A part of the story itself (live coverage's updates): its variables are rendered with the
    # story, which is then not kept as a fragment (it changes with the clock and `?page=`).
    in_story: bool = False
    # (request, article, data, template variables) -> the page's schema.org data
    structured_data: Callable[..., dict] | None = None
    in_previews: bool = False


_page_parts: list[PagePart] = []


def add_to_article_page(part: PagePart) -> None:
    """Called by other apps from their `AppConfig.ready()`: articles never imports them."""
    if part not in _page_parts:
        _page_parts.append(part)


def page_articles(*, published=True):
    """Articles with their section, pictures (lead and social), bylines and what other apps
    read with them (reply counts); only published ones unless told otherwise. `article_page()`
    reads the topics and notes of the one shown."""
    articles = Article.objects.published() if published else Article.objects.all()
    return articles.with_related().select_related(
        "social_image", *(r for p in _page_parts for r in p.select_related)
    )


# Where the article's story shows its reply count: filled in for each page (`article_page`).
REPLY_COUNT_SLOT = SafeString("<!--reply-count-->")


def article_page(request, article, *, status=200, preview=False, **options):
    """The article page. Other apps' views render it with options for their part (the replies
    view: the reader's form and errors); previews render it for an unpublished article, without
    the other apps' parts, kept out of search engines and caches.

    The page is assembled from fragments cached by tag (newsroom/pagecache/fragments.py): the
    article's head and story (purged when the article, its topics, authors or pictures
    change), what to read next (`read_next`: purged when its lists change), each other app's
    part (the replies: purged when a reply is shown or hidden) and the site's header and
    footer (purged when the chrome changes). A story with a part of its
    own (a live page's updates, which change with the clock and `?page=`) is rendered each
    time."""
    shown = [part for part in _page_parts if part.in_previews or not preview]
    in_story = [part for part in shown if part.in_story]
    extra = {}
    for part in in_story:
        extra |= part.context(request, article, **options)
    if preview or extra:
        story = _story(request, article, preview=preview, parts=in_story, extra=extra)
    else:
        host = f"{request.scheme}://{request.get_host()}"
        story = fragment(
            request, "article-story", f"{article.pk}:{host}", lambda: _story(request, article)
        )
    # What to read next: a fragment of its own, purged when its lists change; not in previews.
    next_html = "" if preview else read_next.block(request, article)
    parts, reply_count = [], 0
    for part in shown:
        if not part.in_story:
            html = part.context(request, article, **options)
            parts.append(html["html"])
            reply_count = html.get("reply_count", reply_count)
    count = ""
    if reply_count:
        noun = "reply" if reply_count == 1 else "replies"
        count = format_html('<a class="reply-count" href="#replies">{} {}</a>', reply_count, noun)
    # The fragments are templates' output (escaped there): placed in the page as they are.
    response = render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "article_title": story["title"],
            "article_head": SafeString(story["head"]),
            "article_story": SafeString(story["story"].replace(REPLY_COUNT_SLOT, count, 1)),
            "read_next": next_html,
            "page_parts": parts,
            "chrome": None if preview else chrome(request),
            "embeds": bool(story["policy"]),
            **extra,
        },
        status=status,
    )
    if story["policy"]:  # kept with the page: the page cache stores this header with it
        update = {**story["policy"]}  # and the files written into the page
        for directive, sources in inline.policy_update().items():
            update[directive] = [*update.get(directive, ()), *sources]
        response[CSP_HEADER] = build_policy(update=update)
    if preview:
        response["X-Robots-Tag"] = "noindex, nofollow"
        patch_cache_control(response, private=True, no_store=True)
    return response


def _story(request, article, *, preview=False, parts=(), extra=None) -> dict[str, str]:
    """The article's own part of its page: its title, what goes in the page's head, and the
    story."""
    if article.pk:  # unless read with it (a preview of an article not saved brings its own)
        bylines = Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        prefetch_related_objects([article], bylines)
    # Two plain queries: for one article, cheaper than prefetching. Only an article with an
    # "Updated" time has notes (`ArticleNote.save`).
    notes = list(article.notes.order_by("noted_at", "pk")) if article.modified_at else []
    if (staged := getattr(article, "staged_topics", None)) is not None:
        # A preview of content not stored yet (`changes.as_article`) brings its own topics.
        further_topics = sorted(
            (t for t in staged if t.pk != article.primary_topic_id), key=lambda t: t.name
        )
    else:
        topics = article.topics.exclude(pk=article.primary_topic_id).order_by("name")
        further_topics = list(topics)
    corrections = [n for n in notes if n.kind == ArticleNote.Kind.CORRECTION]
    body_html = body.render(article.body)
    if not preview:  # a preview is never cached
        tag_teasers(request, [article], *(topic_tag(t.pk) for t in further_topics))
    data = metadata.news_article(request, article, corrections=corrections)
    for part in parts:
        if part.structured_data:
            data = part.structured_data(request, article, data, extra)
    context = {
        "article": article,
        "preview": preview,
        "share_url": request.build_absolute_uri(article.get_absolute_url()),
        "further_topics": further_topics,
        "corrections": corrections,
        "updates": [n for n in notes if n.kind != ArticleNote.Kind.CORRECTION],
        "json_ld": metadata.as_script(data),
        "reply_count_slot": REPLY_COUNT_SLOT,
        "body_html": body_html,
        **(extra or {}),
    }
    return {
        "title": article.page_title,
        "policy": body.policy([body_html, *(extra or {}).get("bodies", ())]),
        "head": render_to_string("articles/_article_head.html", context, request),
        "story": render_to_string("articles/_article_story.html", context, request),
    }


def chrome(request) -> dict[str, str]:
    """The site's header and footer as an article page shows them (no section is current)."""

    def render_chrome():
        return {
            "header": render_to_string("includes/header.html", request=request),
            "footer": render_to_string("includes/footer.html", request=request),
        }

    chrome = fragment(request, "chrome", "article", render_chrome)
    return {name: SafeString(html) for name, html in chrome.items()}  # templates' output
