"""Faults the site survives: Redis unreachable (pages, replies and sign-in go on, uncached),
Redis back after changes made while it was away (no stale page), and the health check telling
the load balancer which part is failing."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCacheClient
from django.db.utils import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from comments.models import Reply
from newsroom.pagecache import middleware as page_cache
from newsroom.pagecache import sequence
from tests.factories import make_article, publish_changes, reply_data

pytestmark = pytest.mark.django_db

UNREACHABLE = {
    "default": {
        "BACKEND": "newsroom.pagecache.backends.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1: refused at once
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = UNREACHABLE
    yield
    sequence._owed.clear()


def test_with_redis_unreachable_readers_get_every_page(client, redis_down, caplog):
    article = make_article(headline="Served without Redis")
    with caplog.at_level("ERROR", logger="newsroom.cache"):
        for url in ["/", "/latest/", article.get_absolute_url(), "/search/?q=served"]:
            response = client.get(url)
            assert response.status_code == 200, url
    assert "Served without Redis" in client.get(article.get_absolute_url()).content.decode()
    assert any("Redis unavailable" in r.getMessage() for r in caplog.records)


def test_with_redis_unreachable_replies_and_moderation_go_on(client, redis_down, moderator):
    article = make_article()
    response = client.post(
        f"/replies/articles/{article.pk}/", reply_data(body="Posted during an outage")
    )
    assert response.status_code == 302
    reply = Reply.objects.get(body="Posted during an outage")
    client.force_login(moderator)
    client.post(
        "/admin/comments/reply/", {"action": "approve_selected", "_selected_action": [reply.pk]}
    )
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Posted during an outage" in page


def test_with_redis_unreachable_staff_can_still_sign_in(client, redis_down, django_user_model):
    django_user_model.objects.create_user(
        "edna", password="a-long-correct-password-42", is_staff=True, is_superuser=True
    )
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "edna", "password": "a-long-correct-password-42"},
    )
    assert response.status_code == 302
    assert response.url.startswith("/admin/second-step/set-up/"), "then the second step"
    setup = client.get(response.url)
    assert setup.status_code == 200
    assert "Set up your second step" in setup.content.decode()


def test_health_check_says_which_part_fails(client, redis_down, monkeypatch):
    response = client.get("/healthz")
    assert response.status_code == 200, "the site still serves, uncached"
    assert response.json() | {"purges": "ok"} == {
        "status": "degraded",
        "database": "ok",
        "cache": "failing",
        "purges": "ok",
        "tasks": "ok",
    }


def test_health_check_reports_a_database_that_does_not_answer(client, monkeypatch):
    from django.db import connection

    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "failing"


@pytest.mark.postgres
@pytest.mark.skipif(
    "redis" not in django_settings.CACHES["default"]["BACKEND"].lower(),
    reason="needs CACHE_URL=redis://… (CI's second pass runs it against the machine's Redis)",
)
def test_a_change_made_while_redis_was_away_is_not_hidden_by_old_pages(client, monkeypatch):
    article = make_article(headline="Before the outage")
    url = article.get_absolute_url()
    client.get(url)
    cached = client.get(url)
    assert cached.wsgi_request.page_cache == "hit"
    assert "Before the outage" in cached.content.decode()

    real = RedisCacheClient.get_client

    def unreachable(self, key=None, *, write=False):
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(RedisCacheClient, "get_client", unreachable)
    publish_changes(article, headline="Changed during the outage")  # not recorded now
    assert "Changed during the outage" in client.get(url).content.decode()

    monkeypatch.setattr(RedisCacheClient, "get_client", real)  # Redis is back, old pages too
    assert cache.get(page_cache.page_key("http", "testserver", url)), "the old page is there"
    after = client.get(url)
    assert "Changed during the outage" in after.content.decode()
    assert after.wsgi_request.page_cache == "miss"
    assert not sequence.owing()
