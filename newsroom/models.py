"""The core's records: the purges owed to the shared caches (newsroom/purges.py) and the
security counts (newsroom/ratelimit.py).

This module also makes Django send post_migrate to the newsroom app, on which the roles are
synced."""

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

# Past this many waiting tags for one cache, purge every page there instead (the `site` tag).
MAX_PENDING_TAGS = 500
EVERY_PAGE = "site"


class PendingPurge(models.Model):
    """Tags a shared cache (one of CACHE_PURGE_URLS) has still to drop: the outbox of purges.
    One row per cache, the tags of every purge since it last took one merged in; kept until
    the cache answers, so a purge is not lost when a process exits or the cache is down."""

    url = models.CharField("purge address", max_length=500, unique=True)
    tags = models.TextField("tags", help_text="Space-separated.")
    revision = models.PositiveBigIntegerField(
        "revision", default=0, help_text="Moves with every purge merged in."
    )
    attempts = models.PositiveIntegerField("failed attempts", default=0)
    queued_at = models.DateTimeField("owed since", default=timezone.now)
    last_error = models.CharField("last error", max_length=500, blank=True)

    class Meta:
        ordering = ["queued_at"]
        verbose_name = "purge waiting to be sent"
        verbose_name_plural = "purges waiting to be sent"

    def __str__(self):
        return f"{self.url}: {self.tags[:80]}"

    @classmethod
    def owe(cls, url: str, tags: list[str]) -> None:
        """Add tags to what `url` is owed."""
        with transaction.atomic():
            row, created = cls.objects.select_for_update().get_or_create(
                url=url, defaults={"tags": " ".join(sorted(tags))}
            )
            if created:
                return
            merged = set(row.tags.split()) | set(tags)
            if len(merged) > MAX_PENDING_TAGS:
                merged = {EVERY_PAGE}
            row.tags = " ".join(sorted(merged))
            row.revision += 1
            row.save(update_fields=["tags", "revision"])

    def taken(self) -> bool:
        """The cache took these tags: forget them, unless more were merged in meanwhile.
        Returns whether the row went."""
        deleted, _ = type(self).objects.filter(pk=self.pk, revision=self.revision).delete()
        return bool(deleted)

    def refused(self, error: str) -> None:
        type(self).objects.filter(pk=self.pk).update(
            attempts=F("attempts") + 1, last_error=error[:500]
        )


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
