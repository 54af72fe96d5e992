"""The core's records: the purges owed to the shared caches (newsroom/pagecache/models.py) and
the security counts (newsroom/ratelimit.py).

This module also makes Django send post_migrate to the newsroom app, on which the roles are
synced."""

from django.db import models

from newsroom.pagecache.models import PendingPurge

__all__ = ["PendingPurge", "SecurityCount"]


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
