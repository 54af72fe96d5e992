"""Tags: what a page shows, and what a change purges.

A view tags its page with what it displays (`tag(request, "article-7", "topic-2")`); a change a
reader would see purges the tags it touches (`purge("article-7")`). The apps declare their own
tags (`articles/cache_tags.py`, `comments/cache_tags.py`); this module knows neither app.

A purge reaches two places once the change commits:
- this app's page cache (`newsroom/cache.py`) and the WSGI front (`newsroom/front.py`);
- every shared cache named in CACHE_PURGE_URLS (Varnish's xkey, a CDN's purge endpoint), over
  HTTP. A purge that fails there is logged and kept in `PendingPurge`, and sent again before the
  next purge, by a background task a minute later (then after 5, 30, 120 and 720 minutes) and
  by `manage.py retry_purges`; it never fails the change that caused it.

How the app's own cache learns of purges. Every purge takes the next number of one sequence and
records, under that number, the tags it purged (the purge log), and for each tag the number of
its last purge (the tag's mark). A stored page keeps the sequence number read before it was
rendered, and is fresh while none of its tags has a later mark. The sequence lives in the cache
(Redis in production, shared by every app server), or, with PURGE_SEQUENCE_FILE, in a small file
that every worker on one machine maps into memory and reads in well under a microsecond.
"""

import fcntl
import http.client
import logging
import mmap
import os
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from newsroom.models import PendingPurge
from newsroom.tasks import RETRY_MINUTES, retry_later

logger = logging.getLogger(__name__)

SEQUENCE_KEY = "purge:sequence"
MARK_KEY = "purge:mark:{}"
LOG_KEY = "purge:log:{}"
LOG_SECONDS = 7 * 24 * 3600
PURGE_TIMEOUT_SECONDS = 2

# Tags a purge could not record in the cache (Redis unreachable): recorded on this process's
# next request, and until then this process serves no page from the cache.
_owed: set[str] = set()


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
        _record(tags)
    transaction.on_commit(lambda: _purge_everywhere(tags))


def sequence() -> int:
    """The number of the latest purge; pay what is owed first."""
    if _owed:
        _record(frozenset(_owed))
    return _store().read()


def owing() -> bool:
    return bool(_owed)


def stamp() -> int | None:
    """A number that moves with every purge, for a process to remember what only a purge can
    change; None when it cannot tell (no purge recorded yet, one owed, or a cache that keeps
    nothing and no sequence file)."""
    number = sequence()
    if not number or _owed:
        return None
    if not settings.PURGE_SEQUENCE_FILE and isinstance(caches["default"], DummyCache):
        return None
    return number


def fresh(tags: Iterable[str], rendered_at: int) -> bool:
    """Whether a page rendered at sequence number `rendered_at` shows nothing purged since.
    A tag without a mark (never seen, or evicted) is taken as purged: better a miss than
    a stale page."""
    keys = [MARK_KEY.format(t) for t in tags]
    marks = cache.get_many(keys)
    return len(marks) == len(keys) and all(mark <= rendered_at for mark in marks.values())


def mark_unseen(tags: Iterable[str], rendered_at: int) -> None:
    """Give tags that have no mark one, so that `fresh()` can vouch for the page just stored
    (`add` never lowers a mark a concurrent purge has just set)."""
    keys = [MARK_KEY.format(t) for t in tags]
    for key in keys - cache.get_many(keys).keys():
        cache.add(key, rendered_at, timeout=None)


def purged_since(known: int, current: int) -> set[str] | None:
    """The tags purged after sequence number `known` up to `current`; None when the log no
    longer (or not yet) holds one of them: the caller drops everything."""
    if not known < current <= known + 1000:  # far behind, or the sequence began again
        return None
    numbers = range(known + 1, current + 1)
    entries = cache.get_many([LOG_KEY.format(n) for n in numbers])
    if len(entries) != len(numbers):
        return None
    return set().union(*entries.values())


def _record(tags: frozenset[str]) -> None:
    def write(number):
        failed = cache.set_many({MARK_KEY.format(t): number for t in tags}, timeout=None)
        failed += cache.set_many({LOG_KEY.format(number): set(tags)}, timeout=LOG_SECONDS)
        if failed:
            raise ValueError("the cache did not keep the purge")

    try:
        _store().advance(write)
    except ValueError:
        if not tags <= _owed:
            logger.error("could not record a purge of %s; will try again", " ".join(sorted(tags)))
        _owed.update(tags)
    else:
        _owed.difference_update(tags)


def _purge_everywhere(tags: frozenset[str]) -> None:
    _record(tags)
    if settings.CACHE_PURGE_URLS:
        sent = send_purges(tags, urls=settings.CACHE_PURGE_URLS, on_failure=PendingPurge.keep)
        if retry_pending() or not sent:
            schedule_purge_retry()


def retry_pending() -> int:
    """Send every purge a shared cache has not taken yet once more; returns how many caches
    still wait for one."""
    waiting = 0
    for row in PendingPurge.objects.all():
        if send_purges(row.tags.split(), urls=[row.url], on_failure=PendingPurge.keep):
            # Unless a purge failed meanwhile and merged more tags into the row.
            PendingPurge.objects.filter(pk=row.pk, tags=row.tags).delete()
        else:
            waiting += 1
    return waiting


