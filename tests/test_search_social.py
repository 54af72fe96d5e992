"""The search title, search description and social picture: what search engines, social networks
and feed readers are given, with the headline, standfirst and lead picture when they are empty;
their limits at the desk, and the desk's preview of them."""

import json
from datetime import timedelta

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import html

from pictures import events
from pictures.models import Image
from tests.factories import (
    cache_use,
    make_article,
    make_author,
    make_image,
    make_topic,
    page_text,
    publish_changes,
    warm,
)

pytestmark = pytest.mark.django_db


def _head(client, article):
    tree = html.fromstring(page_text(client, article.get_absolute_url()))

    def meta(attr, name):
        found = tree.xpath(f'//meta[@{attr}="{name}"]/@content')
        return found[0] if found else None

    (script,) = tree.xpath('//script[@type="application/ld+json"]/text()')
    return tree, meta, json.loads(script)


def test_article_page_gives_search_engines_and_networks_the_search_fields_when_written(client):
    lead, social = make_image(), make_image()
    article = make_article(
        headline="Council votes by a narrow majority after a long night of debate",
        standfirst="The standfirst readers see.",
        search_title="Council budget passes",
        search_description="What the vote means for the city's budget.",
        hero_image=lead,
        social_image=social,
    )
    tree, meta, data = _head(client, article)

    assert tree.findtext(".//title") == "Council budget passes — The Newsroom"
    assert meta("name", "description") == "What the vote means for the city's budget."
    assert meta("property", "og:title") == meta("name", "twitter:title") == "Council budget passes"
    assert (
        meta("property", "og:description")
        == meta("name", "twitter:description")
        == "What the vote means for the city's budget."
    )
    assert meta("property", "og:image") == f"http://testserver{social.social_url}"
    assert meta("name", "twitter:image") == f"http://testserver{social.social_url}"
    assert meta("property", "og:image:alt") == social.alt_text
    # Readers still see the headline, the standfirst and the lead picture.
    assert tree.findtext(".//h1") == article.headline
    assert tree.findtext('.//p[@class="standfirst"]') == "The standfirst readers see."
    assert tree.xpath(f'//figure[@class="hero"]//img[@alt="{lead.alt_text}"]')

    assert data["headline"] == article.headline, "the headline stays the headline"
    assert data["description"] == "What the vote means for the city's budget."
    assert data["image"] == [f"http://testserver{social.social_url}"]


def test_article_page_falls_back_to_headline_standfirst_and_lead_picture(client):
    lead = make_image()
    article = make_article(headline="Tide tables change", standfirst="New data.", hero_image=lead)
    tree, meta, data = _head(client, article)

    assert tree.findtext(".//title") == "Tide tables change — The Newsroom"
    assert meta("name", "description") == "New data."
    assert meta("property", "og:title") == meta("name", "twitter:title") == "Tide tables change"
    assert meta("property", "og:description") == "New data."
    assert meta("property", "og:image") == f"http://testserver{lead.social_url}"
    assert meta("name", "twitter:card") == "summary_large_image"
    assert data["description"] == "New data."
    assert data["image"] == [f"http://testserver{lead.social_url}"]


def test_a_social_picture_alone_makes_a_large_card_without_a_lead_picture(client):
    social = make_image()
    article = make_article(social_image=social)
    tree, meta, data = _head(client, article)
    assert meta("name", "twitter:card") == "summary_large_image"
    assert meta("property", "og:image") == f"http://testserver{social.social_url}"
    assert data["image"] == [f"http://testserver{social.social_url}"]
    assert not tree.xpath('//figure[@class="hero"]'), "the page itself shows no lead picture"


def test_without_either_description_the_page_has_none_and_json_ld_uses_the_body(client):
    article = make_article(standfirst="", body="<p>Only the body speaks.</p>")
    _, meta, data = _head(client, article)
    assert meta("name", "description") is None
    assert meta("property", "og:description") is None
    assert data["description"] == "Only the body speaks."


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_feeds_keep_headline_and_full_text_and_enclose_the_social_picture(client, url):
    lead, social = make_image(), make_image()
    make_article(
        headline="Bridge reopens",
        standfirst="Traffic flows again.",
        body="<p>The whole story.</p>",
        search_title="Harbour bridge open",
        search_description="Short for search.",
        hero_image=lead,
        social_image=social,
    )
    make_article(headline="Plain story", hero_image=lead)
    feed = feedparser.parse(page_text(client, url))
    assert not feed.bozo, feed.bozo_exception
    entries = {entry.title: entry for entry in feed.entries}
    assert set(entries) == {"Bridge reopens", "Plain story"}
    entry = entries["Bridge reopens"]
    content = entry.get("content", [{}])[0].get("value") or entry.summary
    assert "Traffic flows again." in content and "The whole story." in content
    enclosures = {
        e.title: [link.href for link in e.links if link.rel == "enclosure"] for e in feed.entries
    }
    assert enclosures["Bridge reopens"] == [f"http://testserver{social.social_url}"]
    assert enclosures["Plain story"] == [f"http://testserver{lead.social_url}"]


