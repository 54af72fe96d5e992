"""The page cache's record: the purges owed to the shared caches (`shared.py`), in the
newsroom app's tables."""

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from newsroom.pagecache import EVERY_PAGE

# Past this many waiting tags for one cache, purge every page there instead (the `site` tag).
MAX_PENDING_TAGS = 500


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
