"""Where the beacon's counts wait until they are folded into hourly rows (`figures/fold.py`).

A count is (article, hour, referring host) -> views. With Redis as the cache (production),
one hash per hour in that Redis, added to with HINCRBY: one round trip a beacon, nothing in
the database. Otherwise (the embedded default, whose cache is each process's own memory) a
`Tally` row in the database, added to with one INSERT … ON CONFLICT DO UPDATE. Either way,
`take()` removes what it returns in one atomic step, so a count is folded once: a beacon that
lands meanwhile waits for the next fold.
"""

import functools
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import redis
from django.conf import settings
from django.db import connection, transaction

from figures.models import Tally

logger = logging.getLogger(__name__)

REDIS_BACKENDS = (
    "django.core.cache.backends.redis.RedisCache",
    "newsroom.pagecache.backends.ResilientRedisCache",
)
KEEP_SECONDS = 7 * 24 * 3600  # an hour nobody folds (no worker for a week) is dropped


@dataclass(frozen=True, slots=True)
class Count:
    article_id: int
    hour: datetime
    host: str
    views: int


class DatabaseStore:
    def add(self, article_id: int, hour: datetime, host: str, views: int) -> None:
        table = connection.ops.quote_name(Tally._meta.db_table)
        sql = (
            f"INSERT INTO {table} (article_id, hour, host, views) VALUES (%s, %s, %s, %s) "  # noqa: S608
            f"ON CONFLICT (article_id, hour, host) DO UPDATE SET views = {table}.views + "
            "excluded.views"
        )
        hour = connection.ops.adapt_datetimefield_value(hour)
        with connection.cursor() as cursor:
            cursor.execute(sql, [article_id, hour, host, views])

    def add_many(self, counts: dict[tuple[int, datetime, str], int]) -> None:
        """Add {(article id, hour, host): views} in one statement."""
        table = connection.ops.quote_name(Tally._meta.db_table)
        sql = (
            f"INSERT INTO {table} (article_id, hour, host, views) VALUES (%s, %s, %s, %s) "  # noqa: S608
            f"ON CONFLICT (article_id, hour, host) DO UPDATE SET views = {table}.views + "
            "excluded.views"
        )
        adapt = connection.ops.adapt_datetimefield_value
        rows = [[a, adapt(hour), host, views] for (a, hour, host), views in counts.items()]
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    def take(self) -> list[Count]:
        table = connection.ops.quote_name(Tally._meta.db_table)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} RETURNING article_id, hour, host, views")  # noqa: S608
            rows = cursor.fetchall()
        return [Count(int(a), _aware(hour), host, int(v)) for a, hour, host, v in rows]


def _aware(hour) -> datetime:
    """A datetime read by a raw query: SQLite gives text, PostgreSQL an aware datetime."""
    if isinstance(hour, str):
        hour = datetime.fromisoformat(hour)
    return hour if hour.tzinfo else hour.replace(tzinfo=UTC)


class RedisStore:
    hours_key = "figures:hours"

    def __init__(self, url: str):
        self.client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)

    def _hash(self, stamp: int | bytes) -> str:
        return f"figures:hour:{int(stamp)}"

    def add(self, article_id: int, hour: datetime, host: str, views: int) -> None:
        stamp = int(hour.timestamp())
        with self.client.pipeline(transaction=True) as pipe:
            pipe.hincrby(self._hash(stamp), f"{article_id}|{host}", views)
            pipe.expire(self._hash(stamp), KEEP_SECONDS)
            pipe.sadd(self.hours_key, stamp)
            pipe.execute()

    def add_many(self, counts: dict[tuple[int, datetime, str], int]) -> None:
        """Add {(article id, hour, host): views} in one round trip."""
        stamps = set()
        with self.client.pipeline(transaction=True) as pipe:
            for (article_id, hour, host), views in counts.items():
                stamp = int(hour.timestamp())
                stamps.add(stamp)
                pipe.hincrby(self._hash(stamp), f"{article_id}|{host}", views)
            for stamp in stamps:
                pipe.expire(self._hash(stamp), KEEP_SECONDS)
            pipe.sadd(self.hours_key, *stamps)
            pipe.execute()

    def take(self) -> list[Count]:
        counts = []
        for stamp in self.client.smembers(self.hours_key):
            with self.client.pipeline(transaction=True) as pipe:
                pipe.hgetall(self._hash(stamp))
                pipe.delete(self._hash(stamp))
                pipe.srem(self.hours_key, stamp)  # a beacon after this adds the hour again
                fields, _, _ = pipe.execute()
            hour = datetime.fromtimestamp(int(stamp), tz=UTC)
            for field, views in fields.items():
                article_id, _, host = field.decode().partition("|")
                counts.append(Count(int(article_id), hour, host, int(views)))
        return counts


@functools.cache
def _redis_store(url: str) -> RedisStore:
    return RedisStore(url)


_database_store = DatabaseStore()


def current() -> DatabaseStore | RedisStore:
    """Redis when the cache is Redis (shared by every app server), else the database."""
    cache = settings.CACHES["default"]
    if cache["BACKEND"] in REDIS_BACKENDS:
        location = cache["LOCATION"]
        return _redis_store(location if isinstance(location, str) else location[0])
    return _database_store
