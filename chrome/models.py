"""What every page shows around the article: the breaking-news banner, and `SiteChrome`,
the one row the header and footer are read from."""

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from articles.models import Article, Topic
from chrome import events
from newsroom.pagecache import sequence


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
        db_table = "articles_breakingnews"  # kept from when it was part of the articles app

    def __str__(self):
        return self.text


class SiteChrome(models.Model):
    """What every page's header and footer show: the top bar's sections, the breaking-news
    banner and the footer pages, kept in one row so that a page reads them in one query.

    Rebuilt once by the service that changes what it shows (a banner, a footer page, a topic
    in the top bar, the article a banner links to: `changed()`, see chrome/purging.py), inside
    the change's transaction with the row locked. Readers never write it; before its first
    rebuild they read the three tables instead.
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


def changed() -> None:
    """The header or footer changed (a banner, a footer page, the top bar's sections): the
    row is rebuilt and readers' pages are told (`events.chrome_changed`)."""
    SiteChrome.rebuild()
    events.chrome_changed.send(sender=SiteChrome)
