"""Reach: feeds, sitemaps, metadata, search, archives and stable links, read by real parsers."""

import json
from datetime import timedelta

import feedparser
import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from lxml import etree, html

from articles.models import ArticleNote
from tests.factories import make_article, make_author, make_image, make_topic

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


# Feeds


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_site_feed_has_full_text_absolute_links_and_the_picture(client, url):
    article = make_article(
        headline="Tide tables change",
        standfirst="New data from the harbour.",
        body='<p>Read <a href="/weather/">the forecast</a>.</p>',
        hero_image=make_image(),
    )
    make_article(status="draft", headline="Secret draft")
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert [e.title for e in feed.entries] == ["Tide tables change"]
    entry = feed.entries[0]
    assert entry.link == f"http://testserver{article.get_absolute_url()}"
    content = entry.get("content", [{}])[0].get("value") or entry.summary
    assert 'href="http://testserver/weather/"' in content
    assert "New data from the harbour." in content
    enclosures = [link for link in entry.links if link.rel == "enclosure"]
    assert enclosures and enclosures[0].href.startswith("http://testserver/media/renditions/")
    assert enclosures[0].type == "image/jpeg"
    social = article.hero_image.renditions["social"][2]
    assert enclosures[0].length == str(default_storage.size(social)), "the file's true size"
    assert entry.author == article.byline_authors[0].name


def test_topic_and_author_feeds_list_only_their_articles(client):
    weather = make_topic(slug="weather", name="Weather")
    writer = make_author(slug="ada", name="Ada")
    make_article(headline="Rain", primary_topic=weather, authors=[writer])
    make_article(headline="Stocks")
    for url, title in [("/feed/topics/weather/", "Weather"), ("/feed/atom/authors/ada/", "Ada")]:
        feed = feedparser.parse(client.get(url).content)
        assert not feed.bozo
        assert feed.feed.title.startswith(title)
        assert [e.title for e in feed.entries] == ["Rain"]
    assert client.get("/feed/topics/nothing/").status_code == 404


def test_feed_updated_time_is_the_honest_modified_time(client):
    article = make_article()
    article.modified_at = article.publish_at + timedelta(hours=2)
    article.save()
    entry = feedparser.parse(client.get("/feed/atom/").content).entries[0]
    assert entry.updated_parsed[:5] == article.modified_at.utctimetuple()[:5]


# Sitemaps and robots.txt


def _xml(response):
    assert response.status_code == 200
    return etree.fromstring(response.content)


def test_sitemap_index_and_sections_list_published_articles_topics_and_authors(client):
    article = make_article()
    article.modified_at = timezone.now()
    article.save()
    hidden = make_article(status="draft")
    index = _xml(client.get("/sitemap.xml"))
    sections = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert sections == [
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-topics.xml",
        "http://testserver/sitemap-authors.xml",
    ]
    urls = _xml(client.get("/sitemap-articles.xml"))
    locs = [u.find(f"{SITEMAP}loc").text for u in urls]
    assert f"http://testserver{article.get_absolute_url()}" in locs
    assert not any(hidden.slug in loc for loc in locs)
    lastmod = urls[0].find(f"{SITEMAP}lastmod").text
    assert lastmod == article.modified_at.date().isoformat()
    topics = [u.find(f"{SITEMAP}loc").text for u in _xml(client.get("/sitemap-topics.xml"))]
    assert f"http://testserver{article.primary_topic.get_absolute_url()}" in topics
    authors = [u.find(f"{SITEMAP}loc").text for u in _xml(client.get("/sitemap-authors.xml"))]
    assert f"http://testserver{article.byline_authors[0].get_absolute_url()}" in authors
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.get("/sitemap-articles.xml?p=9").status_code == 404


def test_news_sitemap_lists_the_last_two_days(client):
    fresh = make_article(headline="Fresh & new")
    make_article(headline="Old news", publish_at=timezone.now() - timedelta(days=3))
    root = _xml(client.get("/news-sitemap.xml"))
    urls = root.findall(f"{SITEMAP}url")
    assert len(urls) == 1
    news = urls[0].find(f"{NEWS}news")
    assert news.find(f"{NEWS}title").text == "Fresh & new"
    assert news.find(f"{NEWS}publication/{NEWS}name").text == "The Newsroom"
    assert news.find(f"{NEWS}publication/{NEWS}language").text == "en"
    assert news.find(f"{NEWS}publication_date").text == fresh.publish_at.isoformat("T", "seconds")


