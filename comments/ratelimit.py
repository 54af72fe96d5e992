"""A per-client rate limit kept in the cache, so it holds across app servers sharing Redis."""

import time

from django.core.cache import cache


def hit(key: str, *, limit: int, seconds: int, now: float | None = None) -> bool:
    """Count one attempt for `key`; True when it is over `limit` in the current window.

    Fixed windows of `seconds`: a burst up to `limit` passes, and no more than twice the limit
    can pass in any span of `seconds`.
    """
    window = int((now if now is not None else time.time()) // seconds)
    cache_key = f"ratelimit:{key}:{window}"
    if cache.add(cache_key, 1, timeout=seconds + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add() and incr()
            cache.add(cache_key, 1, timeout=seconds + 1)
            count = 1
    return count > limit
