from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.generic import ListView, TemplateView

from articles import changes, metadata, previews
from articles import search as search_module
from articles.models import Article, ArticleNote, Author, Byline, FormerSlug, Topic
from articles.tags import ARTICLES, SITEMAPS, author_tag, tag_teasers, topic_tag
from newsroom.pagecache.fragments import fragment
from newsroom.pagecache.middleware import do_not_store, reads_query
from newsroom.pagecache.tags import tag


def home(request):
    """Lead and featured stories chosen by editors (else the newest), latest news, sections."""
    published = Article.objects.published().for_listing()
    featured = list(
        published.filter(is_featured=True).order_by("featured_order", "-publish_at")[:5]
    )
    latest = list(published.newest_first()[: settings.HOME_LATEST_COUNT + 5])
    if not featured:
        featured = latest[:5]
    shown = {a.pk for a in featured}
    latest = [a for a in latest if a.pk not in shown][: settings.HOME_LATEST_COUNT]

    # The newest few of every top-bar section in one query that reads only those few: for
    # each section, the n-th newest is found through the (section, publish_at) index.
    newest = (
        Article.objects.published()
        .filter(primary_topic=OuterRef("pk"))
        .order_by("-publish_at", "-pk")
        .values("pk")
    )
    nav = Topic.objects.filter(show_in_nav=True)
    chosen = Q()
    for n in range(settings.HOME_SECTION_COUNT):
        chosen |= Q(pk__in=nav.annotate(pick=Subquery(newest[n : n + 1])).values("pick"))
    sections: dict[Topic, list[Article]] = {}
    for article in published.filter(chosen).order_by(
        "primary_topic__nav_order", "primary_topic__name", "-publish_at", "-pk"
    ):
        sections.setdefault(article.primary_topic, []).append(article)
    shown = [*featured, *latest, *(a for articles in sections.values() for a in articles)]
    tag_teasers(request, shown, ARTICLES)

    return render(
        request,
        "articles/home.html",
        {
            "lead": featured[0] if featured else None,
            "featured": featured[1:],
            "latest": latest,
            "sections": sections,
        },
    )


@reads_query("page")
class PublishedListView(ListView):
    """A paginated list of published articles, newest first (`?page=2`; past the last: 404)."""

    paginate_by = settings.ARTICLES_PER_PAGE
    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().for_listing().newest_first()

    def listing_tags(self) -> tuple[str, ...]:
        """What else than its articles the page shows: which of them are listed."""
        return (ARTICLES,)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tag_teasers(self.request, context["object_list"], *self.listing_tags())
        asked = self.request.GET.get("page")
        if asked and asked != str(context["page_obj"].number):  # `?page=last`, `?page=02`
            do_not_store(self.request)
        return context


class TopicView(PublishedListView):
    template_name = "articles/topic_detail.html"

    def get_queryset(self):
        self.topic = get_object_or_404(
            Topic.objects.select_related("parent").prefetch_related("children"),
            slug=self.kwargs["slug"],
        )
        return super().get_queryset().in_topic(self.topic)

    def listing_tags(self):
        # Its subsections' new articles purge it too (`purging._listing_tags`).
        return (topic_tag(self.topic.pk),)

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)


class AuthorView(PublishedListView):
    template_name = "articles/author_detail.html"

    def get_queryset(self):
        self.author = get_object_or_404(
            Author.objects.select_related("photo"), slug=self.kwargs["slug"]
        )
        return super().get_queryset().filter(bylines__author=self.author)

    def listing_tags(self):
        return (author_tag(self.author.pk),)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


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


@reads_query("page", "update", "replies", "replyto")
def article_detail(request, topic, slug):
    # The slug is unique: no ordering to compile. The bylines are read with the story, which
    # a page missing only its replies has kept (`article_page`).
    found = page_articles().filter(slug=slug).order_by().prefetch_related(None)
    article = next(iter(found[:1]), None)
    if article is None:
        # An address the article had before its slug changed moves permanently.
        former = FormerSlug.objects.filter(
            slug=slug, article__in=Article.objects.published()
        ).select_related("article__primary_topic")
        if former := former.first():
            return redirect(former.article, permanent=True)
        raise Http404("No published article has this address.")
    if topic != article.primary_topic.slug:
        return redirect(article, permanent=True)
    if not article.live_from and ("page" in request.GET or "update" in request.GET):
        do_not_store(request)  # a live page's parameters, on a page that has none
    return article_page(request, article)


