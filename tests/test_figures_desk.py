"""The figures at the desk: views in the last 24 hours in the article list (read with the list's
own query), a link from a story's form to its figures page (views per hour as an SVG chart with
the figures in a table, referring hosts, replies and reports), and the day's stories ranked;
for editors and writers, not for moderators."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from figures.models import HourlyReferrer, HourlyViews
from tests.factories import make_article, make_reply

pytestmark = pytest.mark.django_db

LIST = reverse("admin:articles_article_changelist")
TODAY = reverse("admin:figures_hourlyviews_changelist")


def _hour(hours_ago=0):
    return (timezone.now() - timedelta(hours=hours_ago)).replace(minute=0, second=0, microsecond=0)


def _read(article, views, hours_ago=0, host=""):
    HourlyViews.objects.create(article=article, hour=_hour(hours_ago), views=views)
    HourlyReferrer.objects.create(article=article, hour=_hour(hours_ago), host=host, views=views)


def test_the_article_list_shows_views_in_the_last_24_hours(editor_client):
    article = make_article(headline="Read a lot")
    _read(article, 120, hours_ago=1)
    _read(article, 30, hours_ago=3)
    _read(article, 999, hours_ago=30)
    page = editor_client.get(LIST).content.decode()
    assert "Views (24 h)" in page
    assert '<td class="field-views_24h">150</td>' in page


@pytest.mark.parametrize("articles", [3, 40])
def test_the_article_list_reads_the_views_in_its_own_query(
    editor_client, articles, django_assert_num_queries
):
    for n in range(articles):
        _read(make_article(), n + 1)
    editor_client.get(LIST)  # the session, the sites framework: read once
    with django_assert_num_queries(13):
        assert editor_client.get(LIST).status_code == 200
    with django_assert_num_queries(13):  # sorted by views: the same query, ordered
        assert editor_client.get(LIST, {"o": "-6"}).status_code == 200


def test_the_list_sorts_by_views(editor_client):
    quiet, busy = make_article(headline="Quiet story"), make_article(headline="Busy story")
    _read(quiet, 1)
    _read(busy, 500)
    column = "6"  # headline, status, publish_at, byline, section, views
    page = editor_client.get(LIST, {"o": f"-{column}"}).content.decode()
    assert page.index("Busy story") < page.index("Quiet story")


def _views_heading_link(page: str) -> str:
    heading = re.search(
        r'<th scope="col" class="([^"]*)column-views_24h[^"]*">(.*?)</th>', page, re.S
    )
    assert heading and "sortable" in heading[1], "the views heading is a sort link"
    return html.unescape(re.search(r'<a href="([^"]*)">Views', heading[2])[1])


def test_the_views_heading_sorts_the_list_both_ways(editor_client):
    quiet, busy = make_article(headline="Quiet story"), make_article(headline="Busy story")
    _read(quiet, 1)
    _read(busy, 500)
    ascending = _views_heading_link(editor_client.get(LIST).content.decode())
    page = editor_client.get(LIST + ascending).content.decode()
    assert page.index("Quiet story") < page.index("Busy story")
    descending = _views_heading_link(page)
    page = editor_client.get(LIST + descending).content.decode()
    assert page.index("Busy story") < page.index("Quiet story")


def test_a_story_form_links_to_its_figures(editor_client):
    article = make_article()
    page = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    url = reverse("admin:figures_story", args=[article.pk])
    assert f'<a href="{url}">Figures</a>' in page.content.decode()


def test_a_story_figures_page_has_its_chart_table_hosts_replies_and_reports(editor_client):
    article = make_article(publish_at=timezone.now() - timedelta(hours=5))
    _read(article, 40, hours_ago=4, host="news.example.com")
    _read(article, 25, hours_ago=1, host="")
    make_reply(article)
    make_reply(article, status="pending", report_count=2)
    page = editor_client.get(reverse("admin:figures_story", args=[article.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'role="img"' in html and '<title id="chart-title">' in html
    assert html.count("<rect ") == 6, "one bar an hour since publication, empty ones too"
    assert "65 views in 6 hours" in html
    assert "<td>40</td>" in html and "<td>25</td>" in html
    assert _sources(html) == {"news.example.com": 40, DIRECT: 25}
    assert "<dt>Replies, all</dt><dd>2 <small>(1 shown)</small></dd>" in html
    assert "<dt>Reports, all</dt><dd>2</dd>" in html


def _sources(html: str) -> dict[str, int]:
    """The "Where readers came from" table: {site: views}."""
    table = html[html.index("Where readers came from") :]
    table = table[: table.index("</table>")]
    return {site: int(n) for site, n in re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td>", table)}


DIRECT = "Direct: no site named (typed, bookmarked, an app)"


def test_direct_visits_have_their_row_however_many_sites_sent_readers(editor_client):
    article = make_article(publish_at=timezone.now() - timedelta(hours=5))
    for n in range(12):
        HourlyReferrer.objects.create(
            article=article, hour=_hour(2), host=f"site{n}.example", views=50 + n
        )
    _read(article, 3, hours_ago=1, host="")
    html = editor_client.get(reverse("admin:figures_story", args=[article.pk])).content.decode()
    sources = _sources(html)
    assert sources[DIRECT] == 3
    assert len(sources) == 11, "the ten sites most readers came from, and the direct visits"
    assert list(sources)[-1] == DIRECT, "most views first"


def test_a_story_read_only_from_other_sites_shows_no_direct_visits(editor_client):
    article = make_article(publish_at=timezone.now() - timedelta(hours=5))
    _read(article, 7, hours_ago=1, host="news.example.com")
    html = editor_client.get(reverse("admin:figures_story", args=[article.pk])).content.decode()
    assert _sources(html) == {"news.example.com": 7, DIRECT: 0}


def test_every_figure_of_a_story_page_says_its_window(editor_client):
    """An older story: its views, busiest hour and sources all from the last fortnight, named
    so; today's views since midnight, the same figure as Stories read today."""
    article = make_article(publish_at=timezone.now() - timedelta(days=30))
    _read(article, 900, hours_ago=20 * 24, host="old.example")
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    yesterday = int((timezone.now() - midnight) / timedelta(hours=1)) + 2
    _read(article, 40, hours_ago=yesterday, host="news.example.com")
    _read(article, 5, hours_ago=0, host="news.example.com")
    html = editor_client.get(reverse("admin:figures_story", args=[article.pk])).content.decode()
    assert "<dt>Views today</dt><dd>5</dd>" in html
    assert "<dt>Views in the last 14 days</dt><dd>45</dd>" in html
    assert "<dt>Busiest hour in the last 14 days</dt><dd>40</dd>" in html
    assert "<h2>Views per hour in the last 14 days</h2>" in html
    assert "<h2>Where readers came from in the last 14 days</h2>" in html
    assert _sources(html) == {"news.example.com": 45, DIRECT: 0}
    today = editor_client.get(TODAY).content.decode()
    assert "<td>5</td>" in today, "the same figure for today as Stories read today"


