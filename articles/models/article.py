"""Articles: the model, its queryset (what readers may see) and the search vector. Bylines,
notes and former addresses are in their own modules beside this one."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models
from django.db.models import F, Q
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField

from articles.body import embed_urls
from articles.models.addresses import FormerSlug, unique_slug
from articles.models.authors import Author
from articles.models.bylines import Byline
from articles.models.search_vector import ARTICLE_SEARCH_VECTOR
from articles.models.topics import Topic
from articles.richtext import BODY_EXTENSIONS, sanitize_body
from embeds.fetch import remember
from newsroom.rendering import links
from pictures.models import Image

# The most a search title and description may hold: search engines cut titles near 60
# characters and descriptions near 160 (the desk's preview counts against those).
SEARCH_TITLE_MAX_LENGTH = 70
SEARCH_DESCRIPTION_MAX_LENGTH = 160


def published_q(now=None) -> Q:
    """The condition under which a reader may see an article, for filter(), exclude() and joins."""
    return Q(status=Article.Status.PUBLISHED, publish_at__lte=now or timezone.now())


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """The only definition of "a reader may see this": published and `publish_at` passed."""
        return self.filter(published_q(now))

    def scheduled(self, now=None):
        """Published, with a publication time still to come: not visible yet."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__gt=now or timezone.now())

    def with_related(self):
        """The section, the picture and the bylines, in a fixed number of queries."""
        return self.select_related("primary_topic", "hero_image").prefetch_related(
            models.Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )

    def for_listing(self):
        """What a teaser shows: everything but the body."""
        return self.with_related().defer("body")

    def in_topic(self, topic):
        """Articles filed under the topic or its subsections, or tagged with one of them."""
        ids = [topic.pk, *(child.pk for child in topic.children.all())]
        tagged = Article.topics.through.objects.filter(topic__in=ids).order_by().values("article")
        filed = Article.objects.filter(primary_topic__in=ids).order_by().values("pk")
        # One set of ids from two index lookups: with an OR instead, PostgreSQL reads every
        # published article to count and list a section's few.
        return self.filter(pk__in=filed.union(tagged))

    def newest_first(self):
        return self.order_by("-publish_at", "-pk")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    class Changes(models.TextChoices):
        """Changes saved over a published article, which readers do not see yet."""

        NONE = "", "None"
        DRAFT = "draft", "Unpublished changes"
        IN_REVIEW = "review", "Changes in review"

    headline = models.CharField(
        "headline", max_length=200, help_text="The article's title, as readers see it."
    )
    slug = models.SlugField(
        "slug",
        max_length=200,
        unique=True,
        blank=True,
        help_text="The last part of the web address. Filled from the headline if left empty.",
    )
    standfirst = models.TextField(
        "standfirst",
        max_length=400,
        blank=True,
        help_text="One or two sentences under the headline; also used by search engines.",
    )
    body = ProseEditorField(
        "body",
        extensions=BODY_EXTENSIONS,
        sanitize=sanitize_body,
        blank=True,
        help_text="The story. Picture (or type / on an empty line) inserts one from the library; "
        "a video or post link alone on a line becomes an embed; Pull quote and Table add "
        "those. Pictures from other sites are refused: upload them to the library.",
    )
    authors = models.ManyToManyField(
        Author, through="Byline", related_name="articles", verbose_name="authors", blank=True
    )
    primary_topic = models.ForeignKey(
        Topic,
        verbose_name="section",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="primary_articles",
        help_text="Where the article lives: its address and its section label.",
    )
    topics = models.ManyToManyField(
        Topic,
        verbose_name="further topics",
        related_name="articles",
        blank=True,
        help_text="Other topic pages that should list this article.",
    )
    hero_image = models.ForeignKey(
        Image,
        verbose_name="lead picture",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        help_text="Shown at the top of the article and on teasers.",
    )
    search_title = models.CharField(
        "search title",
        max_length=SEARCH_TITLE_MAX_LENGTH,
        blank=True,
        help_text="Shown as the title in search results and the browser tab; search engines "
        "show about 60 characters. Empty: the headline.",
    )
    search_description = models.TextField(
        "search description",
        max_length=SEARCH_DESCRIPTION_MAX_LENGTH,
        blank=True,
        help_text="Shown under the title in search results and on social cards; at most "
        "160 characters. Empty: the standfirst.",
    )
    social_image = models.ForeignKey(
        Image,
        verbose_name="social picture",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Shown when the article is shared on social networks. Empty: the lead picture.",
    )
    status = models.CharField(
        "status",
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Only published articles whose publication time has passed are on the site.",
    )
    publish_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        help_text="A future time schedules the article; empty means “now” when it is published.",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="published by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="created by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="last saved by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    modified_at = models.DateTimeField(
        "updated",
        null=True,
        blank=True,
        editable=False,
        help_text="When the story last changed in substance: set by adding an update or "
        "correction, never by a plain save. Shown to readers as “Updated”.",
    )
    allow_replies = models.BooleanField(
        "allow replies", default=True, help_text="Readers may reply under the article."
    )
    live_from = models.DateTimeField(
        "live coverage since",
        null=True,
        blank=True,
        help_text="Makes this a live page: short, timestamped updates, newest first, that "
        "readers see arrive without reloading. Usually when the story broke.",
    )
    live_until = models.DateTimeField(
        "live coverage ended",
        null=True,
        blank=True,
        help_text="Empty while the coverage runs. Set it (or press “End coverage now”) when "
        "the story stops moving: readers then see “Coverage ended” and stop checking for updates.",
    )
    changes = models.ForeignKey(
        "articles.Revision",
        verbose_name="unpublished changes",
        on_delete=models.DO_NOTHING,  # revisions go only with their article
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="Changes saved over the live version: readers see them once they are published.",
    )
    changes_status = models.CharField(
        "changes",
        max_length=10,
        choices=Changes.choices,
        default=Changes.NONE,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("last saved", auto_now=True)
    # Kept up to date on PostgreSQL only (with a GIN index); other databases search without it.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        permissions = [("publish_article", "Can publish, schedule and unpublish articles")]
        indexes = [
            models.Index(fields=["status", "-publish_at"], name="article_visible_idx"),
            models.Index(fields=["primary_topic", "-publish_at"], name="article_topic_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(live_until__isnull=True)
                | Q(live_from__isnull=False, live_until__gte=F("live_from")),
                name="live_coverage_ends_after_it_starts",
                violation_error_message="Live coverage ends after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(changes__isnull=True, changes_status="")
                | Q(changes__isnull=False, changes_status__in=["draft", "review"]),
                name="changes_have_a_revision_and_a_state",
                violation_error_message="Unpublished changes need a revision and a state.",
            ),
            models.CheckConstraint(
                condition=~Q(status="published")
                | Q(publish_at__isnull=False, primary_topic__isnull=False),
                name="published_article_has_time_and_section",
                violation_error_message=(
                    "A published article needs a publication time and a section."
                ),
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        # Sanitising here, not only in the admin form, keeps the shell and commands honest.
        self.body = sanitize_body(self.body or "")
        remember(embed_urls(self.body))  # each embed's provider is asked once, in the background
        if not self.slug:
            self.slug = unique_slug(Article, self.headline, exclude_pk=self.pk)
        super().save(*args, **kwargs)
        loaded = getattr(self, "_loaded_slug", None)
        if loaded and loaded != self.slug:
            # Old links keep working: the former address answers with a permanent redirect.
            FormerSlug.objects.update_or_create(slug=loaded, defaults={"article": self})
            FormerSlug.objects.filter(slug=self.slug).delete()
        self._loaded_slug = self.slug
        update_fields = kwargs.get("update_fields")
        if connection.vendor == "postgresql" and (
            update_fields is None or {"headline", "standfirst", "body"} & set(update_fields)
        ):
            Article.objects.filter(pk=self.pk).update(search_vector=ARTICLE_SEARCH_VECTOR)

    def get_absolute_url(self):
        topic = self.primary_topic.slug if self.primary_topic_id else "news"
        return links.url("articles:article", topic, self.slug)

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        article._loaded_slug = article.__dict__.get("slug")
        return article

    def is_published(self, now=None) -> bool:
        """For one article in hand, what `ArticleQuerySet.published()` says of many."""
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= (now or timezone.now())
        )

    def is_live(self, now=None) -> bool:
        """A live page whose coverage runs now: it shows "Live" and readers check for updates."""
        now = now or timezone.now()
        return (
            self.live_from is not None
            and self.live_from <= now
            and (self.live_until is None or self.live_until > now)
        )

    def coverage_ended(self, now=None) -> bool:
        return self.live_until is not None and self.live_until <= (now or timezone.now())

    def is_scheduled(self, now=None) -> bool:
        """For one article in hand, what `ArticleQuerySet.scheduled()` says of many."""
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > (now or timezone.now())
        )

    @property
    def last_modified(self):
        """When readers last saw it change: its latest update or correction, else its
        publication (feeds, sitemaps, metadata and the page all say this)."""
        return self.modified_at or self.publish_at

    @property
    def page_title(self) -> str:
        """The title search engines and social cards show: the search title, else the headline."""
        return self.search_title or self.headline

    @property
    def page_description(self) -> str:
        """What search engines and social cards show under the title: the search description,
        else the standfirst ("" when neither is written)."""
        return self.search_description or self.standfirst

    @property
    def social_picture(self) -> Image | None:
        """The picture of the article's social cards: the social picture, else the lead one."""
        return self.social_image if self.social_image_id else self.hero_image

    @property
    def status_label(self) -> str:
        """The status an editor needs to see: published in the future reads "Scheduled", and
        a live article with changes saved over it says so."""
        label = "Scheduled" if self.is_scheduled() else self.get_status_display()
        changes = {
            self.Changes.DRAFT: "with unpublished changes",
            self.Changes.IN_REVIEW: "changes in review",
        }.get(self.changes_status)
        if self.status != self.Status.PUBLISHED or not changes:
            return label
        return f"{'Live' if label == 'Published' else label}, {changes}"

    @property
    def byline_authors(self) -> list[Author]:
        # A preview of unsaved or staged content names its authors without saving bylines.
        if (staged := getattr(self, "staged_authors", None)) is not None:
            return staged
        return [byline.author for byline in self.bylines.all()]
