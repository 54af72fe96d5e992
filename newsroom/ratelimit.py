"""A per-client rate limit kept in the cache, so it holds across app servers sharing Redis."""

import time

from django.core.cache import cache


def hit(key: str, *, limit: int, seconds: int, now: float | None = None) -> bool:
    """Count one attempt for `key`; True when it is over `limit` in the current window.

    Fixed windows of `seconds`: a burst up to `limit` passes, and no more than twice the limit
    can pass in any span of `seconds`.
    """
    window = int((now if now is not None else time.time()) // seconds)
    return count(f"ratelimit:{key}:{window}", timeout=seconds + 1) > limit


def count(cache_key: str, *, timeout: int) -> int:
    """Add one to the count kept under `cache_key` (made, lasting `timeout` seconds, by the
    first to count) and return it. Atomic on Redis, so app servers share one count."""
    if cache.add(cache_key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.add(cache_key, 1, timeout=timeout)
        return 1