# Where the article's story shows its reply count: filled in for each page (`article_page`).
REPLY_COUNT_SLOT = SafeString("<!--reply-count-->")


def article_page(request, article, *, status=200, preview=False, **options):
    """The article page. Other apps' views render it with options for their part (the replies
    view: the reader's form and errors); previews render it for an unpublished article, without
    the other apps' parts, kept out of search engines and caches.

    The page is assembled from fragments cached by tag (newsroom/pagecache/fragments.py): the
    article's head and story (purged when the article, its topics, authors or pictures
    change), each other app's part (the replies: purged when a reply is shown or hidden) and
    the site's header and footer (purged when the chrome changes). A story with a part of its
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
            "page_parts": parts,
            "chrome": None if preview else chrome(request),
            **extra,
        },
        status=status,
    )
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
        **(extra or {}),
    }
    return {
        "title": article.page_title,
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


def permalink(request, pk):
    """An article's address that never changes (feeds' entry ids): on to where it is now."""
    article = get_object_or_404(Article.objects.published().select_related("primary_topic"), pk=pk)
    return redirect(article, permanent=True)


def preview(request, token):
    """A draft shown through a signed, expiring, revocable link."""
    link = previews.resolve(token)
    if link is None:
        response = render(request, "articles/preview_expired.html", status=404)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
    article = get_object_or_404(page_articles(published=False), pk=link.article_id)
    if article.changes_id:
        # A live article's link shows the changes being prepared, not what readers see.
        article = changes.as_article(article, changes.of_revision(article.changes))
    return article_page(request, article, preview=True)


@reads_query("q", "page")
def search(request):
    """Search published articles; every query gets a calm answer, even an empty one. Only a
    search that finds something, on a page that exists, spelt as the words it looks for, is
    kept in the caches."""
    query = search_module.parse(request.GET.get("q"))
    asked = request.GET.get("page")
    page = Paginator(search_module.search(query), settings.ARTICLES_PER_PAGE).get_page(asked)
    if (
        not page.object_list
        or (asked is not None and (asked != str(page.number) or asked == "1"))
        # Kept only as the words it looks for, in lower case and one space apart: `Housing`,
        # `housing ` or `housing, housing` are answered as typed but add nothing to the caches.
        or request.GET.get("q") != " ".join(query.words)
    ):
        do_not_store(request)
    tag_teasers(request, page.object_list, ARTICLES)
    return render(
        request,
        "articles/search.html",
        {"query": query, "page_obj": page, "articles": page.object_list},
    )


class ArchiveIndexView(TemplateView):
    """Every month with published articles, newest first."""

    template_name = "articles/archive_index.html"

    def get_context_data(self, **kwargs):
        months = (
            Article.objects.published()
            .annotate(month=TruncMonth("publish_at"))
            .values("month")
            .annotate(count=Count("pk"))
            .order_by("-month")
        )
        tag(self.request, ARTICLES)
        years: dict[int, list] = {}
        for row in months:
            years.setdefault(row["month"].year, []).append(row)
        return super().get_context_data(years=years, **kwargs)


class ArchiveMonthView(PublishedListView):
    """A year's or a month's published articles, newest first."""

    template_name = "articles/archive_month.html"

    def get_queryset(self):
        year, month = self.kwargs["year"], self.kwargs.get("month")
        if not 1900 <= year <= 9999 or (month is not None and not 1 <= month <= 12):
            raise Http404("No such month.")
        self.period = date(year, month or 1, 1)
        articles = super().get_queryset().filter(publish_at__year=year)
        return articles.filter(publish_at__month=month) if month else articles

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            period=self.period, whole_year="month" not in self.kwargs, **kwargs
        )


def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_URL}",
        "Disallow: /preview/",
        "Disallow: /replies/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap-index'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('articles:news-sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def news_sitemap(request):
    """Google News: articles of the last two days, at most 1,000."""
    since = timezone.now() - timedelta(days=2)
    articles = (
        Article.objects.published()
        .filter(publish_at__gte=since)
        .select_related("primary_topic")
        .order_by("-publish_at")[:1000]
    )
    tag(request, ARTICLES, SITEMAPS)
    return render(
        request,
        "articles/news_sitemap.xml",
        {"articles": articles, "language": settings.LANGUAGE_CODE.split("-")[0]},
        content_type="application/xml; charset=utf-8",
    )
