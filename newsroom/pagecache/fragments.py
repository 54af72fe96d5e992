"""Parts of a page kept apart, each with the tags of what it shows.

A page missing from the cache is seldom wholly new: after a reply is approved, the article
above it is as it was. So a view may build its page from fragments (`fragment()`): each is
kept in the cache under its own key with the tags its rendering added, and served while none
of those tags was purged after it was rendered, the check a stored page passes
(`sequence.fresh`). The page still carries every tag of every fragment in it.

Fragments are kept only where the whole page may be (an anonymous reader's GET of a public
page, with the page cache on), never for a page a view said not to store (`do_not_store`);
elsewhere the render function simply runs.
"""

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

from newsroom.pagecache import EVERY_PAGE, sequence
from newsroom.pagecache.middleware import is_cacheable, release, seconds_to_end
from newsroom.pagecache.tags import tag


@dataclass(frozen=True)
class StoredFragment:
    value: Any
    tags: frozenset[str]
    rendered_at: int  # the purge sequence number read before rendering
    expires: float


def fragment_key(name: str, key: str) -> str:
    """The cache key: `key` may carry what a client sent (`?replies=`), so it is hashed, safe
    for every cache backend whatever its length or characters."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"fragment:{release()}:{name}:{digest}"


class _Memory:
    """The fragments this process rendered or found fresh, as the front keeps pages: each
    fresh at the purge number `seen`, and dropped when a purge since names one of its tags (read
    from the purge log), all of them when the log cannot say. A typical miss (a page whose
    replies changed) reads its other fragments from here, not from the cache."""

    LIMIT = 1024

    def __init__(self):
        self.items: dict[str, StoredFragment] = {}
        self.seen = -1
        self.lock = threading.Lock()  # for servers that run several threads per process

    def sync(self, current: int) -> None:
        """Bring the memory to purge number `current`."""
        if current == self.seen:
            return
        with self.lock:
            if current < self.seen:  # the sequence began again, or a request started earlier
                purged = None
            else:
                purged = sequence.purged_since(self.seen, current) if self.seen >= 0 else None
            if purged is None:
                self.items = {}
            else:
                self.items = {k: f for k, f in self.items.items() if purged.isdisjoint(f.tags)}
            self.seen = current

    def keep(self, key: str, stored: StoredFragment, fresh_at: int) -> None:
        with self.lock:
            if fresh_at != self.seen:
                return
            if len(self.items) >= self.LIMIT:
                self.items.pop(next(iter(self.items)))  # the oldest
            self.items[key] = stored


_memory = _Memory()


def fragment(request, name: str, key: str, render: Callable[[], Any], *, seconds=None) -> Any:
    """The fragment `name` for `key`: the one kept, if none of its tags was purged since it
    was rendered, else `render()`'s, kept for next time (at most `seconds`, when given: the
    time until it changes by the clock alone). Tags added while rendering are the fragment's;
    both ways they are added to the page's."""
    if not is_cacheable(request) or sequence.owing():
        return render()
    # The number read before the view read anything (the article it was handed included): a
    # purge made after it is one this fragment may not show.
    checked_at = getattr(request, "page_cache_checked_at", None)
    if checked_at is None:
        checked_at = sequence.current()
    cache_key = fragment_key(name, key)
    now = time.time()
    _memory.sync(checked_at)
    stored = _memory.items.get(cache_key)
    if stored is not None and stored.expires > now:
        tag(request, *stored.tags)
        return stored.value
    stored = cache.get(cache_key)
    if (
        isinstance(stored, StoredFragment)
        and stored.expires > now
        and sequence.fresh(stored.tags, stored.rendered_at)
    ):
        _memory.keep(cache_key, stored, checked_at)
        tag(request, *stored.tags)
        return stored.value
    page_tags = getattr(request, "cache_tags", set())
    request.cache_tags = set()
    try:
        value = render()
    finally:
        tags = frozenset(request.cache_tags) | {EVERY_PAGE}  # as every page: purged by an import
        request.cache_tags = page_tags | tags
    _keep(request, cache_key, value, tags, checked_at, seconds)
    return value


def _keep(request, cache_key, value, tags, rendered_at, seconds) -> None:
    if getattr(request, "page_cache_store", True) is False:
        return
    limits = [settings.PAGE_CACHE_SECONDS]
    if (to_end := seconds_to_end()) is not None:
        limits.append(to_end)
    if seconds is not None:
        limits.append(seconds)
    ttl = min(limits)
    if ttl < 1:
        return
    sequence.mark_unseen(tags, rendered_at)
    stored = StoredFragment(value, tags, rendered_at, time.time() + ttl)
    cache.set(cache_key, stored, timeout=int(ttl) + 1)
    _memory.keep(cache_key, stored, rendered_at)
