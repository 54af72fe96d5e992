"""How long the hourly rows are kept: FIGURES_RETENTION_DAYS, after which a story's views and
referring hosts hour by hour are deleted by the daily jobs (`newsroom.tasks.daily`). Nothing
the desk shows reaches further back than a fortnight (`reports.MAX_HOURS`), so the setting
keeps a year or so for those who want to look in the database, and no more."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from figures.models import HourlyReferrer, HourlyViews


@dataclass(frozen=True)
class Pruned:
    views: int
    referrers: int

    def __str__(self):
        return (
            f"figures older than {settings.FIGURES_RETENTION_DAYS} days: {self.views} hourly "
            f"views and {self.referrers} referring hosts' rows deleted"
        )


def prune(*, now=None) -> Pruned:
    """Delete the hourly rows of hours that began more than FIGURES_RETENTION_DAYS ago."""
    before = (now or timezone.now()) - timedelta(days=settings.FIGURES_RETENTION_DAYS)
    views, _ = HourlyViews.objects.filter(hour__lt=before).delete()
    referrers, _ = HourlyReferrer.objects.filter(hour__lt=before).delete()
    return Pruned(views, referrers)


def prune_daily(**kwargs) -> str:
    """A receiver of `daily_jobs`: its line for the worker's log."""
    return str(prune())
