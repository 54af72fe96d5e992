"""What every page shows around the article: the breaking-news banner (one at a time), the
top bar's links, and `SiteChrome`, the one row the header and footer are read from."""

from datetime import datetime

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import Article, Topic
from chrome import events
from newsroom.pagecache import sequence

# When the raised banner ends (a timestamp, 0 for none), for pages' lifetimes
# (`banner_seconds_left`): written whenever the header and footer are read or rebuilt.
BANNER_ENDS_KEY = "chrome-banner-ends"


class BreakingNewsQuerySet(models.QuerySet):
    def raised(self):
        return self.filter(is_active=True)

    def current(self, now=None):
        """The raised banner, unless its end time has passed."""
        now = now or timezone.now()
        return (
            self.raised()
            .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
            .select_related("article__primary_topic")
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
        "raised",
        default=True,
        help_text="Untick to clear the banner from the site. Raising a banner replaces the one "
        "raised before.",
    )
    raised_at = models.DateTimeField("raised at", default=timezone.now)
    ends_at = models.DateTimeField(
        "ends at",
        null=True,
        blank=True,
        help_text="Optional: from this time no reader sees the banner, with no one clearing it.",
    )

    objects = BreakingNewsQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = "breaking-news banner"
        verbose_name_plural = "breaking-news banners"
        db_table = "articles_breakingnews"  # kept from when it was part of the articles app
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_banner_raised"
            )
        ]

    def __str__(self):
        return self.text

    def clean(self):
        if self.is_active and self.ends_at and self.ends_at <= timezone.now():
            raise ValidationError(
                {
                    "ends_at": "This time has passed: no reader would see the banner. Leave it "
                    "empty or give a time to come."
                }
            )

    def validate_constraints(self, exclude=None):
        # A form raising a banner is not refused for the one raised already: raising replaces
        # it (`chrome.banners.save`), and the database keeps the rule.
        super().validate_constraints(exclude={*(exclude or ()), "is_active"})


def validate_address(value: str) -> None:
    """An address on this site (/weather/) or elsewhere (https://…): nothing a browser would
    run or read as another site's path."""
    if value.startswith("/") and not value.startswith("//"):
        return
    if value.startswith(("https://", "http://")) and len(value.split("/", 3)[2]) > 0:
        return
    raise ValidationError(
        "Give an address on this site starting with “/” (e.g. /weather/) or a full one "
        "starting with https://.",
        code="address",
    )


ONE_TARGET = "Choose one thing to link to: a topic, a page, an article or an address."


class TopBarLink(models.Model):
    """One link in the site's top bar: a topic, a footer page, an article (e.g. a live story)
    or an address, in the order editors arrange them (`chrome/topbar.py`)."""

    topic = models.ForeignKey(
        Topic,
        verbose_name="topic",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="A section or subsection's page.",
    )
    page = models.ForeignKey(
        FlatPage,
        verbose_name="page",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="One of the site's pages (About, Contact…).",
    )
    article = models.ForeignKey(
        Article,
        verbose_name="article",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="A story, e.g. a live page: shown only once it is published.",
    )
    url = models.CharField(
        "address",
        max_length=500,
        blank=True,
        validators=[validate_address],
        help_text="An address on this site (/latest/) or elsewhere (https://…). Give it a label.",
    )
    label = models.CharField(
        "label",
        max_length=40,
        blank=True,
        help_text="Optional for a topic, page or article: shown instead of its name, title or "
        "headline.",
    )
    position = models.PositiveIntegerField(
        "place", default=0, editable=False, help_text="Its place in the top bar, from the left."
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "top bar link"
        verbose_name_plural = "top bar"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(topic__isnull=False, page=None, article=None, url="")
                    | Q(topic=None, page__isnull=False, article=None, url="")
                    | Q(topic=None, page=None, article__isnull=False, url="")
                    | (Q(topic=None, page=None, article=None) & ~Q(url="") & ~Q(label=""))
                ),
                name="top_bar_link_has_one_target",
                # What the form says when the rule is broken (nothing, or several, to link to).
                violation_error_message=ONE_TARGET,
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        # One target, no more, no fewer: the constraint's check says so (`ONE_TARGET`), once.
        if self.url and not self.label:
            raise ValidationError({"label": "An address needs a label for readers to see."})

    @property
    def kind(self) -> str:
        for kind, target in [("topic", self.topic_id), ("page", self.page_id)]:
            if target:
                return kind
        return "article" if self.article_id else "address"

    @property
    def name(self) -> str:
        if self.label:
            return self.label
        target = self.topic or self.page or self.article
        if target is None:
            return self.url
        return getattr(target, "name", None) or getattr(target, "title", None) or target.headline

    def as_shown(self) -> dict:
        """What the header shows: the name, the address, and for an article the time from
        which it may be linked (none while it is not published)."""
        shown = {"name": self.name, "url": self.url, "from": ""}
        if target := self.topic or self.page or self.article:
            shown["url"] = target.get_absolute_url()
        article = self.article
        if article is not None:
            published = article.status == Article.Status.PUBLISHED and article.publish_at
            shown["from"] = article.publish_at.isoformat() if published else "never"
        return shown


