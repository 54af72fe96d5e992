"""What a front change purges, and when pages showing a front must end by the clock alone.

A front published now, scheduled or cancelled purges that front's tag only. A scheduled
arrangement needs no job either: as with a scheduled article (`articles/purging.py`), every
page's lifetime, in every cache, ends at the next arrangement's time
(`seconds_to_next_arrangement`), and the page rendered then reads the arrangement now live.
"""

from django.core.cache import cache
from django.db.models import Min
from django.utils import timezone

from fronts import events
from fronts.models import Arrangement
from fronts.tags import front_tag
from newsroom.pagecache.middleware import limit_lifetime
from newsroom.pagecache.tags import purge

NEXT_ARRANGEMENT_KEY = "next-front-arrangement"


def seconds_to_next_arrangement() -> float | None:
    """Seconds until a scheduled arrangement goes live; None when none is due."""
    upcoming = cache.get(NEXT_ARRANGEMENT_KEY)
    now = timezone.now()
    if upcoming is None:
        when = Arrangement.objects.filter(live_from__gt=now).aggregate(at=Min("live_from"))["at"]
        upcoming = when.timestamp() if when else 0
        # Kept until that time (or an hour); any front change in between deletes it.
        wait = int(upcoming - now.timestamp()) + 1 if when else 3600
        cache.set(NEXT_ARRANGEMENT_KEY, upcoming, timeout=wait)
    return upcoming - now.timestamp() if upcoming > now.timestamp() else None


def _front_changed(sender, front, **kwargs):
    cache.delete(NEXT_ARRANGEMENT_KEY)
    purge(front_tag(front.topic_id))


def connect() -> None:
    limit_lifetime(seconds_to_next_arrangement)
    events.front_changed.connect(_front_changed, dispatch_uid="purge-front-changed")
