"""Story figures as the desk reads them: views per article per hour, referring hosts per article
per hour, and the most-read ranking readers see. Nothing here names or identifies a reader: a row
is a count.

Views arrive from the readers' beacon into a counting store (`figures/store.py`: Redis, or
`Tally` rows in the database) and are folded into the hourly rows by a task
(`figures/fold.py`)."""

from django.db import models


class HourlyViews(models.Model):
    """Page views of one article in one hour (UTC), scaled back up from the sampled beacons."""

    article = models.ForeignKey(
        "articles.Article",
        verbose_name="article",
        on_delete=models.CASCADE,
        related_name="hourly_views",
        help_text="The story viewed.",
    )
    hour = models.DateTimeField("hour", help_text="The start of the hour, in UTC.")
    views = models.PositiveBigIntegerField("views", default=0, help_text="Page views counted.")

    class Meta:
        verbose_name = "story figures"
        verbose_name_plural = "stories read today"
        ordering = ["article", "hour"]
        constraints = [
            models.UniqueConstraint(fields=["article", "hour"], name="hourly_views_once"),
        ]
        indexes = [models.Index(fields=["hour", "article"], name="hourly_views_hour_idx")]

    def __str__(self):
        return f"{self.article_id} at {self.hour:%Y-%m-%d %H:00}: {self.views}"


class HourlyReferrer(models.Model):
    """Views of one article in one hour that came from one host (the referring page's host
    only; empty when the browser named none)."""

    article = models.ForeignKey(
        "articles.Article",
        verbose_name="article",
        on_delete=models.CASCADE,
        related_name="hourly_referrers",
        help_text="The story viewed.",
    )
    hour = models.DateTimeField("hour", help_text="The start of the hour, in UTC.")
    host = models.CharField(
        "referring host",
        max_length=253,
        blank=True,
        help_text="The host of the page the reader came from; empty when none was given.",
    )
    views = models.PositiveBigIntegerField("views", default=0, help_text="Page views counted.")

    class Meta:
        verbose_name = "referring host"
        verbose_name_plural = "referring hosts"
        ordering = ["article", "hour", "host"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "hour", "host"], name="hourly_referrer_once"
            ),
        ]

    def __str__(self):
        return f"{self.article_id} from {self.host or '(none)'}: {self.views}"


class MostRead(models.Model):
    """The ranking readers see under every story: the most-viewed published stories of the last
    24 hours, as the last refresh found them (`figures/most_read.py`)."""

    article = models.OneToOneField(
        "articles.Article",
        verbose_name="article",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="most_read",
        help_text="A story in the ranking.",
    )
    position = models.PositiveSmallIntegerField("position", help_text="1 is the most read.")
    views = models.PositiveBigIntegerField(
        "views", help_text="Its views in the 24 hours before the refresh."
    )
    ranked_at = models.DateTimeField(
        "ranked at", help_text="When this order was decided (readers' pages purged)."
    )

    class Meta:
        verbose_name = "most-read story"
        verbose_name_plural = "most-read stories"
        ordering = ["position"]

    def __str__(self):
        return f"{self.position}. {self.article_id}"


class Tally(models.Model):
    """A count not folded yet, when the cache is not Redis (the embedded default): one row per
    article, hour and referring host, added to in one statement by each beacon."""

    article_id = models.PositiveBigIntegerField("article", help_text="The story's id.")
    hour = models.DateTimeField("hour", help_text="The start of the hour, in UTC.")
    host = models.CharField(
        "referring host", max_length=253, blank=True, help_text="Empty when none was given."
    )
    views = models.PositiveBigIntegerField("views", default=0, help_text="Page views counted.")

    class Meta:
        verbose_name = "tally"
        verbose_name_plural = "tallies"
        constraints = [
            models.UniqueConstraint(fields=["article_id", "hour", "host"], name="tally_once"),
        ]

    def __str__(self):
        return f"{self.article_id} at {self.hour:%H:00} from {self.host or '(none)'}: {self.views}"
