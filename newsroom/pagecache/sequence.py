"""The purge sequence and the purge log: how the app's own caches learn of purges.

Every purge takes the next number of one sequence and records, under that number, the tags it
purged (the log), and for each tag the number of its last purge (the tag's mark). A stored page
keeps the sequence number read before it was rendered, and is fresh while none of its tags has
a later mark (`fresh()`); the in-process front drops the pages carrying the tags logged since
the number it last saw (`purged_since()`).

The sequence lives in the cache (Redis in production, shared by every app server), or, with
PURGE_SEQUENCE_FILE, in a small file that every worker on one machine maps into memory and reads
in well under a microsecond. A purge holds a lock while it writes the log and marks and then
moves the number, so a reader that sees a number finds its log entry and marks: the file's own
lock, or the cache backend's (`lock()` of the backends in `backends.py`). A purge that cannot
take the lock, or that the cache does not keep, is owed: this process records it on its next
request and serves no stored page until then.
"""

import fcntl
import logging
import mmap
import os
import threading
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.signals import setting_changed

logger = logging.getLogger(__name__)

SEQUENCE_KEY = "purge:sequence"
MARK_KEY = "purge:mark:{}"
LOG_KEY = "purge:log:{}"
LOCK_KEY = "purge:lock"
LOG_SECONDS = 7 * 24 * 3600
# A purge holds the lock for a few cache round trips; one that held it this long has died.
LOCK_SECONDS = 10
LOCK_WAIT_SECONDS = 3

# Tags a purge could not record in the cache (Redis unreachable): recorded on this process's
# next request, and until then this process serves no page from the cache.
_owed: set[str] = set()


class NotRecorded(Exception):
    """The purge is not in the log: the cache did not keep it, or its lock was not had."""


def current() -> int:
    """The number of the latest purge; pay what is owed first."""
    if _owed:
        record(frozenset(_owed))
    return _store().read()


def owing() -> bool:
    return bool(_owed)


def stamp() -> int | None:
    """A number that moves with every purge, for a process to remember what only a purge can
    change; None when it cannot tell (no purge recorded yet, one owed, or a cache that keeps
    nothing and no sequence file)."""
    number = current()
    if not number or _owed:
        return None
    if not settings.PURGE_SEQUENCE_FILE and isinstance(caches["default"], DummyCache):
        return None
    return number


def fresh(tags: Iterable[str], since: int) -> bool:
    """Whether none of `tags` was purged after sequence number `since` (read with `current()`
    before what shows them was rendered). A tag without a mark (never seen, or evicted) is
    taken as purged: better a miss than a stale page. The tags purged last are read first, so
    that a page they made stale costs one read, not one per tag."""
    tags = list(tags)
    recent = [t for t in tags if t in _recently_purged]
    rest = [t for t in tags if t not in _recently_purged] if recent else tags
    return all(_marked_before(group, since) for group in (recent, rest) if group)


def _marked_before(tags: list[str], since: int) -> bool:
    keys = {MARK_KEY.format(t): t for t in tags}
    marks = cache.get_many(list(keys))
    if len(marks) != len(keys):
        _marked.difference_update(t for k, t in keys.items() if k not in marks)
        return False
    return all(mark <= since for mark in marks.values())


# Tags this process knows have a mark, so that storing a page reads none of them again; only
# while the cache keeps the key MARKS_KEY as this set found it (a cache flushed or culled
# loses it, and the set is forgotten). A mark found missing is forgotten too.
MARKS_KEY = "purge:marks"
_marked: set[str] = set()
_marks_epoch: list = [None]


def mark_unseen(tags: Iterable[str], rendered_at: int) -> None:
    """Give tags that have no mark one, so that `fresh()` can vouch for the page just stored
    (`add` never lowers a mark a concurrent purge has just set)."""
    epoch = cache.get(MARKS_KEY)
    if epoch is None or epoch != _marks_epoch[0]:
        _marked.clear()
        cache.add(MARKS_KEY, time.time_ns(), timeout=None)
        _marks_epoch[0] = cache.get(MARKS_KEY)
    elif len(_marked) > 100_000:
        _marked.clear()
    keys = {MARK_KEY.format(t): t for t in tags if t not in _marked}
    for key in keys.keys() - cache.get_many(list(keys)).keys():
        cache.add(key, rendered_at, timeout=None)
    _marked.update(keys.values())