def test_a_new_story_counts_since_publication(editor_client):
    article = make_article(publish_at=timezone.now() - timedelta(hours=3))
    _read(article, 8, hours_ago=1)
    html = editor_client.get(reverse("admin:figures_story", args=[article.pk])).content.decode()
    assert "<dt>Views since publication</dt><dd>8</dd>" in html
    assert "<h2>Where readers came from since publication</h2>" in html


def test_a_story_without_views_says_so(editor_client):
    article = make_article()
    html = editor_client.get(reverse("admin:figures_story", args=[article.pk])).content.decode()
    assert "No views counted yet." in html


def test_today_ranks_the_stories_read_since_midnight(editor_client, settings):
    first, second = make_article(headline="Second most"), make_article(headline="Most of all")
    _read(first, 10)
    _read(second, 20)
    html = editor_client.get(TODAY).content.decode()
    assert html.index("Most of all") < html.index("Second most")
    assert "<td>20</td>" in html
    assert "Most read, as readers see it: the last 24 hours" in html, "its own window, named"


@pytest.mark.parametrize("stories", [2, 30])
def test_today_makes_the_same_queries_however_many_stories(
    editor_client, stories, django_assert_num_queries
):
    for n in range(stories):
        _read(make_article(), n + 1)
    editor_client.get(TODAY)
    with django_assert_num_queries(7):
        editor_client.get(TODAY)


def test_writers_read_the_figures_too(writer_client):
    article = make_article()
    assert writer_client.get(reverse("admin:figures_story", args=[article.pk])).status_code == 200
    assert writer_client.get(TODAY).status_code == 200


def test_moderators_see_no_figures(moderator_client):
    article = make_article()
    assert (
        moderator_client.get(reverse("admin:figures_story", args=[article.pk])).status_code == 403
    )
    assert moderator_client.get(TODAY).status_code == 403


def test_readers_are_sent_to_sign_in(client):
    article = make_article()
    response = client.get(reverse("admin:figures_story", args=[article.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
