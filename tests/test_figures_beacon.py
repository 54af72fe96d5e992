"""The readers' beacon: a sampled view is counted as FIGURES_SAMPLE_RATE views, with the
article, the hour and the referring host only; robots and prefetches are not counted; anything
that is not a same-origin beacon of the right shape is refused with a 4xx, never a 500."""

import json
from datetime import UTC, datetime

import pytest

from figures import fold
from figures.beacon import article_key
from figures.models import HourlyReferrer, HourlyViews
from tests.factories import make_article
from tests.figures_helpers import SAME_ORIGIN, beacon, bodiless

pytestmark = pytest.mark.django_db


def _views(article) -> int:
    fold.fold()
    return sum(HourlyViews.objects.filter(article=article).values_list("views", flat=True))


def test_a_sampled_view_counts_as_the_sampling_rate(client, settings):
    settings.FIGURES_SAMPLE_RATE = 10
    article = make_article()
    for _ in range(3):
        assert beacon(client, article.pk, host="news.example.com").status_code == 204
    assert _views(article) == 30
    row = HourlyReferrer.objects.get(article=article)
    assert (row.host, row.views) == ("news.example.com", 30)


def test_every_view_counts_once_at_a_rate_of_one(client, settings):
    settings.FIGURES_SAMPLE_RATE = 1
    article = make_article()
    beacon(client, article.pk)
    beacon(client, article.pk, host="Search.Example.ORG")
    assert _views(article) == 2
    hosts = dict(HourlyReferrer.objects.filter(article=article).values_list("host", "views"))
    assert hosts == {"": 1, "search.example.org": 1}


def test_views_are_counted_in_the_hour_they_arrive(client, clock, settings):
    settings.FIGURES_SAMPLE_RATE = 1
    article = make_article()
    beacon(client, article.pk)
    clock.advance(3600)
    beacon(client, article.pk)
    beacon(client, article.pk)
    fold.fold()
    hours = list(HourlyViews.objects.filter(article=article).values_list("hour", "views"))
    assert [views for _, views in hours] == [1, 2]
    assert all(hour.minute == hour.second == 0 and hour.tzinfo for hour, _ in hours)


def test_the_beacon_stores_no_cookie_address_or_browser(client, settings):
    article = make_article()
    response = beacon(client, article.pk, host="example.com")
    assert response.status_code == 204 and not response.cookies
    assert "no-store" in response["Cache-Control"]
    fold.fold()
    stored = [str(value) for row in HourlyReferrer.objects.values() for value in row.values()]
    assert not any("127.0.0.1" in v or "Mozilla" in v for v in stored)


@pytest.mark.parametrize(
    "agent",
    [
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "Mozilla/5.0 HeadlessChrome/126.0.0.0",
        "curl/8.5.0",
        "python-requests/2.32",
        # Tools that run the page's scripts as a browser would, saying so only by name.
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0 Mobile Safari/537.36 (compatible; Google-InspectionTool/1.0;)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0 Safari/537.36 PTST/240601.120000",
        "",
    ],
)
def test_robots_are_answered_but_not_counted(client, agent):
    article = make_article()
    assert beacon(client, article.pk, headers={"HTTP_USER_AGENT": agent}).status_code == 204
    assert _views(article) == 0


@pytest.mark.parametrize(
    "header", [{"HTTP_SEC_PURPOSE": "prefetch"}, {"HTTP_SEC_PURPOSE": "prefetch;prerender"}]
)
def test_prefetches_and_prerenders_are_not_counted(client, header):
    article = make_article()
    assert beacon(client, article.pk, headers=header).status_code == 204
    assert _views(article) == 0


@pytest.mark.parametrize("header", [{"HTTP_SEC_GPC": "1"}, {"HTTP_DNT": "1"}])
def test_a_reader_asking_not_to_be_tracked_is_not_counted(client, header):
    """The page's script sends nothing when the browser says so; a browser that says so only
    in its request headers (an extension, a proxy) is not counted either."""
    article = make_article()
    assert beacon(client, article.pk, headers=header).status_code == 204
    assert _views(article) == 0
    assert beacon(client, article.pk, headers={"HTTP_SEC_GPC": "0"}).status_code == 204
    assert _views(article) > 0


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"HTTP_SEC_FETCH_SITE": "cross-site"}, 403),
        ({"HTTP_SEC_FETCH_SITE": "same-site"}, 403),
        ({"HTTP_ORIGIN": "https://evil.example"}, 403),
        ({"HTTP_ORIGIN": "null"}, 403),
    ],
)
def test_a_view_from_another_site_is_refused(client, headers, status):
    article = make_article()
    response = beacon(client, article.pk, headers=headers)
    assert response.status_code == status
    assert "this site" in response.content.decode()
    assert _views(article) == 0