def test_a_live_pages_feed_is_described_by_its_search_description(client):
    article = make_article(
        headline="Markets live",
        standfirst="Shares and rates.",
        search_description="Live: markets ahead of the rates decision.",
        live_from=timezone.now() - timedelta(hours=2),
    )
    feed = feedparser.parse(page_text(client, article.get_absolute_url() + "feed/"))
    assert feed.feed.description == "Live: markets ahead of the rates decision."
    publish_changes(article, search_description="")
    feed = feedparser.parse(page_text(client, article.get_absolute_url() + "feed/"))
    assert feed.feed.description == "Shares and rates."


def test_the_article_page_reads_the_social_picture_without_another_query(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    plain = make_article()
    pictured = make_article(hero_image=make_image(), social_image=make_image())
    client.get("/")  # the header and footer are read once per purge: read them first
    counts = []
    for article in (plain, pictured):
        with CaptureQueriesContext(connection) as queries:
            client.get(article.get_absolute_url())
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_changing_the_social_picture_purges_the_pages_sharing_it(client):
    social = make_image()
    article = make_article(social_image=social)
    warm(article.get_absolute_url())
    social.alt_text = "A better description"
    social.save()
    events.picture_changed.send(sender=Image, image=social)  # as the desk's save says
    assert cache_use(article.get_absolute_url()) == "miss"
    assert 'content="A better description"' in page_text(client, article.get_absolute_url())


# At the desk


def _form(article, **overrides):
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "status": article.status,
        "primary_topic": article.primary_topic_id,
        "bylines-TOTAL_FORMS": 1,
        "bylines-INITIAL_FORMS": 1,
        "bylines-0-id": article.bylines.get().pk,
        "bylines-0-article": article.pk,
        "bylines-0-author": article.bylines.get().author_id,
        "bylines-0-order": 0,
        "related_choices-TOTAL_FORMS": 0,
        "related_choices-INITIAL_FORMS": 0,
        "notes-TOTAL_FORMS": 0,
        "notes-INITIAL_FORMS": 0,
    }
    return data | overrides


def test_editors_set_the_search_and_social_fields_at_the_desk(editor_client):
    article = make_article(status="draft", publish_at=None, primary_topic=make_topic())
    social = make_image()
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor_client.post(
        url,
        _form(
            article,
            search_title="A title for search",
            search_description="A description for search.",
            social_image=social.pk,
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.page_title == "A title for search"
    assert article.page_description == "A description for search."
    assert article.social_picture == social


@pytest.mark.parametrize(
    ("field", "length", "limit"), [("search_title", 71, 70), ("search_description", 161, 160)]
)
def test_too_long_search_fields_are_refused_with_the_form_kept(editor_client, field, length, limit):
    article = make_article(status="draft", publish_at=None, authors=[make_author()])
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor_client.post(url, _form(article, **{field: "x" * length}))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Ensure this value has at most {limit} characters (it has {length})." in page
    assert "x" * length in page, "what was typed is kept"
    article.refresh_from_db()
    assert getattr(article, field) == ""


def test_the_change_form_shows_the_fields_and_a_preview_of_the_saved_article(editor_client):
    social = make_image()
    article = make_article(
        headline="Council votes",
        standfirst="A narrow majority.",
        search_description="x" * 150,
        social_image=social,
    )
    response = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    tree = html.fromstring(response.content)
    (fieldset,) = tree.xpath('//fieldset[.//h2[text()="Search and social"]]')
    assert fieldset.xpath('.//input[@id="id_search_title"][@maxlength="70"]')
    assert fieldset.xpath('.//textarea[@id="id_search_description"][@maxlength="160"]')
    assert fieldset.xpath('.//select[@id="id_social_image"]')
    assert "the headline, the standfirst and the lead picture" in fieldset.text_content()
    (preview,) = tree.xpath('//section[@id="search-preview"]')
    assert preview.xpath('.//p[@class="search-result-title"]/text()') == ["Council votes"]
    assert preview.xpath('.//p[@class="search-result-url"]/text()') == [
        f"http://testserver{article.get_absolute_url()}"
    ]
    assert preview.xpath(f'.//img[@data-picture="{social.pk}"][not(@hidden)]')
    (hints,) = preview.xpath('.//*[@role="status"]')
    assert hints.get("aria-live") == "polite"
    assert "Description: 150 of 160 characters." in hints.text_content()
    scripts = tree.xpath("//script/@src")
    assert any("admin-extra/search-preview" in src for src in scripts)
    assert tree.xpath('//link[contains(@href, "admin-extra/search-preview")]')


def test_the_add_form_shows_the_preview_too(editor_client):
    response = editor_client.get(reverse("admin:articles_article_add"))
    assert response.status_code == 200
    tree = html.fromstring(response.content)
    assert tree.xpath('//section[@id="search-preview"]')
    assert tree.xpath('//*[@id="search-preview"]//p[@class="social-card-no-picture"][not(@hidden)]')