class SiteChrome(models.Model):
    """What every page's header and footer show: the top bar's links, the breaking-news
    banner and the footer pages, kept in one row so that a page reads them in one query.

    Rebuilt once by the service that changes what it shows (the top bar, a banner, a footer
    page, a topic in the top bar, an article the banner or the top bar links to: `changed()`,
    see chrome/purging.py), inside the change's transaction with the row locked. Readers
    never write it; before its first rebuild they read the three tables instead.
    """

    data = models.JSONField(default=dict, editable=False)

    class Meta:
        verbose_name = "site header and footer"
        verbose_name_plural = verbose_name
        db_table = "articles_sitechrome"  # kept from when it was part of the articles app

    def __str__(self):
        return "The site's header and footer"

    # (purge stamp, data): what this process read last, good until the next purge.
    _remembered: tuple[int, dict] | None = None

    @staticmethod
    def current() -> dict:
        """The header and footer. Each process reads them once per purge: every change to
        them purges the `chrome` tag, which moves the purge stamp
        (newsroom/pagecache/sequence.py)."""
        stamp = sequence.stamp()
        remembered = SiteChrome._remembered
        if stamp is not None and remembered is not None and remembered[0] == stamp:
            return remembered[1]
        data = next(iter(SiteChrome.objects.filter(pk=1).values_list("data", flat=True)), None)
        if data is None:
            data = SiteChrome.build()
        _remember_banner_end(data)
        if stamp is not None:
            SiteChrome._remembered = (stamp, data)
        return data

    @staticmethod
    def build() -> dict:
        banner = BreakingNews.objects.current()
        linked = banner.article if banner else None
        links = TopBarLink.objects.select_related("topic", "page", "article__primary_topic")
        return {
            "nav": [link.as_shown() for link in links],
            "breaking": banner
            and {
                "text": banner.text,
                "url": linked.get_absolute_url() if linked else "",
                # The link shows once the article is published and its time has come.
                "linked_from": linked.publish_at.isoformat()
                if linked and linked.status == Article.Status.PUBLISHED and linked.publish_at
                else "",
                # No reader sees it from then on (`banner_seconds_left` ends pages then).
                "until": banner.ends_at.isoformat() if banner.ends_at else "",
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
        """Build the row again, once: its lock is taken first, so that of two changes made at
        once the later waits for the earlier to commit and builds from both."""
        with transaction.atomic():
            locked = SiteChrome.objects.select_for_update().filter(pk=1).values_list("pk")
            exists = bool(list(locked))
            data = SiteChrome.build()
            if exists:
                SiteChrome.objects.filter(pk=1).update(data=data)
            else:
                SiteChrome.objects.update_or_create(pk=1, defaults={"data": data})
        _remember_banner_end(data)


def _remember_banner_end(data: dict) -> None:
    until = (data.get("breaking") or {}).get("until")
    ends = datetime.fromisoformat(until).timestamp() if until else 0
    cache.set(BANNER_ENDS_KEY, ends, timeout=None)


def banner_seconds_left() -> float | None:
    """Seconds until the raised banner ends, when it has an end time: every page, in every
    cache, ends then, so that no reader sees it after (as pages end at a scheduled
    publication). None when no banner is due to end."""
    ends = cache.get(BANNER_ENDS_KEY)
    if ends is None:
        _remember_banner_end(SiteChrome.current())
        ends = cache.get(BANNER_ENDS_KEY, 0)
    left = ends - timezone.now().timestamp() if ends else None
    return left if left is not None and left > 0 else None


def changed() -> None:
    """The header or footer changed (a banner, a footer page, the top bar): the
    row is rebuilt and readers' pages are told (`events.chrome_changed`)."""
    SiteChrome.rebuild()
    events.chrome_changed.send(sender=SiteChrome)
