"""The production server's entry point (newsroom/asgi.py) answers the pages the front holds on
the event loop, from the ASGI request itself: the same bytes and headers as the front's WSGI
answer, found under the same key, and nothing stale."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from newsroom import asgi
from tests.factories import make_article, publish_changes
from tests.test_page_cache_front import CountingDjango, front, get, header  # noqa: F401

pytestmark = pytest.mark.django_db


def scope(path, *headers, method="GET", query=b""):
    return {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "http_version": "1.1",
        "scheme": "http",
        "root_path": "",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 50000),
        "headers": [(b"host", b"testserver"), *headers],
    }


def ask(request_scope, *, text=True):
    """The ASGI application's answer: (status, headers as text, body as text, or as bytes
    unless `text`)."""
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    # On a thread of its own: the browser tests' Playwright may hold an event loop here.
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, asgi.application(request_scope, receive, send)).result()
    start, *bodies = sent
    headers = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in start["headers"]]
    body = b"".join(m.get("body", b"") for m in bodies)
    return start["status"], headers, body.decode() if text else body


@pytest.fixture
def served(front, monkeypatch):  # noqa: F811 - the front fixture, used by name
    """The entry point's front, with a Django that counts the requests reaching it."""
    monkeypatch.setattr(asgi, "front", front)
    return front


def test_a_page_the_front_holds_is_answered_on_the_event_loop_as_the_front_answers_it(served):
    url = make_article(headline="Answered from memory").get_absolute_url()
    get(served, url)  # Django renders it, as the entry point's thread would have it do
    _, wsgi_headers, wsgi_body = get(served, url)
    assert served.app.calls == 1
    status, headers, body = ask(scope(url, (b"cookie", b"sessionid=junk")))
    assert status == 200 and served.app.calls == 1, "Django was not asked"
    assert body == wsgi_body and "Answered from memory" in body
    for name in ("ETag", "Content-Type", "Cache-Control", "Content-Length", "X-Frame-Options"):
        assert header(headers, name) == header(wsgi_headers, name) != [], name
    assert header(headers, "X-Request-ID") != header(wsgi_headers, "X-Request-ID")

    etag = header(headers, "ETag")[0]
    status, headers, body = ask(scope(url, (b"if-none-match", etag.encode())))
    assert (status, body) == (304, "") and header(headers, "ETag") == [etag]
    assert header(headers, "Cache-Control") == header(wsgi_headers, "Cache-Control")
    status, _, body = ask(scope(url, (b"if-none-match", b"*")))
    assert (status, body) == (304, ""), "any version the reader has is this one"


def test_only_a_plain_get_of_a_held_page_is_answered_on_the_event_loop(served):
    article = make_article(headline="Held")
    url = article.get_absolute_url()
    get(served, url)
    assert asgi._from_memory(scope(url)) is not None
    # Another address, a body, a page the desk shows: Django's thread answers them.
    assert asgi._from_memory(scope(url, query=b"page=2")) is None
    assert asgi._from_memory(scope(url, (b"content-length", b"5"))) is None
    assert asgi._from_memory(scope(url, (b"transfer-encoding", b"chunked"))) is None
    assert asgi._from_memory(scope("/admin/")) is None
    publish_changes(article, headline="Held no more")
    assert asgi._from_memory(scope(url)) is None, "a purged page is not answered"
