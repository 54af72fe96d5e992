"""The page cache for anonymous readers: one page for every reader, purged by what it shows.

One module per concern:
- `tags.py`: tags on pages and the purge API (`tag()`, `purge()`);
- `sequence.py`: the purge sequence and log, by which the app's own caches learn of purges;
- `middleware.py`: the cache in Django (`ReaderPageCacheMiddleware`): which requests may be
  cached, storing pages and serving them;
- `front.py`: the WSGI application in front of Django, answering hits from its memory;
- `shared.py`: the shared caches in front (Varnish, a CDN): HTTP purges, owed purges and
  their retries;
- `models.py`: `PendingPurge`, the outbox of purges to the shared caches;
- `backends.py`: Django's Redis and file caches, failing soft, with their own lock;
- `fragments.py`: parts of a page kept apart, each with the tags of what it shows.
"""

# The tag every page carries: purging it empties every cache.
EVERY_PAGE = "site"
