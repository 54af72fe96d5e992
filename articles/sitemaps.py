"""Sitemaps for crawlers: articles (with their honest lastmod), topics and authors."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.contrib.sites.requests import RequestSite
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse

from articles import tags
from articles.models import Article, Author, Topic
from newsroom.pagecache.middleware import do_not_store, reads_query
from newsroom.pagecache.tags import tag


class ArticleSitemap(Sitemap):
    limit = 5000

    def items(self):
        return (
            Article.objects.published()
            .select_related("primary_topic")
            .order_by("-publish_at", "-pk")
        )

    def lastmod(self, article):
        return article.last_modified


class TopicSitemap(Sitemap):
    def items(self):
        return Topic.objects.order_by("pk")


class AuthorSitemap(Sitemap):
    def items(self):
        return (
            Author.objects.filter(articles__in=Article.objects.published())
            .distinct()
            .order_by("pk")
        )


SITEMAPS = {"articles": ArticleSitemap, "topics": TopicSitemap, "authors": AuthorSitemap}


def index(request):
    """The sitemap index: a file per section, and per page of a large section.

    Addresses use the host the request came to (checked against ALLOWED_HOSTS), like the rest
    of the site, rather than the sites framework's single stored domain.
    """
    tag(request, tags.ARTICLES, tags.SITEMAPS)
    items = []
    for section, sitemap_class in SITEMAPS.items():
        url = request.build_absolute_uri(reverse("sitemap-section", kwargs={"section": section}))
        sitemap = sitemap_class()
        lastmod = sitemap.get_latest_lastmod()
        items.append(SitemapIndexItem(url, lastmod))
        items += [
            SitemapIndexItem(f"{url}?p={page}", lastmod)
            for page in range(2, sitemap.paginator.num_pages + 1)
        ]
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": items}, content_type="application/xml"
    )


@reads_query("p")
def section(request, section):
    if section not in SITEMAPS:
        raise Http404("No such sitemap.")
    try:
        urls = SITEMAPS[section]().get_urls(
            page=request.GET.get("p", 1), site=RequestSite(request), protocol=request.scheme
        )
    except EmptyPage as exc:
        raise Http404("No such page of the sitemap.") from exc
    except PageNotAnInteger as exc:
        raise Http404("Sitemap pages are numbered.") from exc
    tag(request, tags.ARTICLES, tags.SITEMAPS)
    asked = request.GET.get("p")
    if asked and (not asked.isdigit() or asked.startswith("0")):
        do_not_store(request)  # `?p=02`
    return TemplateResponse(
        request, "sitemap.xml", {"urlset": urls}, content_type="application/xml"
    )
