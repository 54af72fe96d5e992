"""The core's one record: purges a shared cache has not taken yet (see newsroom/purges.py).

This module also makes Django send post_migrate to the newsroom app, on which the roles are
synced."""

from django.db import models, transaction
from django.utils import timezone

# Past this many waiting tags for one cache, purge every page there instead (the `site` tag).
MAX_PENDING_TAGS = 500
EVERY_PAGE = "site"


class PendingPurge(models.Model):
    """Tags a shared cache (one of CACHE_PURGE_URLS) has still to drop: its purge failed. One
    row per cache, the tags merged; sent again before the next purge and by `retry_purges`."""

    url = models.CharField("purge address", max_length=500, unique=True)
    tags = models.TextField("tags", help_text="Space-separated.")
    attempts = models.PositiveIntegerField("attempts", default=1)
    first_failed_at = models.DateTimeField("first failed", default=timezone.now)
    last_error = models.CharField("last error", max_length=500, blank=True)

    class Meta:
        ordering = ["first_failed_at"]
        verbose_name = "purge waiting to be sent"
        verbose_name_plural = "purges waiting to be sent"

    def __str__(self):
        return f"{self.url}: {self.tags[:80]}"

    @classmethod
    def keep(cls, url: str, tags: list[str], error: str) -> None:
        with transaction.atomic():
            row, created = cls.objects.select_for_update().get_or_create(
                url=url, defaults={"tags": " ".join(tags), "last_error": error[:500]}
            )
            if created:
                return
            merged = set(row.tags.split()) | set(tags)
            if len(merged) > MAX_PENDING_TAGS:
                merged = {EVERY_PAGE}
            row.tags = " ".join(sorted(merged))
            row.attempts += 1
            row.last_error = error[:500]
            row.save()


class SecurityCount(models.Model):
    """A count of attempts (failed sign-ins, replies, reset requests) from one client, or a
    lock on it, kept until `expires_at` (newsroom/ratelimit.py). Never dropped to make room,
    as the page cache's entries are; expired rows go with the daily jobs."""

    key = models.CharField("key", max_length=200, primary_key=True)
    count = models.PositiveIntegerField("count", default=0)
    expires_at = models.DateTimeField("expires", db_index=True)

    class Meta:
        verbose_name = "security count"
        verbose_name_plural = "security counts"

    def __str__(self):
        return f"{self.key}: {self.count} until {self.expires_at:%Y-%m-%d %H:%M:%S}"
