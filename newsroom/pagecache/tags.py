"""Tags: what a page shows, and the purge API: what a change purges.

A view tags its page with what it displays (`tag(request, "article-7", "topic-2")`); a change a
reader would see purges the tags it touches (`purge("article-7")`). The apps declare their own
tags (`articles/tags.py`, `comments/tags.py`) and purge them when their services say what
happened (`articles/purging.py`, `comments/purging.py`); this package knows no app.

A purge reaches two places once the change commits:
- this app's page cache (`middleware.py`) and the WSGI front (`front.py`), at once, inside the
  request: a reader never gets the old page from the app after the save answered. The purge
  takes the next number of the purge sequence and is written in the purge log (`sequence.py`);
- every shared cache named in CACHE_PURGE_URLS (Varnish's xkey, a CDN's purge endpoint), over
  HTTP, never inside the request (`shared.py`).
"""

from django.db import connection, transaction

from newsroom.pagecache import EVERY_PAGE, sequence, shared

__all__ = ["EVERY_PAGE", "purge", "tag"]


def tag(request, *tags: str) -> None:
    """Say that the page answering `request` shows these things."""
    request.cache_tags = getattr(request, "cache_tags", set()) | set(tags)


def purge(*tags: str) -> None:
    """Purge every page tagged with one of `tags`, once the current transaction commits.

    Inside a transaction the app's own cache is also purged at once, so that a page rendered
    from data about to change is not served in between (as a test's transaction sees it)."""
    tags = frozenset(t for t in tags if t)
    if not tags:
        return
    if connection.in_atomic_block:
        sequence.record(tags)
    transaction.on_commit(lambda: _purge_everywhere(tags))


def _purge_everywhere(tags: frozenset[str]) -> None:
    sequence.record(tags)
    shared.queue_purges(tags)