# The tags of the purges `purged_since()` found last: the ones most likely to make a page stale.
_recently_purged: set[str] = set()


def purged_since(known: int, latest: int) -> set[str] | None:
    """The tags purged after sequence number `known` up to `latest`; None when the log no
    longer (or not yet) holds one of them: the caller drops everything."""
    global _recently_purged
    if not known < latest <= known + 1000:  # far behind, or the sequence began again
        return None
    if _last_read[0] == (known, latest):
        return set(_last_read[1])
    numbers = range(known + 1, latest + 1)
    entries = cache.get_many([LOG_KEY.format(n) for n in numbers])
    if len(entries) != len(numbers):
        return None
    purged = set().union(*entries.values())
    _last_read[:] = [(known, latest), frozenset(purged)]
    _recently_purged = purged
    return set(purged)


_last_read: list = [None, frozenset()]  # the front and the fragments ask alike in turn


def record(tags: frozenset[str]) -> None:
    """Give this purge the next number, log its tags and mark them; owed when that fails."""

    def write(number):
        failed = cache.set_many({MARK_KEY.format(t): number for t in tags}, timeout=None)
        failed += cache.set_many({LOG_KEY.format(number): set(tags)}, timeout=LOG_SECONDS)
        if failed:
            raise NotRecorded("the cache did not keep the purge")

    try:
        _store().advance(write)
    except NotRecorded as why:
        if not tags <= _owed:
            logger.error(
                "could not record a purge of %s (%s); will try again", " ".join(sorted(tags)), why
            )
        _owed.update(tags)
    else:
        _owed.difference_update(tags)


def _first_number() -> int:
    """Where a new sequence starts: the time in milliseconds. A sequence lost with its cache
    (flushed, evicted) starts again above every number the old one gave, so no page stored
    before looks newer than a purge made after."""
    return int(time.time() * 1000)


class _CacheSequence:
    """The sequence in the cache, for several app servers (Redis). A purge holds the cache's
    own lock while it records the log and marks, then moves the number, as with the file."""

    # For a cache that lives in this process alone (local memory): a lock of the process.
    _process_lock = threading.Lock()

    def read(self) -> int:
        number = cache.get(SEQUENCE_KEY)
        if number is None:  # none yet, or lost with the cache (flushed): it begins now
            cache.add(SEQUENCE_KEY, _first_number(), timeout=None)
            number = cache.get(SEQUENCE_KEY)
        return number or 0

    def advance(self, write: Callable[[int], None]) -> int:
        backend_lock = getattr(cache, "lock", None)
        if backend_lock is None:
            held = self._process_lock
            if not held.acquire(timeout=LOCK_WAIT_SECONDS):
                raise NotRecorded(f"the purge lock was not had within {LOCK_WAIT_SECONDS} s")
        else:
            held = backend_lock(LOCK_KEY, timeout=LOCK_SECONDS, blocking_timeout=LOCK_WAIT_SECONDS)
            if not held.acquire():
                raise NotRecorded(f"the purge lock was not had within {LOCK_WAIT_SECONDS} s")
        try:
            number = self.read() + 1 if self.read() else _first_number()
            write(number)
            cache.set(SEQUENCE_KEY, number, timeout=None)
            if cache.get(SEQUENCE_KEY) != number:
                raise NotRecorded("the cache did not keep the purge sequence")
            return number
        finally:
            held.release()


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


_chosen: list = [None]  # this process's store: read at every request, so chosen once


def _store() -> _CacheSequence | _FileSequence:
    if (store := _chosen[0]) is None:
        path = settings.PURGE_SEQUENCE_FILE
        if not path:
            store = _in_cache
        else:
            # Opened in each process: a lock on a descriptor shared across fork() excludes no
            # one.
            key = (os.getpid(), path)
            if key not in _files:
                _files[key] = _FileSequence(path)
            store = _files[key]
        _chosen[0] = store
    return store


def _forget_store(**kwargs) -> None:
    _chosen[0] = None


os.register_at_fork(after_in_child=_forget_store)
setting_changed.connect(_forget_store)
