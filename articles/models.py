from django.conf import settings
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models, transaction
from django.db.models import F, Func, Q, Value
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.text import slugify
from django_prose_editor.fields import ProseEditorField

from articles.images import (
    delete_files,
    delete_renditions,
    make_renditions,
    normalise,
    rendition_key,
    rendition_names,
    validate_image_file,
)
from articles.richtext import BODY_EXTENSIONS, sanitize_body
from newsroom import links, purges

# Paths the site uses at its top level; a topic may not take one as its slug.
RESERVED_SLUGS = frozenset(
    {"admin", "authors", "latest", "pages", "search", "feed", "feeds", "static", "media",
     "preview", "replies", "archive", "accounts", "api", "healthz", "topics"}
)  # fmt: skip


def validate_topic_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            "“%(slug)s” is used by another part of the site; choose another slug.",
            params={"slug": value},
            code="reserved",
        )


class Topic(models.Model):
    """A section ("Weather") or subsection of the site; editors choose which are in the top bar."""

    name = models.CharField("name", max_length=80, help_text="Shown in the top bar and on pages.")
    slug = models.SlugField(
        "slug",
        max_length=80,
        unique=True,
        validators=[validate_topic_slug],
        help_text="The topic's web address: /slug/. Changing it changes its links.",
    )
    description = models.TextField(
        "description",
        max_length=500,
        blank=True,
        help_text="One or two sentences shown at the top of the topic page.",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="parent section",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="Leave empty for a section; choose a section to make this a subsection.",
    )
    show_in_nav = models.BooleanField(
        "in the top bar", default=False, help_text="Show this topic in the site's top bar."
    )
    nav_order = models.PositiveSmallIntegerField(
        "order in the top bar", default=100, help_text="Lower numbers come first."
    )

    class Meta:
        ordering = ["nav_order", "name"]
        indexes = [models.Index(fields=["show_in_nav", "nav_order"], name="topic_nav_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="topic_not_its_own_parent"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return links.url("articles:topic", self.slug)


class Image(models.Model):
    """A picture with the words that go with it; reused across articles and authors."""

    file = models.ImageField(
        "file",
        upload_to="images/%Y/%m/",
        width_field="width",
        height_field="height",
        validators=[validate_image_file],
        help_text="A JPEG, PNG, WebP or GIF file, at most 20 MB.",
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    alt_text = models.CharField(
        "alt text",
        max_length=250,
        help_text="What the picture shows, for readers who cannot see it. Required.",
    )
    caption = models.CharField(
        "caption", max_length=300, blank=True, help_text="Shown under the picture."
    )
    credit = models.CharField(
        "credit",
        max_length=120,
        blank=True,
        help_text="Photographer or agency, e.g. “Jane Doe/AP”.",
    )
    focal_x = models.FloatField(
        "focal point, across",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0 is the left edge, 1 the right. Click the picture to set it.",
    )
    focal_y = models.FloatField(
        "focal point, down",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0 is the top edge, 1 the bottom. Crops keep this point in frame.",
    )
    renditions = models.JSONField("renditions", default=dict, blank=True, editable=False)
    created_at = models.DateTimeField("uploaded", auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="image_focal_point_inside",
            )
        ]

    def __str__(self):
        return self.alt_text

    def save(self, *args, **kwargs):
        if self.file and self.file.name != getattr(self, "_stored_file", None):
            self._normalise_file()
        super().save(*args, **kwargs)
        self._stored_file = self.file.name
        if self.file and self.renditions.get("key") != rendition_key(self):
            # Made once per file and focal point; the ones they replace are removed.
            old, self.renditions = self.renditions, make_renditions(self)
            super().save(update_fields=["renditions"])
            delete_renditions(old, keep=rendition_names(self.renditions))

    @classmethod
    def from_db(cls, db, field_names, values):
        image = super().from_db(db, field_names, values)
        image._stored_file = image.__dict__.get("file")
        return image

    def _normalise_file(self):
        """A new file is stored upright and without EXIF, so no location ever leaks."""
        self.file.open("rb")
        try:
            data, width, height, _ = normalise(self.file.read())
        finally:
            self.file.close()
        if self.file._committed:  # already written as uploaded: that copy must not stay
            self.file.storage.delete(self.file.name)
        name = self.file.name.rsplit("/", 1)[-1]
        self.file.save(name, ContentFile(data, name=name), save=False)
        self.width, self.height = width, height

    def rendition(self, spec: str, fmt: str = "JPEG"):
        """The (width, height, url) rows of one kind of rendition, smallest first."""
        rows = (self.renditions.get(spec) or {}).get(fmt) or []
        return [(w, h, links.media_url(name)) for w, h, name in rows]

    def rendition_or_original(self, spec: str, fmt: str = "JPEG"):
        """As `rendition()`; until renditions exist (a picture saved outside the app), the
        original as the only row."""
        return self.rendition(spec, fmt) or [(self.width, self.height, self.file.url)]

    @property
    def social_name(self) -> str:
        """The 1200×630 crop's name in storage, or "" before renditions exist."""
        social = self.renditions.get("social")
        return social[2] if social else ""

    @property
    def social_url(self) -> str:
        return links.media_url(self.social_name) if self.social_name else ""


@receiver(post_delete, sender=Image)
def _delete_image_files(sender, instance, **kwargs):
    transaction.on_commit(lambda: delete_files(instance))


class Author(models.Model):
    """A byline. Staff writers are linked to their user account; guest authors have none."""

    name = models.CharField("name", max_length=120, help_text="As printed in the byline.")
    slug = models.SlugField(
        "slug", max_length=120, unique=True, help_text="The author page's address: /authors/slug/."
    )
    bio = models.TextField(
        "short biography", max_length=1000, blank=True, help_text="Shown on the author's page."
    )
    photo = models.ForeignKey(
        Image,
        verbose_name="photo",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Optional portrait.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="user account",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        help_text="The staff account that writes as this author; empty for guest authors.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return links.url("articles:author", self.slug)


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
    dek = models.TextField(
        "standfirst",
        max_length=400,
        blank=True,
        help_text="One or two sentences under the headline; also used by search engines.",
    )
    body = ProseEditorField(
        "body",
        extensions=BODY_EXTENSIONS,
        sanitize=True,
        blank=True,
        help_text="The story. Headings, bold, italic, links, lists and quotes are kept.",
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
    is_featured = models.BooleanField(
        "featured", default=False, help_text="Show among the lead stories on the home page."
    )
    featured_order = models.PositiveSmallIntegerField(
        "featured order",
        default=100,
        help_text="Among featured stories, lower numbers come first; the first is the lead.",
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
            models.Index(
                fields=["featured_order", "-publish_at"],
                condition=Q(is_featured=True),
                name="article_featured_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published")
                | Q(publish_at__isnull=False, primary_topic__isnull=False),
                name="published_article_has_time_and_section",
                violation_error_message=(
                    "A published article needs a publication time and a section."
                ),
            )
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        # Sanitising here, not only in the admin form, keeps the shell and commands honest.
        self.body = sanitize_body(self.body or "")
        if not self.slug:
            self.slug = _unique_slug(self.headline, exclude_pk=self.pk)
        super().save(*args, **kwargs)
        loaded = getattr(self, "_loaded_slug", None)
        if loaded and loaded != self.slug:
            # Old links keep working: the former address answers with a permanent redirect.
            FormerSlug.objects.update_or_create(slug=loaded, defaults={"article": self})
            FormerSlug.objects.filter(slug=self.slug).delete()
        self._loaded_slug = self.slug
        update_fields = kwargs.get("update_fields")
        if connection.vendor == "postgresql" and (
            update_fields is None or {"headline", "dek", "body"} & set(update_fields)
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

    def is_visible(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and bool(self.publish_at)
            and self.publish_at <= now
        )

    def is_scheduled(self, now=None) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > (now or timezone.now())
        )

    @property
    def status_label(self) -> str:
        """The status an editor needs to see: published in the future reads "Scheduled"."""
        return "Scheduled" if self.is_scheduled() else self.get_status_display()

    @property
    def byline_authors(self) -> list[Author]:
        return [byline.author for byline in self.bylines.all()]


def _unique_slug(text: str, *, exclude_pk=None) -> str:
    base = slugify(text)[:180] or "article"
    taken = set(
        Article.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


# Headline matches rank above standfirst matches, which rank above body matches.
ARTICLE_SEARCH_VECTOR = (
    SearchVector("headline", weight="A", config="english")
    + SearchVector("dek", weight="B", config="english")
    + SearchVector(
        Func(
            F("body"),
            Value("<[^>]+>"),
            Value(" "),
            Value("g"),
            function="regexp_replace",
            output_field=models.TextField(),
        ),
        weight="C",
        config="english",
    )
)


class FormerSlug(models.Model):
    """An address an article had before its slug changed; it redirects to the article."""

    slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="former_slugs")

    class Meta:
        verbose_name = "former address"
        verbose_name_plural = "former addresses"

    def __str__(self):
        return self.slug


class Byline(models.Model):
    """One author of an article, in order."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(
        Author,
        verbose_name="author",
        on_delete=models.PROTECT,
        related_name="bylines",
        help_text="Type a name to find the author; add authors in the admin under Authors.",
    )
    order = models.PositiveSmallIntegerField(
        "order", default=0, help_text="Lower numbers come first in the byline."
    )

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="one_byline_per_author")
        ]

    def __str__(self):
        return str(self.author)


class ArticleNote(models.Model):
    """A dated correction (shown at the top of the article) or update (at the foot)."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update or clarification"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(
        "kind",
        max_length=20,
        choices=Kind.choices,
        default=Kind.CORRECTION,
        help_text="A correction fixes an error and is shown at the top; an update or "
        "clarification adds to the story and is shown at the foot.",
    )
    text = models.TextField(
        "note", max_length=1000, help_text="What changed, in a sentence or two, as readers see it."
    )
    noted_at = models.DateTimeField(
        "date", default=timezone.now, help_text="Shown beside the note; usually now."
    )

    class Meta:
        ordering = ["noted_at", "pk"]
        verbose_name = "update or correction"
        verbose_name_plural = "updates and corrections"

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"


class BreakingNewsQuerySet(models.QuerySet):
    def current(self):
        return (
            self.filter(is_active=True)
            .select_related("article__primary_topic")
            .order_by("-raised_at")
            .first()
        )


class BreakingNews(models.Model):
    """A banner across the top of every page, raised and cleared by editors."""

    text = models.CharField("text", max_length=200, help_text="One short line, e.g. “Polls close”.")
    article = models.ForeignKey(
        Article,
        verbose_name="linked article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Optional: the story the banner links to (linked only once it is published).",
    )
    is_active = models.BooleanField(
        "raised", default=True, help_text="Untick to clear the banner from the site."
    )
    raised_at = models.DateTimeField("raised at", default=timezone.now)

    objects = BreakingNewsQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = "breaking-news banner"
        verbose_name_plural = "breaking-news banners"

    def __str__(self):
        return self.text


class Revision(models.Model):
    """The words of an article as one save left them: who, when, headline, standfirst, body."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    created_at = models.DateTimeField("saved", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="saved by",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    headline = models.CharField("headline", max_length=200)
    dek = models.TextField("standfirst", blank=True)
    body = models.TextField("body", blank=True)
    note = models.CharField("note", max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["article", "-created_at"], name="revision_article_idx")]

    def __str__(self):
        return f"{self.article} — {self.created_at:%Y-%m-%d %H:%M}"


class PreviewLink(models.Model):
    """A signed, expiring link that shows one unpublished article to someone without an account."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    created_at = models.DateTimeField("made", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField("expires")
    revoked_at = models.DateTimeField("revoked", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Preview of {self.article} made {self.created_at:%Y-%m-%d %H:%M}"

    def is_active(self, now=None) -> bool:
        return self.revoked_at is None and (now or timezone.now()) < self.expires_at


class AuditEntry(models.Model):
    """One line of the desk's log: who did what to which article or reply, and when."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "Submitted for review"
        WITHDRAW = "withdraw", "Sent back to draft"
        PUBLISH = "publish", "Published"
        SCHEDULE = "schedule", "Scheduled"
        UNPUBLISH = "unpublish", "Unpublished"
        ARCHIVE = "archive", "Archived"
        RESTORE = "restore", "Restored from the archive"
        REVISION_RESTORED = "revision_restored", "Revision restored"
        NOTE = "note", "Correction or update added"
        PREVIEW_MADE = "preview_made", "Preview link made"
        PREVIEW_REVOKED = "preview_revoked", "Preview link revoked"
        APPROVE = "approve", "Replies approved"
        REJECT = "reject", "Replies rejected"
        SPAM = "spam", "Replies marked as spam"
        ERASE = "erase", "Replier's details erased on request"
        DELETE = "delete", "Deleted"

    at = models.DateTimeField("when", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="who",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    action = models.CharField("what", max_length=30, choices=Action.choices, db_index=True)
    article = models.ForeignKey(
        Article,
        verbose_name="article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    subject = models.CharField("about", max_length=300)
    detail = models.TextField("details", blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "desk log entry"
        verbose_name_plural = "desk log"

    def __str__(self):
        return f"{self.get_action_display()}: {self.subject}"


class SiteChrome(models.Model):
    """What every page's header and footer show: the top bar's sections, the breaking-news
    banner and the footer pages, kept in one row so that a page reads them in one query.

    Rebuilt by the change itself whenever a topic, a banner, an article or a footer page
    changes: at once, inside the change's transaction, and again once it commits (so that of
    two concurrent changes, the later rebuild sees both). Readers never write it; before its
    first rebuild they read the three tables instead.
    """

    data = models.JSONField(default=dict, editable=False)

    class Meta:
        verbose_name = "site header and footer"
        verbose_name_plural = verbose_name

    def __str__(self):
        return "The site's header and footer"

    # (purge stamp, data): what this process read last, good until the next purge.
    _remembered: tuple[int, dict] | None = None

    @staticmethod
    def current() -> dict:
        """The header and footer. Each process reads them once per purge: every change to
        them purges the `chrome` tag, which moves the purge stamp (newsroom/purges.py)."""
        stamp = purges.stamp()
        remembered = SiteChrome._remembered
        if stamp is not None and remembered is not None and remembered[0] == stamp:
            return remembered[1]
        data = next(iter(SiteChrome.objects.filter(pk=1).values_list("data", flat=True)), None)
        if data is None:
            data = SiteChrome.build()
        if stamp is not None:
            SiteChrome._remembered = (stamp, data)
        return data

    @staticmethod
    def build() -> dict:
        from django.contrib.flatpages.models import FlatPage

        banner = BreakingNews.objects.current()
        linked = banner.article if banner else None
        return {
            "nav": [
                {"name": topic.name, "url": topic.get_absolute_url()}
                for topic in Topic.objects.filter(show_in_nav=True, parent=None)
            ],
            "breaking": banner
            and {
                "text": banner.text,
                "url": linked.get_absolute_url() if linked else "",
                # The link shows once the article is published and its time has come.
                "linked_from": linked.publish_at.isoformat()
                if linked and linked.status == Article.Status.PUBLISHED and linked.publish_at
                else "",
            },
            "footer": [
                {"title": page.title, "url": page.get_absolute_url()}
                for page in FlatPage.objects.filter(
                    sites=settings.SITE_ID, registration_required=False
                ).order_by("url")
            ],
        }

    @staticmethod
    def rebuild() -> None:
        def save():
            SiteChrome.objects.update_or_create(pk=1, defaults={"data": SiteChrome.build()})

        save()
        transaction.on_commit(save)


def _chrome_changed(sender, **kwargs):
    SiteChrome.rebuild()


def connect_chrome_signals() -> None:
    from django.contrib.flatpages.models import FlatPage
    from django.db.models.signals import m2m_changed, post_save

    for model in (Topic, BreakingNews, Article, FlatPage):
        uid = f"chrome-{model.__name__}"
        post_save.connect(_chrome_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_chrome_changed, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(_chrome_changed, sender=FlatPage.sites.through, dispatch_uid="chrome-sites")
