"""What each change to live coverage purges, from the events its services send (`live/events.py`).

An update posted, corrected, pinned or deleted purges its page's `live-<pk>` tag, only while
readers may see the page: a draft live page's updates purge nothing.
"""

from live import events
from live.tags import live_tag
from newsroom.pagecache.tags import purge


def _live_page_updated(sender, article, **kwargs):
    if article.is_published():
        purge(live_tag(article.pk))


def connect() -> None:
    events.live_page_updated.connect(_live_page_updated, dispatch_uid="purge-live-page-updated")