@task()
def retry_purges(attempt: int = 1) -> int:
    """Send the purges a shared cache did not take; again later while one still refuses."""
    waiting = retry_pending()
    if waiting:
        retry_later(retry_purges, attempt, what="purges", error=f"{waiting} cache(s) refused")
    return waiting


def schedule_purge_retry() -> None:
    """Called when a shared cache refused a purge: one retry chain at a time."""
    if cache.add("purge-retry-scheduled", 1, timeout=RETRY_MINUTES[0] * 60):
        later = retry_purges.using(run_after=timezone.now() + timedelta(minutes=RETRY_MINUTES[0]))
        later.enqueue(attempt=2)  # the first attempt was the purge itself


def retry_owed_purges(**kwargs) -> str:
    """The daily jobs' share (`newsroom.tasks.daily_jobs`)."""
    return f"{retry_pending()} cache(s) still owed purges"


def send_purges(
    tags: Iterable[str], *, urls: Iterable[str], on_failure: Callable[[str, list, str], None]
) -> bool:
    """Ask each shared cache to drop the pages carrying these tags: a PURGE request with the
    tags, space-separated, in the CACHE_TAG_HEADER header. Returns whether all answered 2xx."""
    tags = sorted(tags)
    sent = True
    for url in urls:
        error = _send_purge(url, tags)
        if error:
            logger.error("purge of %s at %s failed (%s); kept to retry", " ".join(tags), url, error)
            on_failure(url, tags, error)
            sent = False
        else:
            logger.info("purged %s at %s", " ".join(tags), url)
    return sent


def _send_purge(url: str, tags: list[str]) -> str:
    """An empty string when the cache took the purge, else what went wrong."""
    parts = urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = kind(parts.hostname, parts.port, timeout=PURGE_TIMEOUT_SECONDS)
    try:
        conn.request(
            "PURGE", parts.path or "/", headers={settings.CACHE_TAG_HEADER: " ".join(tags)}
        )
        response = conn.getresponse()
        response.read()
    except OSError as error:
        return str(error) or type(error).__name__
    finally:
        conn.close()
    return "" if 200 <= response.status < 300 else f"HTTP {response.status} {response.reason}"


def _first_number() -> int:
    """Where a new sequence starts: the time in milliseconds. A sequence lost with its cache
    (flushed, evicted) starts again above every number the old one gave, so no page stored
    before looks newer than a purge made after."""
    return int(time.time() * 1000)


class _CacheSequence:
    """The sequence in the cache, for several app servers (Redis). A purge holds a lock in
    the cache while it records the log and marks, then moves the number, as with the file."""

    LOCK_KEY = "purge:lock"
    LOCK_WAIT_SECONDS = 3

    def read(self) -> int:
        return cache.get(SEQUENCE_KEY) or 0

    def advance(self, write: Callable[[int], None]) -> int:
        token = uuid.uuid4().hex
        deadline = time.monotonic() + self.LOCK_WAIT_SECONDS
        while not cache.add(self.LOCK_KEY, token, timeout=10):
            if cache.get(self.LOCK_KEY) is None:
                raise ValueError("the cache does not answer")
            if time.monotonic() > deadline:  # a holder that died: its lock expires anyway
                logger.warning("purge lock held for %ss; going on", self.LOCK_WAIT_SECONDS)
                break
            time.sleep(0.002)
        try:
            number = self.read() + 1 if self.read() else _first_number()
            write(number)
            cache.set(SEQUENCE_KEY, number, timeout=None)
            if cache.get(SEQUENCE_KEY) != number:
                raise ValueError("the cache did not keep the purge sequence")
            return number
        finally:
            if cache.get(self.LOCK_KEY) == token:
                cache.delete(self.LOCK_KEY)


class _FileSequence:
    """The sequence in an 8-byte file that every worker maps into memory: one machine only.
    A purge holds the file's lock while it records the log and marks, then moves the number,
    so a reader that sees a number finds its log entry."""

    def __init__(self, path: str):
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            if os.fstat(self.fd).st_size < 8:
                os.write(self.fd, _first_number().to_bytes(8, "little"))
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        self.map = mmap.mmap(self.fd, 8)

    def read(self) -> int:
        return int.from_bytes(self.map[:8], "little")

    def advance(self, write: Callable[[int], None]) -> int:
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            number = self.read() + 1 if self.read() else _first_number()
            write(number)
            self.map[:8] = number.to_bytes(8, "little")
            return number
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)


_files: dict[tuple[int, str], _FileSequence] = {}
_in_cache = _CacheSequence()


def _store() -> _CacheSequence | _FileSequence:
    path = settings.PURGE_SEQUENCE_FILE
    if not path:
        return _in_cache
    # Opened in each process: a lock on a descriptor shared across fork() excludes no one.
    key = (os.getpid(), path)
    if key not in _files:
        _files[key] = _FileSequence(path)
    return _files[key]
