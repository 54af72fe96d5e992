"""What an import remembers: which WordPress record became which of ours, and the old
site's addresses, each answering with a permanent redirect to its new one."""

from django.contrib.flatpages.models import FlatPage
from django.db import models
from django.db.models import Q

from articles.models import Article, Author, Topic
from newsroom.rendering import links


class ImportedItem(models.Model):
    """One WordPress record of one site, and what it became here. Importing the site's export
    again finds it by the WordPress id and updates it only when the export's copy changed."""

    class Kind(models.TextChoices):
        AUTHOR = "author", "Author"
        TERM = "term", "Category or tag"
        ATTACHMENT = "attachment", "Picture"
        POST = "post", "Post"
        PAGE = "page", "Page"
        COMMENT = "comment", "Comment"

    source = models.CharField(
        "WordPress site", max_length=200, help_text="The old site's address, from its export."
    )
    kind = models.CharField("kind", max_length=20, choices=Kind.choices)
    wp_id = models.BigIntegerField("WordPress id")
    object_id = models.BigIntegerField("imported as")
    digest = models.CharField("export's copy", max_length=64)
    imported_at = models.DateTimeField("imported", auto_now=True)

    class Meta:
        verbose_name = "imported item"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "wp_id"], name="one_import_per_wordpress_record"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.wp_id} of {self.source}"


class OldAddress(models.Model):
    """A path of the old WordPress site (or its `?p=12` form) and what it shows now."""

    path = models.CharField(
        "old address",
        max_length=500,
        unique=True,
        help_text="A path of the old site, lower case, without its final slash.",
    )
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        Author, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    page = models.ForeignKey(
        FlatPage, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    feed = models.BooleanField(
        "to the feed", default=False, help_text="The old address was the topic's or author's feed."
    )

    class Meta:
        verbose_name = "old WordPress address"
        verbose_name_plural = "old WordPress addresses"
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False)
                | Q(topic__isnull=False)
                | Q(author__isnull=False)
                | Q(page__isnull=False),
                name="old_address_leads_somewhere",
            )
        ]

    def __str__(self):
        return self.path

    def target(self) -> str | None:
        """The new address, or None while it shows readers nothing (a draft, a scheduled
        post: they redirect once they are published)."""
        if self.article_id:
            article = self.article
            return article.get_absolute_url() if article.is_published() else None
        if self.topic_id:
            topic = self.topic.slug
            return (
                links.url("articles:topic-feed", topic)
                if self.feed
                else links.url("articles:topic", topic)
            )
        if self.author_id:
            author = self.author.slug
            return (
                links.url("articles:author-feed", author)
                if self.feed
                else links.url("articles:author", author)
            )
        return self.page.get_absolute_url()
