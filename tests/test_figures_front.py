"""The production entry points (newsroom/asgi.py, newsroom/wsgi.py) count a reader's view
before Django, by the same rules as the view behind them: counted when it is a same-origin
beacon of the right shape, refused with the same 4xx otherwise, and never stored by Django's
stack (no session, no cookie, no page cache, no request log)."""

import asyncio
import io
import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from figures import buffer, fold, store
from figures.beacon import MAX_BODY_BYTES, article_key
from figures.models import HourlyReferrer, HourlyViews
from newsroom import asgi, wsgi
from tests.factories import make_article
from tests.figures_helpers import BROWSER, a_reader

pytestmark = pytest.mark.django_db(transaction=True)

GOOD = [
    (b"host", b"testserver"),
    (b"origin", b"http://testserver"),
    (b"sec-fetch-site", b"same-origin"),
    (b"user-agent", BROWSER.encode()),
    (b"content-type", b"text/plain;charset=UTF-8"),
]


@pytest.fixture(autouse=True)
def tally_sent():
    """A view the front took waits in the process's tally for up to a second: sent to the
    store before the test's database goes."""
    yield
    buffer.tally.flush()


def _body(article, host="news.example.com") -> bytes:
    return json.dumps({"a": article.pk, "k": article_key(article.pk), "r": host}).encode()


def ask_asgi(body: bytes, headers=GOOD, method="POST", pieces=1, query=b"", reader=None):
    size = max(-(-len(body) // pieces), 1)
    sent, parts = [], [body[i : i + size] for i in range(0, len(body), size)] or [b""]

    async def receive():
        if parts:
            return {"type": "http.request", "body": parts.pop(0), "more_body": bool(parts)}
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": "/figures/view",
        "raw_path": b"/figures/view",
        "query_string": query,
        "http_version": "1.1",
        "scheme": "http",
        "root_path": "",
        "server": ("testserver", 80),
        "client": (reader or a_reader(), 50000),
        "headers": list(headers),
    }
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, asgi.application(scope, receive, send)).result()
    start, *bodies = sent
    headers = {n.decode(): v.decode() for n, v in start["headers"]}
    return start["status"], headers, b"".join(m.get("body", b"") for m in bodies).decode()


def ask_wsgi(body: bytes, headers=GOOD, method="POST", query=b"", reader=None):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": "/figures/view",
        "QUERY_STRING": query.decode("latin-1"),
        "REMOTE_ADDR": reader or a_reader(),
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
    }
    for name, value in headers:
        name = name.decode()
        key = "CONTENT_TYPE" if name == "content-type" else "HTTP_" + name.upper().replace("-", "_")
        environ[key] = value.decode()
    started = []
    answer = b"".join(wsgi.application(environ, lambda s, h: started.extend([s, h])))
    return int(started[0][:3]), dict(started[1]), answer.decode()


@pytest.mark.parametrize("ask", [ask_asgi, ask_wsgi], ids=["asgi", "wsgi"])
def test_a_view_is_counted_before_django(ask, settings):
    settings.FIGURES_SAMPLE_RATE = 10
    article = make_article()
    status, headers, body = ask(_body(article))
    assert (status, body) == (204, "")
    assert "set-cookie" not in {n.lower() for n in headers}
    assert headers.get("cache-control", headers.get("Cache-Control")) == "no-store"
    fold.fold()
    assert HourlyViews.objects.get(article=article).views == 10
    assert HourlyReferrer.objects.get(article=article).host == "news.example.com"


@pytest.mark.parametrize("ask", [ask_asgi, ask_wsgi], ids=["asgi", "wsgi"])
@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({b"sec-fetch-site": b"cross-site"}, 403),
        ({b"origin": b"https://evil.example"}, 403),
        ({b"host": b"evil.example"}, 403),
        ({b"content-type": b"application/json"}, 415),
        ({b"user-agent": b"Googlebot/2.1"}, 204),
        ({b"sec-purpose": b"prefetch"}, 204),
        ({b"sec-gpc": b"1"}, 204),
        ({b"dnt": b"1"}, 204),
    ],
)
def test_the_front_refuses_what_the_view_refuses(ask, change, status):
    article = make_article()
    headers = [(n, change.get(n, v)) for n, v in GOOD] + [
        (n, v) for n, v in change.items() if n not in dict(GOOD)
    ]
    assert ask(_body(article), headers)[0] == status
    assert fold.fold().views == 0


