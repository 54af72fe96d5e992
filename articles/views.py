from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.views.generic import ListView, TemplateView

from articles import changes, previews
from articles import search as search_module
from articles.models import Article, Author, FormerSlug, Topic
from articles.page import article_page, page_articles
from articles.tags import ARTICLES, SITEMAPS, author_tag, tag_teasers, topic_tag
from newsroom.pagecache.middleware import do_not_store, reads_query
from newsroom.pagecache.tags import tag

DESCRIPTION_LENGTH = 160  # what search engines show of a page's description


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

    def description(self) -> str:
        """What search engines show under the page's title (`<meta name="description">`)."""
        return f"The latest news from {settings.SITE_NAME}, newest first."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_description"] = self.description()
        tag_teasers(self.request, context["object_list"], *self.listing_tags())
        asked = self.request.GET.get("page")
        if asked and asked != str(context["page_obj"].number):  # `?page=last`, `?page=02`
            do_not_store(self.request)
        return context


@dataclass(frozen=True)
class TopicPageTop:
    """What another app shows on a section's first page above its list (the fronts app: the
    section's front): its markup, and the articles it shows, which the list then leaves out."""

    html: SafeString
    shown: frozenset[int]


# (request, topic) -> TopicPageTop or None, added from other apps' `AppConfig.ready()`.
_topic_page_tops: list[Callable] = []


def add_to_topic_page(top: Callable) -> None:
    """Called by another app from its `AppConfig.ready()`: articles never imports it."""
    if top not in _topic_page_tops:
        _topic_page_tops.append(top)


class TopicView(PublishedListView):
    """A section's or topic's articles, newest first; page 1 starts with what other apps put
    above the list (`add_to_topic_page`)."""

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

    def description(self):
        about = (
            self.topic.description
            or f"The latest {self.topic.name} news from {settings.SITE_NAME}."
        )
        return Truncator(about).chars(DESCRIPTION_LENGTH)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(topic=self.topic, **kwargs)
        if context["page_obj"].number == 1:
            tops = [t for top in _topic_page_tops if (t := top(self.request, self.topic))]
            shown = set().union(*(t.shown for t in tops))
            context["tops"] = [t.html for t in tops]
            context["articles"] = [a for a in context["articles"] if a.pk not in shown]
        return context


class AuthorView(PublishedListView):
    template_name = "articles/author_detail.html"

    def get_queryset(self):
        self.author = get_object_or_404(
            Author.objects.select_related("photo"), slug=self.kwargs["slug"]
        )
        return super().get_queryset().filter(bylines__author=self.author)

    def listing_tags(self):
        return (author_tag(self.author.pk),)

    def description(self):
        about = self.author.bio or f"Articles by {self.author.name} for {settings.SITE_NAME}."
        return Truncator(about).chars(DESCRIPTION_LENGTH)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


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
    # From the words searched for, never the text as typed: a page is kept only when both agree.
    words = " ".join(query.words)
    description = (
        f"Articles from {settings.SITE_NAME} matching “{words}”."
        if words
        else f"Search the articles published by {settings.SITE_NAME}."
    )
    return render(
        request,
        "articles/search.html",
        {
            "query": query,
            "page_obj": page,
            "articles": page.object_list,
            "page_description": description,
        },
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
        description = f"Every month of news from {settings.SITE_NAME}, newest first."
        return super().get_context_data(years=years, page_description=description, **kwargs)


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

    def description(self):
        period = dateformat.format(self.period, "F Y" if "month" in self.kwargs else "Y")
        return f"News from {settings.SITE_NAME} published in {period}."

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