def test_robots_txt_names_both_sitemaps(client):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Sitemap: http://testserver/news-sitemap.xml" in text
    assert "Disallow: /admin/" in text


# Metadata


def test_article_page_carries_search_and_social_metadata(client):
    author = make_author(name="Ada Reporter")
    article = make_article(
        headline="Council votes",
        standfirst="A narrow majority.",
        authors=[author],
        hero_image=make_image(),
    )
    note = ArticleNote.objects.create(article=article, kind="correction", text="Fixed a name.")
    page = client.get(article.get_absolute_url()).content.decode()
    tree = html.fromstring(page)

    def meta(attr, name):
        found = tree.xpath(f'//meta[@{attr}="{name}"]/@content')
        assert found, name
        return found[0]

    url = f"http://testserver{article.get_absolute_url()}"
    assert tree.findtext(".//title") == "Council votes — The Newsroom"
    assert meta("name", "description") == "A narrow majority."
    assert tree.xpath('//link[@rel="canonical"]/@href') == [url]
    assert meta("property", "og:type") == "article"
    assert meta("property", "og:title") == "Council votes"
    assert meta("property", "og:description") == "A narrow majority."
    assert meta("property", "og:url") == url
    assert "/social-1200x630.jpg" in meta("property", "og:image")
    published = article.publish_at.isoformat(timespec="seconds")  # HTML takes no microseconds
    assert meta("property", "article:published_time") == published
    # A correction is a change in substance: it moves the honest "Updated" time.
    assert meta("property", "article:modified_time") == note.noted_at.isoformat(timespec="seconds")
    assert meta("property", "article:section") == article.primary_topic.name
    assert meta("property", "article:author").endswith(author.get_absolute_url())
    assert meta("name", "twitter:card") == "summary_large_image"

    (script,) = tree.xpath('//script[@type="application/ld+json"]/text()')
    data = json.loads(script)
    assert data["@type"] == "NewsArticle"
    for key in (
        "headline",
        "description",
        "image",
        "datePublished",
        "dateModified",
        "author",
        "publisher",
        "mainEntityOfPage",
    ):
        assert data.get(key), key
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Ada Reporter",
            "url": f"http://testserver{author.get_absolute_url()}",
        }
    ]
    assert data["publisher"]["logo"]["url"].startswith("http://testserver/static/icons/logo")
    assert data["mainEntityOfPage"]["@id"] == url
    assert data["correction"][0]["@type"] == "CorrectionComment"
    assert data["correction"][0]["text"] == "Fixed a name."


def test_json_ld_cannot_be_broken_out_of(client):
    article = make_article(headline="</script><script>alert(1)</script>")
    page = client.get(article.get_absolute_url()).content.decode()
    script = page.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert json.loads(script)["headline"] == "</script><script>alert(1)</script>"


def test_topic_and_author_pages_have_their_own_titles_and_canonicals(client):
    article = make_article()
    topic, author = article.primary_topic, article.byline_authors[0]
    for obj in (topic, author):
        tree = html.fromstring(client.get(obj.get_absolute_url()).content)
        assert tree.findtext(".//title").startswith(obj.name)
        assert tree.xpath('//link[@rel="canonical"]/@href') == [
            f"http://testserver{obj.get_absolute_url()}"
        ]


# Search


def test_search_ranks_headline_matches_before_body_matches(client):
    make_article(headline="Weather today", body="<p>Cloudy with a lighthouse in view.</p>")
    make_article(headline="Lighthouse restored", body="<p>The old tower shines again.</p>")
    make_article(
        headline="Budget", standfirst="Funds for the lighthouse keepers.", body="<p>Money.</p>"
    )
    make_article(headline="Lighthouse draft", status="draft")
    response = client.get("/search/", {"q": "lighthouse"})
    assert response.status_code == 200
    tree = html.fromstring(response.content)
    headlines = [h.text_content() for h in tree.xpath("//h2[@class='teaser-headline']")]
    assert headlines == ["Lighthouse restored", "Budget", "Weather today"]
    assert "<mark>Lighthouse</mark> restored" in response.content.decode()


def test_search_needs_every_word(client):
    make_article(headline="Harbour bridge reopens")
    make_article(headline="Harbour dredging")
    page = client.get("/search/", {"q": "harbour bridge"}).content.decode()
    assert "<mark>bridge</mark>" in page and "dredging" not in page