@pytest.mark.parametrize("ask", [ask_asgi, ask_wsgi], ids=["asgi", "wsgi"])
@pytest.mark.parametrize(
    ("body", "status"),
    [(b"{", 400), (b'{"a": 1, "k": "0", "r": ""}', 400), (b"x" * 5000, 413)],
)
def test_bad_bodies_are_4xx_before_django(ask, body, status):
    answer = ask(body)
    assert answer[0] == status and answer[2]


@pytest.mark.parametrize("ask", [ask_asgi, ask_wsgi], ids=["asgi", "wsgi"])
def test_another_method_is_a_405(ask):
    assert ask(b"", method="GET")[0] == 405


def test_a_body_sent_in_pieces_is_read_whole_and_a_long_one_is_cut_short():
    article = make_article()
    assert ask_asgi(_body(article), pieces=3)[0] == 204
    assert ask_asgi(b"y" * (MAX_BODY_BYTES + 1), pieces=4)[0] == 413


def test_the_process_tally_reaches_the_store_within_a_second_by_itself():
    article = make_article()
    for _ in range(3):
        ask_asgi(_body(article))
    assert store.current().take() == [], "held in the process, not one write per beacon"
    time.sleep(buffer.FLUSH_SECONDS + 0.5)
    taken = store.current().take()
    assert [(c.article_id, c.host, c.views) for c in taken] == [
        (article.pk, "news.example.com", 30)
    ]


def _query(article, host="news.example.com") -> bytes:
    return f"a={article.pk}&k={article_key(article.pk)}&r={host}".encode()


@pytest.mark.parametrize("ask", [ask_asgi, ask_wsgi], ids=["asgi", "wsgi"])
def test_a_view_without_a_body_is_counted_from_its_query_string(ask, settings):
    settings.FIGURES_SAMPLE_RATE = 10
    article = make_article()
    status, headers, body = ask(b"", GOOD[:4], query=_query(article))
    assert (status, body) == (204, "")
    assert "content-length" not in {n.lower() for n in headers}, "a 204 has no length"
    fold.fold()
    assert HourlyViews.objects.get(article=article).views == 10
    assert HourlyReferrer.objects.get(article=article).host == "news.example.com"


def test_a_view_without_a_body_is_answered_without_waiting_for_one():
    article = make_article()
    sent = []

    async def receive():
        raise AssertionError("a beacon with no body waits for none")

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/figures/view",
        "query_string": _query(article),
        "scheme": "http",
        "client": ("198.51.100.7", 50000),
        "headers": [*GOOD[:4], (b"content-length", b"0")],
    }
    # In a thread of its own, as `ask_asgi`: the browser tests' Playwright keeps a loop running
    # on this one for the whole session.
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, asgi.application(scope, receive, send)).result()
    assert sent[0]["status"] == 204


@pytest.mark.parametrize("ask", [ask_asgi, ask_wsgi], ids=["asgi", "wsgi"])
def test_a_flood_from_one_client_counts_once_before_django(ask, settings):
    settings.FIGURES_SAMPLE_RATE = 1
    article = make_article()
    for _ in range(500):
        assert ask(b"", GOOD[:4], query=_query(article), reader="203.0.113.9")[0] == 204
    for reader in ("203.0.113.10", "203.0.113.11"):
        ask(b"", GOOD[:4], query=_query(article), reader=reader)
    fold.fold()
    assert HourlyViews.objects.get(article=article).views == 3


@pytest.mark.parametrize(("trusted", "counted"), [([], 1), (["127.0.0.1"], 3)])
def test_the_front_reads_forwarded_for_as_django_does(settings, trusted, counted):
    """From a trusted proxy only; several X-Forwarded-For headers are read as one list, read
    from the right; X_Forwarded_For is not X-Forwarded-For."""
    settings.FIGURES_SAMPLE_RATE = 1
    settings.TRUSTED_PROXIES = trusted
    article = make_article()
    for forwarded in (
        [(b"x-forwarded-for", b"198.51.100.1")],
        [(b"x-forwarded-for", b"198.51.100.2"), (b"x-forwarded-for", b"127.0.0.1")],
        [(b"x-forwarded-for", b"198.51.100.3"), (b"x_forwarded_for", b"198.51.100.1")],
        [(b"x-forwarded-for", b"198.51.100.2")],
    ):
        ask_asgi(b"", [*GOOD[:4], *forwarded], query=_query(article), reader="127.0.0.1")
    fold.fold()
    assert HourlyViews.objects.get(article=article).views == counted
