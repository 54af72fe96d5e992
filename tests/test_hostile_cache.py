"""What a hostile client can do to the page cache over real sockets, at the served app and
through Varnish (deploy/varnish/newsroom.vcl): junk cookies get the cached page, made-up query
strings are redirected to the page's own address and fill nothing."""

import http.client
from urllib.parse import urlsplit

import pytest

from tests.factories import make_article
from tests.test_varnish import app_requests, fetch, front, read, varnish  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

JUNK_COOKIES = ["sessionid=x", "messages=x", "sessionid=x; messages=y; csrftoken=z", "a=b"]


@pytest.fixture
def folder_cache(tmp_path, settings):
    """The app's cache in files, as `make serve` keeps it: what it stores can be counted."""
    folder = tmp_path / "pages"
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.pagecache.backends.ResilientFileBasedCache",
            "LOCATION": str(folder),
        }
    }
    return folder


def _get(base: str, path: str, **headers) -> tuple[int, dict, bytes]:
    host = urlsplit(base)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    connection.request("GET", path, headers={"Host": "localhost", **headers})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


def test_junk_cookies_get_the_cached_page_from_the_served_app(live_server, folder_cache, caplog):
    url = make_article(headline="One page for all").get_absolute_url()
    status, _, plain = _get(live_server.url, url)
    stored = len(list(folder_cache.iterdir()))
    caplog.clear()
    with caplog.at_level("INFO", logger="newsroom.requests"):
        for cookie in JUNK_COOKIES:
            status, headers, body = _get(live_server.url, url, Cookie=cookie)
            assert (status, body) == (200, plain), cookie
            assert "Set-Cookie" not in headers and headers["Cache-Control"].startswith("public")
    served = [r.getMessage() for r in caplog.records if r.name == "newsroom.requests"]
    assert len(served) == len(JUNK_COOKIES) and all(m.endswith("cache=hit") for m in served)
    assert len(list(folder_cache.iterdir())) == stored


def test_2000_made_up_query_strings_store_nothing_in_the_served_app(live_server, folder_cache):
    article = make_article()
    for path in ("/", article.get_absolute_url()):
        assert _get(live_server.url, path)[0] == 200
    stored = len(list(folder_cache.iterdir()))
    for n in range(1000):
        for path in ("/", article.get_absolute_url()):
            status, headers, _ = _get(live_server.url, f"{path}?x={n}")
            assert status == 301 and headers["Location"] == path
    assert len(list(folder_cache.iterdir())) == stored, "nothing new in the cache"


def test_made_up_values_of_real_parameters_are_answered_not_stored(live_server, folder_cache):
    article = make_article()
    _get(live_server.url, article.get_absolute_url())
    stored = len(list(folder_cache.iterdir()))
    for query in ("replies=7", "replyto=99", "replies=01", "page=3", "update=5"):
        status, headers, _ = _get(live_server.url, f"{article.get_absolute_url()}?{query}")
        assert status == 200, query
        # A CDN that keeps what is not marked (as some do by default) must not keep it either.
        assert "no-store" in headers["Cache-Control"], query
    status, headers, _ = _get(live_server.url, "/search/?q=zzzqqqxxx")  # finds nothing
    assert status == 200 and "no-store" in headers["Cache-Control"]
    assert len(list(folder_cache.iterdir())) == stored


def test_one_search_spelt_many_ways_is_stored_once(live_server, folder_cache):
    make_article(headline="Housing plans for the city")
    status, _, first = _get(live_server.url, "/search/?q=housing")
    assert status == 200 and b"plans for the city" in first
    stored = len(list(folder_cache.iterdir()))
    assert _get(live_server.url, "/search/?q=housing")[2] == first
    spellings = [
        "Housing",
        "housing+",
        "housing++",
        "housing%20%20%20",
        "HOUSING",
        "housing,+housing",
    ]
    spellings += [f"housing{'+' * n}" for n in range(3, 60)]
    for query in spellings:
        status, headers, page = _get(live_server.url, f"/search/?q={query}")
        if status == 301:  # the same value, spelt as a browser's form sends it
            status, _, page = _get(live_server.url, headers["Location"])
        assert status == 200 and b"plans for the city" in page, query
    assert _get(live_server.url, "/search/?q=housing&page=1")[0] == 200
    assert len(list(folder_cache.iterdir())) == stored, "every other spelling answered, not kept"
    for sent, canonical in [("%71=housing", "q=housing"), ("q=hous%69ng", "q=housing")]:
        status, headers, _ = _get(live_server.url, f"/search/?{sent}")
        assert (status, headers["Location"]) == (301, f"/search/?{canonical}"), sent


def test_canonical_links_carry_only_the_pages_own_parameters(live_server):
    topic = make_article().primary_topic.get_absolute_url()
    _, _, body = _get(live_server.url, f"{topic}?page=1")
    assert f'<link rel="canonical" href="http://localhost{topic}">' in body.decode()
    status, headers, _ = _get(live_server.url, f"{topic}?page=1&utm_source=x")
    assert status == 301 and headers["Location"] == f"{topic}?page=1"


def test_junk_cookies_get_the_cached_page_through_varnish(front, app_requests):  # noqa: F811
    url = make_article(headline="Kept for everyone").get_absolute_url()
    read(front, url)
    _, plain = read(front, url)
    for cookie in JUNK_COOKIES:
        state, text = read(front, url, headers={"Cookie": cookie})
        assert (state, text) == ("HIT", plain), cookie
    assert app_requests.count(url) == 1


def test_made_up_query_strings_through_varnish_are_redirected_and_never_kept(
    front,  # noqa: F811
    app_requests,  # noqa: F811
    settings,
):
    settings.ARTICLES_PER_PAGE = 1
    make_article(headline="Harbour news, the day before")
    url = make_article(headline="Harbour news").get_absolute_url()
    read(front, url)
    for n in range(1000):
        response, _ = fetch(front, f"{url}?x={n}")
        assert response.status == 301 and response.getheader("Location") == url
    response, _ = fetch(front, f"{url}?x=7")
    assert response.getheader("X-Cache") == "MISS", "the redirect was not kept"
    # Trackers' parameters and the order of real ones make no new copy.
    assert read(front, f"{url}?utm_source=x&fbclid=y")[0] == "HIT"
    read(front, "/search/?q=harbour&page=2")
    assert read(front, "/search/?page=2&q=harbour")[0] == "HIT"
    assert read(front, url, headers={"Cookie": "sessionid=x"})[0] == "HIT"
