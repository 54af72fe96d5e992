"""The WSGI front of the page cache: cached pages for anonymous readers without Django's
request handling, with the same headers and bytes for everyone, and nothing stale."""

import dataclasses
import io
import sys

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse

from comments.models import Reply
from newsroom.pagecache.front import PageCacheFront
from tests.factories import make_article, publish_changes

pytestmark = pytest.mark.django_db


class CountingDjango:
    """Django's WSGI application, counting the requests that reach it."""

    def __init__(self):
        # Imported here, once static files are collected: the handler's WhiteNoise looks then.
        from newsroom.wsgi import django_application

        self.django = django_application
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.django(environ, start_response)


@pytest.fixture
def front():
    # As Django's test client does: keep the test's transaction and connection open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield PageCacheFront(CountingDjango())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def get(app, path, *, cookie="", text=True, **headers):
    """The WSGI answer: (status, headers, body as text, or as bytes unless `text`)."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        **({"HTTP_COOKIE": cookie} if cookie else {}),
        **headers,
    }
    sent = {}

    def start_response(status, response_headers, exc_info=None):
        sent["status"], sent["headers"] = int(status[:3]), response_headers

    result = app(environ, start_response)
    body = b"".join(result)
    if hasattr(result, "close"):
        result.close()
    return sent["status"], sent["headers"], body.decode() if text else body


def header(headers, name):
    return [value for key, value in headers if key.lower() == name.lower()]


def test_a_page_django_served_once_is_then_served_by_the_front_alone(
    front, django_assert_num_queries
):
    url = make_article(headline="Served fast").get_absolute_url()
    status, first_headers, first = get(front, url)
    assert status == 200 and front.app.calls == 1
    with django_assert_num_queries(0):
        status, headers, body = get(front, url)
    assert status == 200 and front.app.calls == 1, "Django was not asked again"
    assert "Served fast" in body
    assert body == first, "the same bytes for every reader"
    for name in ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "ETag"):
        assert header(headers, name) == header(first_headers, name) != [], name
    assert header(headers, "Cache-Control") == ["public, max-age=0, s-maxage=60"]
    assert header(headers, "Content-Length") == [str(len(body.encode()))]
    assert header(headers, "Set-Cookie") == header(first_headers, "Set-Cookie") == []


def test_a_reader_posting_from_a_page_the_front_served_is_accepted(front):
    article = make_article()
    url = article.get_absolute_url()
    get(front, url)
    _, _, body = get(front, url)
    assert "csrfmiddlewaretoken" not in body
    response = Client().post(
        reverse("comments:post", args=[article.pk]),
        {"name": "Ada", "email": "ada@example.org", "body": "From a cached page"},
        headers={"sec-fetch-site": "same-origin", "origin": "http://testserver"},
    )
    assert response.status_code == 302
    assert Reply.objects.get().body == "From a cached page"


def test_a_purge_drops_only_the_pages_showing_what_changed(front):
    # No word in common, so neither lists the other as related (on PostgreSQL, by its words).
    changed = make_article(headline="To be edited", standfirst="Harbour tides rise.")
    other = make_article(headline="Untouched", standfirst="Bread judged best in town.")
    for article in (changed, other, changed, other):
        get(front, article.get_absolute_url())
    assert front.app.calls == 2
    publish_changes(changed, headline="Edited")
    assert "Edited" in get(front, changed.get_absolute_url())[2]
    assert front.app.calls == 3
    assert "Untouched" in get(front, other.get_absolute_url())[2]
    assert front.app.calls == 3, "the other article was still in the front's memory"


def test_a_change_shows_on_the_next_request_through_the_front(front):
    article = make_article(headline="Before the edit")
    url = article.get_absolute_url()
    get(front, url)
    get(front, url)
    publish_changes(article, headline="After the edit")
    _, _, body = get(front, url)
    assert "After the edit" in body and front.app.calls == 2


def test_cookies_get_the_cached_page_from_the_front(front):
    url = make_article().get_absolute_url()
    _, _, plain = get(front, url)
    for cookie in (f"{settings.SESSION_COOKIE_NAME}=abc", "messages=xyz", "csrftoken=1; a=b"):
        status, headers, body = get(front, url, cookie=cookie)
        assert (status, body) == (200, plain) and not header(headers, "Set-Cookie"), cookie
    assert front.app.calls == 1


def test_conditional_requests_get_304_from_the_front(front):
    url = make_article().get_absolute_url()
    _, headers, _ = get(front, url)
    (etag,) = header(headers, "ETag")
    status, headers, body = get(front, url, HTTP_IF_NONE_MATCH=etag)
    assert (status, body) == (304, "") and front.app.calls == 1
    assert header(headers, "ETag") == [etag]


def test_an_expired_page_goes_back_to_django(front):
    url = make_article().get_absolute_url()
    get(front, url)
    key = next(iter(front.pages))
    front.pages[key] = dataclasses.replace(front.pages[key], expires=0)  # its lifetime is over
    get(front, url)
    assert front.app.calls == 2


def test_the_front_logs_each_page_it_serves(front, caplog):
    url = make_article().get_absolute_url()
    with caplog.at_level("INFO", logger="newsroom.requests"):
        get(front, url)
        get(front, url)
    records = [r for r in caplog.records if r.name == "newsroom.requests"]
    lines = [r.getMessage() for r in records]
    assert len(lines) == 2
    assert lines[0].endswith("cache=miss") and lines[1].endswith("cache=hit")
    assert f"path={url} status=200" in lines[1]


def test_each_page_the_front_serves_has_its_own_request_id(front, caplog):
    url = make_article().get_absolute_url()
    with caplog.at_level("INFO", logger="newsroom.requests"):
        ids = [header(get(front, url)[1], "X-Request-ID") for _ in range(3)]
    assert all(len(i) == 1 for i in ids) and len({i[0] for i in ids}) == 3, ids
    logged = [r.request_id for r in caplog.records if r.name == "newsroom.requests"]
    assert logged == [i[0] for i in ids], "the line and the answer say the same id"
    status, headers, _ = get(front, url, HTTP_IF_NONE_MATCH=header(get(front, url)[1], "ETag")[0])
    assert status == 304 and header(headers, "X-Request-ID")


@pytest.mark.parametrize("sequence_file", [False, True])
def test_with_a_dummy_cache_nothing_is_kept_and_every_change_shows(
    front, settings, tmp_path, sequence_file
):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    if sequence_file:  # a sequence that is kept does not switch the page cache back on
        settings.PURGE_SEQUENCE_FILE = str(tmp_path / "purge-sequence")
    article = make_article(headline="First words")
    url = article.get_absolute_url()
    get(front, url)
    publish_changes(article, headline="Second words")
    _, _, body = get(front, url)
    assert "Second words" in body and front.app.calls == 2 and not front.pages


def test_with_a_sequence_file_every_change_shows_in_every_process(front, settings, tmp_path):
    settings.PURGE_SEQUENCE_FILE = str(tmp_path / "cache" / "purge-sequence")
    other_process = PageCacheFront(CountingDjango())
    article = make_article(headline="Morning edition")
    url = article.get_absolute_url()
    for app in (front, other_process, front, other_process):
        assert "Morning edition" in get(app, url)[2]
    assert front.app.calls == other_process.app.calls == 1, "both serve it from memory"
    sequence = (tmp_path / "cache" / "purge-sequence").read_bytes()
    publish_changes(article, headline="Evening edition")
    assert (tmp_path / "cache" / "purge-sequence").read_bytes() != sequence
    for app in (front, other_process):
        assert "Evening edition" in get(app, url)[2]


def test_a_flushed_cache_empties_the_front_too(front):
    from django.core.cache import cache

    from articles.models import Article

    article = make_article(headline="Before the flush")
    url = article.get_absolute_url()
    get(front, url)
    get(front, url)
    Article.objects.filter(pk=article.pk).update(headline="Changed unseen")  # purges nothing
    cache.clear()  # Redis restarted, or flushed: the purge sequence is gone with the rest
    assert "Changed unseen" in get(front, url)[2]
    assert front.app.calls == 2
