"""The fold: the counts waiting in the store (`figures/store.py`) added into hourly rows.

Each count becomes part of two rows: the article's views in that hour (`HourlyViews`) and its
views from that referring host in that hour (`HourlyReferrer`), each added to in one statement
per batch (INSERT … ON CONFLICT DO UPDATE SET views = views + …), so folding the same hour
twice adds rather than overwrites. Counts for an article that no longer exists are dropped.
A story keeps at most `referrers.MAX_HOSTS` referring hosts an hour, the rest folded into one
row (`referrers.cap`).
"""

from collections import Counter
from dataclasses import dataclass

from django.db import connection, transaction

from articles.models import Article
from figures import buffer, referrers, store
from figures.models import HourlyReferrer, HourlyViews

BATCH = 2000


@dataclass(frozen=True)
class Folded:
    views: int
    rows: int

    def __str__(self):
        return f"{self.views} views folded into {self.rows} hourly rows"


def fold() -> Folded:
    """Take every waiting count and add it to the hourly rows; say how much was folded."""
    buffer.tally.flush()  # this process's own, if it answered beacons itself
    counts = store.current().take()
    if not counts:
        return Folded(0, 0)
    known = set(
        Article.objects.filter(pk__in={c.article_id for c in counts}).values_list("pk", flat=True)
    )
    views, hosts = Counter(), Counter()
    for count in counts:
        if count.article_id in known:
            views[count.article_id, count.hour] += count.views
            hosts[count.article_id, count.hour, count.host] += count.views
    with transaction.atomic():
        hosts = _capped(hosts)
        _add(HourlyViews, ("article_id", "hour"), views)
        _add(HourlyReferrer, ("article_id", "hour", "host"), hosts)
    return Folded(sum(views.values()), len(views) + len(hosts))


def _capped(counted: Counter) -> Counter:
    """The counts with no more hosts per story and hour than `referrers.cap` keeps, reading the
    hosts earlier folds of the same hours kept (locked: two folds at once cap alike)."""
    kept = {}
    rows = (
        HourlyReferrer.objects.select_for_update()
        .filter(
            article_id__in={article_id for article_id, _, _ in counted},
            hour__in={hour for _, hour, _ in counted},
        )
        .values_list("article_id", "hour", "host")
    )
    for article_id, hour, host in rows:
        kept.setdefault((article_id, hour), set()).add(host)
    return referrers.cap(counted, kept)


def _add(model, key: tuple[str, ...], counted: Counter) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join((*key, "views"))
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * (len(key) + 1))}) "  # noqa: S608
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET views = {table}.views + excluded.views"
    )
    adapt = connection.ops.adapt_datetimefield_value
    rows = [
        [*(adapt(part) if i == 1 else part for i, part in enumerate(k)), v]
        for k, v in counted.items()
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
