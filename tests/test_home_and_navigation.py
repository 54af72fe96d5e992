"""The front page, the top bar editors control, the banner and the footer pages."""

import re
from datetime import timedelta

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.utils import timezone

from articles import workflow
from chrome.models import BreakingNews, changed
from tests.factories import desk_editor, make_article, make_topic

pytestmark = pytest.mark.django_db


def _position(page, text):
    assert text in page, text
    return page.index(text)


def test_a_home_never_arranged_has_a_row_for_each_top_level_section(client):
    weather = make_topic(name="Weather", slug="weather")
    markets = make_topic(name="Live Markets", slug="live-markets")
    europe = make_topic(name="Europe", slug="europe", parent=markets)
    for n in range(12):
        make_article(headline=f"Forecast {n}", primary_topic=weather)
        make_article(headline=f"Stocks {n}", primary_topic=markets)
    make_article(headline="Paris votes", primary_topic=europe)
    page = client.get("/").content.decode()
    rows = re.findall(r'<h2 id="block-\d+" class="section-title"><a href="([^"]+)"', page)
    assert rows == ["/live-markets/", "/weather/"], "top-level sections, by name; no subsection"
    for n in range(12):
        assert page.count(f">Forecast {n}<") <= 1, "no story twice on the front"
        assert page.count(f">Stocks {n}<") <= 1, "no story twice on the front"


def test_topic_navigation_leads_to_the_topic_page_and_its_articles(client):
    weather = make_topic(name="Weather", slug="weather")
    make_article(headline="Storm due", primary_topic=weather)
    home = client.get("/").content.decode()
    assert 'href="/weather/">Weather</a>' in home
    topic_page = client.get("/weather/").content.decode()
    assert "<h1>Weather</h1>" in topic_page
    assert "Storm due" in topic_page


def test_topic_page_lists_articles_tagged_with_it_and_from_its_subsections(client):
    world = make_topic(name="World", slug="world")
    europe = make_topic(name="Europe", slug="europe", parent=world)
    make_article(headline="Filed under Europe", primary_topic=europe)
    make_article(headline="Tagged World", topics=[world])
    page = client.get("/world/").content.decode()
    assert "Filed under Europe" in page and "Tagged World" in page
    assert page.count("Tagged World") == 1


def test_latest_listing_is_paginated(client, settings):
    for n in range(25):
        make_article(headline=f"Story {n:02d}", publish_at=timezone.now() - timedelta(minutes=n))
    first = client.get("/latest/").content.decode()
    second = client.get("/latest/?page=2").content.decode()
    assert "Story 00" in first and "Story 24" not in first
    assert "Story 24" in second and 'rel="prev"' in second
    assert client.get("/latest/?page=99").status_code == 404
    assert client.get("/latest/?page=abc").status_code == 404


def test_breaking_news_banner_is_raised_and_cleared(client):
    article = make_article(headline="Polls close")
    banner = BreakingNews.objects.create(text="Polls have closed", article=article)
    page = client.get("/").content.decode()
    assert "Polls have closed" in page
    assert f'<a href="{article.get_absolute_url()}">Polls have closed</a>' in page
    banner.is_active = False
    banner.save()
    changed()  # as the desk's save does
    assert "Polls have closed" not in client.get("/").content.decode()


def test_banner_links_its_article_only_while_readers_may_read_it(client, settings, clock):
    settings.PAGE_CACHE_SECONDS = 0
    article = make_article(
        headline="Count begins", publish_at=timezone.now() + timedelta(seconds=30)
    )
    BreakingNews.objects.create(text="Counting starts soon", article=article)
    link = f'<a href="{article.get_absolute_url()}">Counting starts soon</a>'
    page = client.get("/").content.decode()
    assert "Counting starts soon" in page and link not in page, "scheduled: not yet"
    clock.advance(31)
    assert link in client.get("/").content.decode(), "its time came, with no save at all"
    article.refresh_from_db()
    workflow.transition(article, "unpublish", by=desk_editor())
    page = client.get("/").content.decode()
    assert "Counting starts soon" in page and link not in page, "unpublished: unlinked again"


def test_footer_lists_the_editor_managed_pages(client):
    page = FlatPage.objects.create(url="/about/", title="About us", content="<p>Who we are.</p>")
    page.sites.add(Site.objects.get_current())
    home = client.get("/").content.decode()
    assert 'href="/pages/about/">About us</a>' in home
    about = client.get("/pages/about/")
    assert about.status_code == 200
    assert "Who we are." in about.content.decode()


def test_author_page_lists_their_published_articles(client):
    article = make_article(headline="By this author")
    author = article.byline_authors[0]
    make_article(headline="Someone else’s")
    page = client.get(author.get_absolute_url()).content.decode()
    assert f"<h1>{author.name}</h1>" in page
    assert "By this author" in page and "Someone else’s" not in page