@pytest.mark.parametrize(
    "query", ["", "   ", "!!! ??? ...", "<script>alert(1)</script>", "x" * 1000, "' OR 1=1 --"]
)
def test_search_answers_odd_queries_calmly(client, query):
    make_article(headline="Anything")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page


def test_long_queries_say_they_were_shortened(client):
    page = client.get("/search/", {"q": "word " * 300}).content.decode()
    assert "we searched for its first words only" in page


def test_search_is_paginated(client, settings):
    settings.ARTICLES_PER_PAGE = 2
    for n in range(5):
        make_article(headline=f"Ferry news {n}")
    first = html.fromstring(client.get("/search/", {"q": "ferry"}).content)
    assert len(first.xpath("//h2[@class='teaser-headline']")) == 2
    third = client.get("/search/", {"q": "ferry", "page": 3}).content.decode()
    assert "Page 3 of 3" in third
    assert client.get("/search/", {"q": "ferry", "page": "abc"}).status_code == 200


def test_search_query_count_is_bounded(client, django_assert_max_num_queries):
    for n in range(15):
        make_article(headline=f"Storm {n}")
    client.get("/")  # the header and footer are read once per purge: read them first
    with django_assert_max_num_queries(5):
        client.get("/search/", {"q": "storm"})


# Archives and stable links


def test_archive_lists_months_and_each_month_its_articles(client):
    make_article(
        headline="March story", publish_at=timezone.make_aware(timezone.datetime(2025, 3, 9, 12))
    )
    make_article(
        headline="May story", publish_at=timezone.make_aware(timezone.datetime(2025, 5, 1, 12))
    )
    index = client.get("/archive/").content.decode()
    assert 'href="/archive/2025/3/"' in index and 'href="/archive/2025/5/"' in index
    march = client.get("/archive/2025/3/").content.decode()
    assert "March story" in march and "May story" not in march
    assert client.get("/archive/2025/13/").status_code == 404
    year = client.get("/archive/2025/").content.decode()
    assert "March story" in year and "May story" in year and 'href="/archive/2025/"' in index


def test_a_changed_slug_redirects_permanently_from_the_old_address(client):
    article = make_article(slug="first-slug")
    old = article.get_absolute_url()
    article.slug = "better-slug"
    article.save()
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    article.slug = "first-slug"
    article.save()
    assert client.get(article.get_absolute_url()).status_code == 200, "a slug can come back"


def test_a_changed_section_redirects_permanently(client):
    article = make_article()
    old = article.get_absolute_url()
    article.primary_topic = make_topic(slug="new-section")
    article.save()
    response = client.get(old)
    assert response.status_code == 301 and response["Location"] == article.get_absolute_url()


def test_postgresql_searches_an_indexed_weighted_vector_and_other_databases_do_without():
    from django.db import connection

    article = make_article(headline="Indexed headline")
    article.refresh_from_db()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'article_search_idx'")
            (definition,) = cursor.fetchone()
        assert "USING gin (search_vector)" in definition
        assert "'headlin':2A" in article.search_vector or "'index':1A" in article.search_vector
    else:
        assert article.search_vector is None


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_feed_entry_ids_are_stable_addresses_that_lead_to_the_article(client, url):
    article = make_article(headline="Stays findable")
    (entry,) = feedparser.parse(client.get(url).content).entries
    article.slug = "moved-elsewhere"
    article.save()
    moved = client.get(entry.id)
    assert moved.status_code == 301
    assert moved["Location"] == article.get_absolute_url()
    assert client.get(moved["Location"]).status_code == 200


def test_an_unpublished_articles_permanent_address_is_not_found(client):
    draft = make_article(status="draft")
    assert client.get(f"/articles/{draft.pk}/").status_code == 404


def test_a_feed_keeps_no_request_on_the_instance_every_request_shares(client):
    from django.urls import resolve

    make_article()
    shared = resolve("/feed/").func
    assert client.get("/feed/", HTTP_HOST="localhost").status_code == 200
    assert not hasattr(shared, "request"), "another thread would see this request's host"


def test_every_time_on_the_article_page_is_valid_html(client):
    import re

    article = make_article()
    ArticleNote.objects.create(article=article, kind="update", text="More news.")
    page = client.get(article.get_absolute_url()).content.decode()
    values = re.findall(r'<time datetime="([^"]+)"', page)
    assert values
    for value in values:  # at most three decimals of a second: here none
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", value), value
