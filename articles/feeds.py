"""RSS 2.0 and Atom feeds: the whole site, each topic, each author. Full text, absolute links."""

import copy
import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from articles.models import Article, Author, Topic
from articles.tags import ARTICLES, author_tag, tag_teasers, topic_tag

FEED_SIZE = 30
_RELATIVE = re.compile(r'(href|src)="/(?!/)')


class LatestFeed(Feed):
    """The newest published articles, with their full text.

    One instance serves every request (urls.py makes it once), so each request works on a
    copy of its own that holds the request: absolute addresses come from the request's host."""

    description_template = None

    def __call__(self, request, *args, **kwargs):
        own = copy.copy(self)
        own.request = request
        return Feed.__call__(own, request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        return None

    def title(self, obj):
        return settings.SITE_NAME

    # Absolute addresses from the request's host, like the pages, not the sites framework's.

    def link(self, obj):
        return self.request.build_absolute_uri("/")

    def feed_url(self, obj):
        return self.request.build_absolute_uri()

    def item_link(self, article):
        return self.request.build_absolute_uri(article.get_absolute_url())

    def description(self, obj):
        return "The latest news."

    def articles(self, obj):
        return Article.objects.published()

    def listing_tags(self, obj) -> tuple[str, ...]:
        return (ARTICLES,)

    def items(self, obj):
        articles = list(
            self.articles(obj)
            .select_related("primary_topic", "hero_image", "social_image")
            .prefetch_related("bylines__author")
            .newest_first()[:FEED_SIZE]
        )
        tag_teasers(self.request, articles, *self.listing_tags(obj))
        return articles

    def item_title(self, article):
        return article.headline

    def item_description(self, article):
        body = _RELATIVE.sub(
            lambda m: f'{m.group(1)}="{self.request.build_absolute_uri("/")}', article.body
        )
        standfirst = (
            f"<p><strong>{escape(article.standfirst)}</strong></p>" if article.standfirst else ""
        )
        return standfirst + body

    def item_pubdate(self, article):
        return article.publish_at

    def item_updateddate(self, article):
        return article.last_modified

    def item_author_name(self, article):
        return ", ".join(a.name for a in article.byline_authors) or None

    def item_categories(self, article):
        return [article.primary_topic.name]

    def item_guid(self, article):
        # Stable through changes of headline, slug or section, and a working address.
        return self.request.build_absolute_uri(reverse("articles:permalink", args=[article.pk]))

    item_guid_is_permalink = False

    # The enclosure is the picture feed readers show beside an item: the social card's.

    def item_enclosure_url(self, article):
        image = article.social_picture
        return (
            self.request.build_absolute_uri(image.social_url)
            if image and image.social_url
            else None
        )

    def item_enclosure_length(self, article):
        image = article.social_picture
        return image.social_bytes if image else None

    def item_enclosure_mime_type(self, article):
        return "image/jpeg" if self.item_enclosure_url(article) else None


class LatestAtomFeed(LatestFeed):
    feed_type = Atom1Feed
    subtitle = LatestFeed.description


class TopicFeed(LatestFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def title(self, topic):
        return f"{topic.name} — {settings.SITE_NAME}"

    def link(self, topic):
        return self.request.build_absolute_uri(topic.get_absolute_url())

    def description(self, topic):
        return topic.description or f"The latest from {topic.name}."

    def articles(self, topic):
        return Article.objects.published().in_topic(topic)

    def listing_tags(self, topic):
        return (topic_tag(topic.pk),)


class TopicAtomFeed(TopicFeed):
    feed_type = Atom1Feed
    subtitle = TopicFeed.description


class AuthorFeed(LatestFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def title(self, author):
        return f"{author.name} — {settings.SITE_NAME}"

    def link(self, author):
        return self.request.build_absolute_uri(author.get_absolute_url())

    def description(self, author):
        return author.bio or f"Articles by {author.name}."

    def articles(self, author):
        return Article.objects.published().filter(bylines__author=author)

    def listing_tags(self, author):
        return (author_tag(author.pk),)


class AuthorAtomFeed(AuthorFeed):
    feed_type = Atom1Feed
    subtitle = AuthorFeed.description