def test_a_post_without_origin_or_fetch_site_is_refused(client):
    article = make_article()
    body = json.dumps({"a": article.pk, "k": "x", "r": ""})
    response = client.post("/figures/view", data=body, content_type="text/plain")
    assert response.status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "{",
        "[]",
        "null",
        '{"a": 1}',
        '{"a": "1", "k": "x", "r": ""}',
        '{"a": true, "k": "x", "r": ""}',
        '{"a": -5, "k": "x", "r": ""}',
        '{"a": 1e400, "k": "x", "r": ""}',
        '{"a": 1, "k": "x", "r": "not a host/with a path"}',
        '{"a": 1, "k": "x", "r": "a", "extra": 1}',
        "[" * 200 + "]" * 200,
        "\udcff",
    ],
)
def test_a_body_that_is_not_a_view_is_a_400(client, body):
    response = beacon(client, 1, body=body.encode("utf-8", "surrogateescape"))
    assert response.status_code == 400
    assert "JSON" in response.content.decode()


def test_a_made_up_article_id_or_key_is_refused(client):
    article = make_article()
    assert beacon(client, article.pk, key="0" * 16).status_code == 400
    assert beacon(client, 999_999, key="0" * 16).status_code == 400
    assert _views(article) == 0


def test_a_view_for_an_article_deleted_since_is_dropped_at_the_fold(client):
    article = make_article()
    beacon(client, article.pk)
    pk = article.pk
    article.delete()
    assert fold.fold().views == 0
    assert not HourlyViews.objects.filter(article_id=pk).exists()


def test_a_huge_body_is_a_413(client):
    response = beacon(client, 1, body="x" * 600)
    assert response.status_code == 413
    huge = beacon(client, 1, body="x" * (3 * 1024 * 1024))
    assert huge.status_code == 413


def test_another_type_is_a_415(client):
    article = make_article()
    response = client.post(
        "/figures/view",
        data={"a": article.pk},
        **SAME_ORIGIN,
    )
    assert response.status_code == 415


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
def test_another_method_is_a_405(client, method):
    response = getattr(client, method)("/figures/view", **SAME_ORIGIN)
    assert response.status_code == 405


def test_the_endpoint_is_never_cached(client):
    assert client.get("/figures/view").status_code == 405
    article = make_article()
    beacon(client, article.pk)
    beacon(client, article.pk)
    assert _views(article) == 20  # each view reached the view, none was a cached answer


def test_the_hour_is_utc_whatever_the_newsroom_time_zone(client, settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    settings.FIGURES_SAMPLE_RATE = 1
    article = make_article()
    beacon(client, article.pk)
    fold.fold()
    hour = HourlyViews.objects.get(article=article).hour
    now = datetime.now(UTC)
    assert hour == now.replace(minute=0, second=0, microsecond=0)


def test_a_view_without_a_body_counts_from_its_query_string(client, settings):
    """What the page's script sends: a POST with no body, the view in its address."""
    settings.FIGURES_SAMPLE_RATE = 10
    article = make_article()
    response = bodiless(client, article.pk, host="news.example.com:8443")
    assert response.status_code == 204 and not response.cookies
    assert _views(article) == 10
    assert HourlyReferrer.objects.get(article=article).host == "news.example.com:8443"


@pytest.mark.parametrize(
    "query",
    [
        "a=1",
        "a=x&k=0&r=",
        "a=1&k=0",
        "a=1&k=0&r=&a=2",
        "k=0&a=1&r=",
        "a=-1&k=0&r=",
        "a=99999999999999999999&k=0&r=",
        "a=1&k=0&r=not%20a%20host%2Fwith%20a%20path",
        "a=1&k=0&r=" + "x" * 600,
    ],
)
def test_a_query_that_is_not_a_view_is_a_400(client, query):
    response = bodiless(client, 1, query=query)
    assert response.status_code == 400
    assert "a=id&k=key&r=host" in response.content.decode()


def test_a_view_in_both_the_query_and_a_body_is_a_400(client):
    article = make_article()
    query = f"a={article.pk}&k={article_key(article.pk)}&r="
    response = client.post(
        f"/figures/view?{query}", data="x", content_type="text/plain", **SAME_ORIGIN
    )
    assert response.status_code == 400
    assert _views(article) == 0


def test_a_view_without_a_body_from_another_site_is_refused(client):
    article = make_article()
    response = bodiless(client, article.pk, headers={"HTTP_SEC_FETCH_SITE": "cross-site"})
    assert response.status_code == 403
    assert _views(article) == 0
