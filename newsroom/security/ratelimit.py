"""Counts and locks that stop guessing and flooding: failed sign-ins and second-step codes,
replies, reports and password-reset requests, per client.

They are kept apart from the page cache, which drops entries to make room for pages: in the
database by default (`SecurityCount`, one row a key), or in a Redis of their own named by
SECURITY_STORE_URL. Each count is one atomic step (an INSERT … ON CONFLICT DO UPDATE in the
database, INCR in Redis), so app servers and threads racing each other each get a number of
their own: with a limit of 10, the eleventh of twenty attempts sent at once sees 11.

A count's window starts at its first attempt and lasts `seconds`; a lock has its own end.
"""

import functools
import logging
from datetime import UTC, datetime, timedelta

import redis
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from newsroom.models import SecurityCount

logger = logging.getLogger(__name__)


def hit(key: str, *, limit: int, seconds: int) -> bool:
    """Count one attempt for `key`; True when it is over `limit` within `seconds` of the first."""
    return count(f"ratelimit:{key}", seconds=seconds) > limit


def count(key: str, *, seconds: int) -> int:
    """Add one to the count kept under `key` and return it; the count starts again from one
    `seconds` after its first attempt."""
    return _store().count(key, seconds=seconds)


def give_back(key: str) -> None:
    """Take back one attempt counted under `key` (one that turned out to be no failure)."""
    _store().give_back(key)


def reset(key: str) -> None:
    _store().reset(key)


def lock(key: str, *, until: datetime) -> None:
    """Lock `key` until `until`, whatever its count."""
    _store().lock(key, until=until)


def locked_until(keys: list[str]) -> datetime | None:
    """The latest end of the locks on `keys` still in force, or None if none is locked."""
    return _store().locked_until(keys)


def forget_expired(**kwargs) -> str:
    """The daily jobs' share (`newsroom.tasks.daily_jobs`): rows past their end are dropped.
    (Redis drops its own keys when they expire.)"""
    gone, _ = SecurityCount.objects.filter(expires_at__lte=timezone.now()).delete()
    return f"{gone} expired sign-in and rate-limit counts dropped"


class DatabaseStore:
    """One row a key: `count`, and `expires_at` when the window (or the lock) ends."""

    def count(self, key: str, *, seconds: int) -> int:
        now = timezone.now()
        table = connection.ops.quote_name(SecurityCount._meta.db_table)
        key_, count_, ends = (connection.ops.quote_name(c) for c in ("key", "count", "expires_at"))
        # One statement, so two at once never read the same count: both PostgreSQL and
        # SQLite (3.35 and later) take INSERT … ON CONFLICT DO UPDATE … RETURNING.
        sql = (
            f"INSERT INTO {table} ({key_}, {count_}, {ends}) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT ({key_}) DO UPDATE SET "
            f"{count_} = CASE WHEN {table}.{ends} <= %s THEN 1 ELSE {table}.{count_} + 1 END, "
            f"{ends} = CASE WHEN {table}.{ends} <= %s THEN excluded.{ends} "
            f"ELSE {table}.{ends} END "
            f"RETURNING {count_}"
        )
        adapt = connection.ops.adapt_datetimefield_value
        later = adapt(now + timedelta(seconds=seconds))
        with connection.cursor() as cursor:
            cursor.execute(sql, [key, later, adapt(now), adapt(now)])
            return cursor.fetchone()[0]

    def give_back(self, key: str) -> None:
        SecurityCount.objects.filter(key=key, count__gt=0, expires_at__gt=timezone.now()).update(
            count=F("count") - 1
        )

    def reset(self, key: str) -> None:
        SecurityCount.objects.filter(key=key).delete()

    def lock(self, key: str, *, until: datetime) -> None:
        SecurityCount.objects.bulk_create(
            [SecurityCount(key=f"{key}:locked", count=0, expires_at=until)],
            update_conflicts=True,
            unique_fields=["key"],
            update_fields=["expires_at"],
        )

    def locked_until(self, keys: list[str]) -> datetime | None:
        locks = SecurityCount.objects.filter(
            key__in=[f"{key}:locked" for key in keys], expires_at__gt=timezone.now()
        )
        return max(locks.values_list("expires_at", flat=True), default=None)


# Takes back one attempt, unless the count has expired meanwhile (DECR would make a key of -1
# that never expires).
_GIVE_BACK = "if redis.call('exists', KEYS[1]) == 1 then redis.call('decr', KEYS[1]) end"


class RedisStore:
    """Counts with INCR and locks with SET, each with its expiry, in one Redis database that
    must not evict keys (`maxmemory-policy noeviction`). While that Redis cannot be reached,
    the database keeps the counts instead, with a warning in the log."""

    prefix = "newsroom:security:"

    def __init__(self, url: str):
        self.url = url
        self.client = redis.Redis.from_url(
            url, socket_connect_timeout=1, socket_timeout=1, health_check_interval=30
        )
        self.fallback = DatabaseStore()

    def _or_database(self, name: str, *args, **kwargs):
        try:
            return getattr(self, f"_{name}")(*args, **kwargs)
        except redis.RedisError as error:
            logger.warning("security store unreachable, counting in the database: %s", error)
            return getattr(self.fallback, name)(*args, **kwargs)

    def count(self, key, *, seconds):
        return self._or_database("count", key, seconds=seconds)

    def give_back(self, key):
        return self._or_database("give_back", key)

    def reset(self, key):
        return self._or_database("reset", key)

    def lock(self, key, *, until):
        return self._or_database("lock", key, until=until)

    def locked_until(self, keys):
        return self._or_database("locked_until", keys)

    def _count(self, key: str, *, seconds: int) -> int:
        with self.client.pipeline(transaction=True) as pipe:  # MULTI … EXEC: both or neither
            pipe.set(self.prefix + key, 0, ex=seconds, nx=True)
            pipe.incr(self.prefix + key)
            return pipe.execute()[1]

    def _give_back(self, key: str) -> None:
        self.client.eval(_GIVE_BACK, 1, self.prefix + key)

    def _reset(self, key: str) -> None:
        self.client.delete(self.prefix + key)

    def _lock(self, key: str, *, until: datetime) -> None:
        seconds = max(1, int((until - timezone.now()).total_seconds()) + 1)
        self.client.set(f"{self.prefix}{key}:locked", until.timestamp(), ex=seconds)

    def _locked_until(self, keys: list[str]) -> datetime | None:
        ends = self.client.mget([f"{self.prefix}{key}:locked" for key in keys])
        now = timezone.now()
        ends = [datetime.fromtimestamp(float(end), tz=UTC) for end in ends if end is not None]
        return max((end for end in ends if end > now), default=None)


@functools.cache
def _redis_store(url: str) -> RedisStore:
    return RedisStore(url)


_database_store = DatabaseStore()


def _store() -> DatabaseStore | RedisStore:
    url = settings.SECURITY_STORE_URL
    return _redis_store(url) if url else _database_store
