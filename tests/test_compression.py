"""Public pages go compressed to browsers that ask for it, from Django's page cache, the WSGI
front and the production entry point alike: the same page, fewer bytes, its own ETag, and
`Vary: Accept-Encoding` so that no cache hands compressed bytes to a client that did not ask.
The desk, whose pages carry a form token, is never compressed."""

import gzip

import pytest

from newsroom import asgi
from newsroom.pagecache.compression import accepts_gzip
from tests.factories import make_article, publish_changes
from tests.test_asgi_front import ask, scope
from tests.test_page_cache_front import CountingDjango, front, get  # noqa: F401

pytestmark = pytest.mark.django_db


def _wsgi_get(app, path, **headers):
    status, sent, body = get(app, path, text=False, **headers)
    return status, dict(sent), body


def _asgi_get(path, *headers):
    status, sent, body = ask(scope(path, *headers), text=False)
    return status, {name.lower(): value for name, value in sent}, body


def test_a_page_is_sent_compressed_only_to_a_browser_that_asks(client):
    url = make_article(headline="Squeezed news", body="<p>Words. </p>" * 200).get_absolute_url()

    plain = client.get(url)
    squeezed = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})

    assert "Content-Encoding" not in plain and "Squeezed news" in plain.content.decode()
    assert squeezed["Content-Encoding"] == "gzip"
    assert gzip.decompress(squeezed.content) == plain.content
    assert len(squeezed.content) * 3 < len(plain.content)
    for response in (plain, squeezed):
        assert "Accept-Encoding" in response["Vary"] and "Cookie" not in response["Vary"]
    assert squeezed["ETag"] != plain["ETag"]
    again = client.get(url, headers={"accept-encoding": "gzip", "if-none-match": squeezed["ETag"]})
    assert again.status_code == 304
    refused = client.get(url, headers={"accept-encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused and refused.content == plain.content


def test_the_front_and_the_entry_point_answer_from_memory_compressed_too(front, monkeypatch):  # noqa: F811
    monkeypatch.setattr(asgi, "front", front)
    article = make_article(headline="Held both ways")
    url = article.get_absolute_url()
    _, _, plain = _wsgi_get(front, url)  # rendered once, by Django
    status, headers, body = _wsgi_get(front, url, HTTP_ACCEPT_ENCODING="gzip")
    assert status == 200 and front.app.calls == 1, "the front answered"
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == plain
    assert headers["Content-Length"] == str(len(body))

    status, headers, body = _asgi_get(url, (b"accept-encoding", b"gzip, br"))
    assert status == 200 and front.app.calls == 1
    assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == plain
    status, headers, body = _asgi_get(url)
    assert "content-encoding" not in headers and body == plain

    publish_changes(article, headline="Changed both ways")
    _, _, body = _wsgi_get(front, url, HTTP_ACCEPT_ENCODING="gzip")
    assert b"Changed both ways" in gzip.decompress(body), "a purge drops both copies"


def test_the_desk_is_never_compressed(editor_client):
    response = editor_client.get("/admin/", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200 and "Content-Encoding" not in response


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip", True),
        ("deflate, gzip;q=0.5", True),
        ("*", True),
        ("br", False),
        ("gzip;q=0", False),
        ("gzip; q=0.000", False),
        ("", False),
    ],
)
def test_which_requests_take_gzip(header, accepted):
    assert accepts_gzip(header) is accepted
