"""Django's Redis and file caches, for which an unreachable Redis or an unwritable cache folder
is a miss, not an error.

Readers' pages, replies and the admin's sign-in all go through the cache (the page cache, its
purge sequence, rate limits, sign-in locks). With Django's own backends a Redis outage, or a
cache folder that is full or read-only, would turn every page into a 500; with these the site
goes on uncached, rate limits and sign-in locks count nothing until the cache is back, and the
log says so (at most every ten seconds). `settings.py` uses them for every `redis://` and
`filecache://` CACHE_URL.

Both offer the cache's own lock, `cache.lock(name, timeout=, blocking_timeout=)` (as
django-redis does), which the purge sequence holds while it writes (`sequence.py`): Redis's
lock for every app server, the folder's file lock for the processes of one machine. A lock is
either held or not had: `acquire()` answers False when it was not had in time or the cache does
not answer, and nothing goes on as if it were held.
"""

import fcntl
import functools
import hashlib
import logging
import os
import time

from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import LockError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("newsroom.cache")
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
WARN_EVERY_SECONDS = 10
_last_warning: dict[str, float] = {}  # what failed ("Redis", "the cache folder") -> when


def _warn(part: str, operation: str, error: Exception) -> None:
    now = time.monotonic()
    if now - _last_warning.get(part, -WARN_EVERY_SECONDS) >= WARN_EVERY_SECONDS:
        _last_warning[part] = now
        logger.error("%s unavailable (%s: %s); serving without the cache", part, operation, error)


def _fails_soft(part: str, errors: tuple[type[Exception], ...]):
    """A decorator maker: `or_(fallback)(method)` runs the cache operation; when it raises one
    of `errors`, logs and gives `fallback` instead (a value, a function of the arguments, or
    an exception class to raise)."""

    def or_(fallback):
        def decorate(method):
            @functools.wraps(method)
            def wrapper(self, *args, **kwargs):
                try:
                    return method(self, *args, **kwargs)
                except errors as error:
                    _warn(part, method.__name__, error)
                    if isinstance(fallback, type) and issubclass(fallback, Exception):
                        raise fallback("the cache is unavailable") from error
                    return fallback(*args, **kwargs) if callable(fallback) else fallback

            return wrapper

        return decorate

    return or_


_redis_or = _fails_soft("Redis", UNAVAILABLE)
_folder_or = _fails_soft("the cache folder", (OSError,))


class _RedisLock:
    def __init__(self, make_lock):
        self._make_lock, self._lock = make_lock, None

    def acquire(self) -> bool:
        try:
            self._lock = self._make_lock()
            return bool(self._lock.acquire())
        except UNAVAILABLE as error:
            _warn("Redis", "lock", error)
            return False

    def release(self) -> None:
        try:
            self._lock.release()
        except LockError:  # held past its timeout: the holder was that slow
            logger.warning("a cache lock was held past its timeout: %s", self._lock.name)
        except UNAVAILABLE as error:  # it expires by itself
            _warn("Redis", "unlock", error)


class _FileLock:
    """An exclusive lock on a file of the cache folder, released by the system if its holder
    dies: `timeout` has nothing to do."""

    def __init__(self, path: str, blocking_timeout: float):
        self.path, self.blocking_timeout, self.fd = path, blocking_timeout, None

    def acquire(self) -> bool:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            _warn("the cache folder", "lock", error)
            return False
        deadline = time.monotonic() + self.blocking_timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(0.002)
            else:
                self.fd = fd
                return True

    def release(self) -> None:
        fd, self.fd = self.fd, None
        if fd is not None:
            os.close(fd)  # closing the only descriptor releases the lock


class ResilientRedisCache(RedisCache):
    def lock(self, name: str, *, timeout: float, blocking_timeout: float) -> _RedisLock:
        """Redis's own lock on `name`, expiring after `timeout` seconds if its holder dies;
        `acquire()` waits up to `blocking_timeout` seconds."""
        key = self.make_and_validate_key(name)

        def make_lock():
            client = self._cache.get_client(key, write=True)
            return client.lock(key, timeout=timeout, blocking_timeout=blocking_timeout)

        return _RedisLock(make_lock)

    add = _redis_or(False)(RedisCache.add)
    get = _redis_or(lambda key, default=None, **_: default)(RedisCache.get)
    set = _redis_or(None)(RedisCache.set)
    touch = _redis_or(False)(RedisCache.touch)
    delete = _redis_or(False)(RedisCache.delete)
    get_many = _redis_or({})(RedisCache.get_many)
    has_key = _redis_or(False)(RedisCache.has_key)
    incr = _redis_or(ValueError)(RedisCache.incr)  # as for a missing key: callers start again at 1
    set_many = _redis_or(lambda data, *_, **__: list(data))(RedisCache.set_many)
    delete_many = _redis_or(None)(RedisCache.delete_many)
    clear = _redis_or(False)(RedisCache.clear)


class ResilientFileBasedCache(FileBasedCache):
    """Django's file cache, failing soft on a full, read-only or missing folder, and counting
    the folder's files once every CULL_EVERY writes rather than at every write (with 20,000
    files, listing the folder made each miss several times slower). The folder may hold up to
    CULL_EVERY files past `max_entries` (per process) before some are removed."""

    CULL_EVERY = 100

    def __init__(self, dir, params):
        self._writes = 0
        self._folder = os.path.abspath(dir)
        try:
            super().__init__(dir, params)
        except OSError as error:  # the folder cannot be made: every operation will say so
            _warn("the cache folder", "create", error)

    def lock(self, name: str, *, timeout: float, blocking_timeout: float) -> _FileLock:
        """A file lock on `name` in the cache folder, for the processes of this machine;
        `acquire()` waits up to `blocking_timeout` seconds."""
        digest = hashlib.sha256(name.encode()).hexdigest()[:32]
        return _FileLock(os.path.join(self._folder, f"{digest}.lock"), blocking_timeout)

    def _cull(self):
        self._writes += 1
        if self._writes % self.CULL_EVERY == 1 or self.CULL_EVERY <= 1:
            super()._cull()

    add = _folder_or(False)(FileBasedCache.add)
    get = _folder_or(lambda key, default=None, **_: default)(FileBasedCache.get)
    set = _folder_or(None)(FileBasedCache.set)
    touch = _folder_or(False)(FileBasedCache.touch)
    delete = _folder_or(False)(FileBasedCache.delete)
    has_key = _folder_or(False)(FileBasedCache.has_key)
    clear = _folder_or(None)(FileBasedCache.clear)
