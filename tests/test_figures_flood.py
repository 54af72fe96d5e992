"""One client cannot push a story up the most-read list: its views of a story count once in a
window (figures/repeats.py), whatever it sends; other readers' views still count; the client's
address, read through a trusted proxy only when one is configured, is held in this process's
memory alone (never in the database, the cache or the log), and that memory stays bounded
however many addresses a flood forges."""

import logging

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import caches
from django.db import connection

from figures import fold, most_read, repeats
from figures.models import HourlyViews
from tests.factories import make_article
from tests.figures_helpers import bodiless

pytestmark = pytest.mark.django_db

FLOODER = "203.0.113.77"


def _views(article) -> int:
    fold.fold()
    return sum(HourlyViews.objects.filter(article=article).values_list("views", flat=True))


def test_a_flood_from_one_client_counts_once(client, settings):
    settings.FIGURES_SAMPLE_RATE = 1
    flooded, read = make_article(), make_article()
    for _ in range(500):
        assert bodiless(client, flooded.pk, reader=FLOODER).status_code == 204
    for _ in range(3):
        bodiless(client, read.pk)  # three readers
    assert _views(flooded) == 1
    assert _views(read) == 3
    most_read.refresh()
    assert [article.pk for article in most_read.stories()][:1] == [read.pk]


def test_a_client_counts_once_for_each_story(client, settings):
    settings.FIGURES_SAMPLE_RATE = 1
    first, second = make_article(), make_article()
    for article in (first, second, first, second):
        bodiless(client, article.pk, reader=FLOODER)
    assert (_views(first), _views(second)) == (1, 1)


def test_different_clients_each_count(client, settings):
    settings.FIGURES_SAMPLE_RATE = 1
    article = make_article()
    for _ in range(300):
        assert bodiless(client, article.pk).status_code == 204
    assert _views(article) == 300


def test_a_client_counts_again_once_the_window_has_passed(client, clock, settings):
    settings.FIGURES_SAMPLE_RATE = 1
    article = make_article()
    bodiless(client, article.pk, reader=FLOODER)
    clock.advance(repeats.WINDOW_SECONDS - 60)
    bodiless(client, article.pk, reader=FLOODER)
    assert _views(article) == 1
    clock.advance(repeats.WINDOW_SECONDS + 60)
    bodiless(client, article.pk, reader=FLOODER)
    assert _views(article) == 2


def test_an_ipv6_client_is_its_64_network(client, settings):
    """A household or a server has a /64 to itself: its addresses are one client."""
    settings.FIGURES_SAMPLE_RATE = 1
    article = make_article()
    for n in range(1, 50):
        bodiless(client, article.pk, reader=f"2001:db8:1:2::{n:x}")
    bodiless(client, article.pk, reader="2001:db8:1:3::1")
    bodiless(client, article.pk, reader="::ffff:192.0.2.1")
    bodiless(client, article.pk, reader="::ffff:192.0.2.2")
    assert _views(article) == 4


@pytest.mark.parametrize(("trusted", "counted"), [([], 1), (["127.0.0.1"], 40)])
def test_forwarded_for_is_believed_only_from_a_trusted_proxy(client, settings, trusted, counted):
    settings.FIGURES_SAMPLE_RATE = 1
    settings.TRUSTED_PROXIES = trusted
    article = make_article()
    for n in range(40):
        bodiless(
            client,
            article.pk,
            reader="127.0.0.1",
            headers={"HTTP_X_FORWARDED_FOR": f"198.51.100.{n + 1}"},
        )
    assert _views(article) == counted


def test_a_flood_of_forged_addresses_holds_bounded_memory(client, settings, monkeypatch):
    settings.FIGURES_SAMPLE_RATE = 1
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    monkeypatch.setattr(repeats, "recent", repeats.RecentViews(size=50))
    article = make_article()
    for n in range(400):
        forged = {"HTTP_X_FORWARDED_FOR": f"10.0.{n // 250}.{n % 250 + 1}"}
        bodiless(client, article.pk, reader="127.0.0.1", headers=forged)
        assert len(repeats.recent) <= 100
    assert _views(article) == 400  # each forged address is a client: one view each


def test_the_memory_held_is_at_most_twice_the_pairs_whatever_the_flood():
    recent = repeats.RecentViews(size=1000)
    counted = sum(
        recent.first(f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}", 7) for n in range(20_000)
    )
    assert counted == 20_000
    assert len(recent) <= 2000
    assert not recent.first("10.0.78.31", 7)  # among the last 1,000 to 2,000: still held


def _database_text() -> str:
    text = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            text += [repr(row) for row in cursor.fetchall()]
    return "\n".join(text)


def _cache_text() -> str:
    """Every key and value in every cache, and so in the Redis the counts wait in (a pickled
    text shows as itself in the bytes' repr)."""
    text = []
    for alias, configured in django_settings.CACHES.items():
        backend = caches[alias]
        if isinstance(getattr(backend, "_cache", None), dict):  # local memory
            text += [f"{key!r} {value!r}" for key, value in backend._cache.items()]
        location = configured.get("LOCATION", "")
        if isinstance(location, str) and location.startswith("redis"):
            text += _redis_text(redis.Redis.from_url(location))
    return "\n".join(text)


def _redis_text(server) -> list[str]:
    text = []
    for key in server.scan_iter():
        kind = server.type(key)
        if kind == b"string":
            value = server.get(key)
        elif kind == b"hash":
            value = server.hgetall(key)
        elif kind == b"set":
            value = server.smembers(key)
        elif kind == b"list":
            value = server.lrange(key, 0, -1)
        else:
            value = server.zrange(key, 0, -1, withscores=True)
        text.append(f"{key!r} {value!r}")
    return text


def test_no_address_is_written_to_the_database_the_cache_or_the_log(
    client, settings, caplog, capsys
):
    settings.FIGURES_SAMPLE_RATE = 1
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    caplog.set_level(logging.DEBUG)
    article = make_article()
    for n in range(200):
        bodiless(client, article.pk, host="news.example.com", reader=FLOODER)
        forged = {"HTTP_X_FORWARDED_FOR": f"192.0.2.{n % 250 + 1}"}
        bodiless(client, article.pk, reader="127.0.0.1", headers=forged)
    fold.fold()
    assert _views(article) == 1 + 200
    kept = "\n".join([_database_text(), _cache_text(), caplog.text, *capsys.readouterr()])
    assert "news.example.com" in kept  # what is kept is there to read
    assert FLOODER not in kept
    assert "192.0.2." not in kept
