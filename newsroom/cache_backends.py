"""Django's Redis cache, for which an unreachable Redis is a miss, not an error.

Readers' pages, replies and the admin's sign-in all go through the cache (the page cache, its
purge sequence, rate limits, sign-in locks). With Django's own backend a Redis outage would
turn every page into a 500; with this one the site goes on uncached, rate limits and sign-in
locks count nothing until Redis is back, and the log says so (at most every ten seconds).
`settings.py` uses it for every `redis://` CACHE_URL, with short socket timeouts.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("newsroom.cache")
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
_last_warning = 0.0


def _warn(operation: str, error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= 10:
        _last_warning = now
        logger.error("Redis unavailable (%s: %s); serving without the cache", operation, error)


def _or(fallback):
    """Run the cache operation; if Redis cannot be reached, log and give `fallback` instead."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as error:
                _warn(method.__name__, error)
                if isinstance(fallback, type) and issubclass(fallback, Exception):
                    raise fallback("the cache is unavailable") from error
                return fallback(*args, **kwargs) if callable(fallback) else fallback

        return wrapper

    return decorate


class ResilientRedisCache(RedisCache):
    add = _or(False)(RedisCache.add)
    get = _or(lambda key, default=None, **_: default)(RedisCache.get)
    set = _or(None)(RedisCache.set)
    touch = _or(False)(RedisCache.touch)
    delete = _or(False)(RedisCache.delete)
    get_many = _or({})(RedisCache.get_many)
    has_key = _or(False)(RedisCache.has_key)
    incr = _or(ValueError)(RedisCache.incr)  # as for a missing key: callers start again at 1
    set_many = _or(lambda data, *_, **__: list(data))(RedisCache.set_many)
    delete_many = _or(None)(RedisCache.delete_many)
    clear = _or(False)(RedisCache.clear)
