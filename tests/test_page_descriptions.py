"""Every page a search engine may list says what it is (`<meta name="description">`): the
latest news, the archive, a section, a topic, an author, a footer page; and the search page,
which says what was searched for in the words searched, never in the text as typed, since a
search is kept in the caches under its words alone."""

from urllib.parse import urlencode

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.urls import reverse
from lxml import html

from tests.factories import make_article, make_author, make_topic, page_text

pytestmark = pytest.mark.django_db


def _descriptions(client, url) -> list[str]:
    return html.fromstring(page_text(client, url)).xpath('//meta[@name="description"]/@content')


def test_latest_news_and_the_archive_say_what_they_list(client):
    article = make_article()
    month = article.publish_at

    assert _descriptions(client, reverse("articles:latest")) == [
        "The latest news from The Newsroom, newest first."
    ]
    assert _descriptions(client, reverse("articles:archive")) == [
        "Every month of news from The Newsroom, newest first."
    ]
    month_url = reverse("articles:archive-month", args=[month.year, month.month])
    (described,) = _descriptions(client, month_url)
    assert described == f"News from The Newsroom published in {month:%B %Y}."


def test_a_section_is_described_by_its_description_else_by_its_name(client):
    described = make_topic(name="Weather", slug="weather", description="Forecasts and warnings.")
    plain = make_topic(name="Culture", slug="culture")
    make_article(topics=[described, plain])

    assert _descriptions(client, described.get_absolute_url()) == ["Forecasts and warnings."]
    assert _descriptions(client, plain.get_absolute_url()) == [
        "The latest Culture news from The Newsroom."
    ]


def test_an_author_is_described_by_their_bio_cut_to_what_search_engines_show(client):
    long_bio = "Reports on the climate and the weather for the whole country. " * 5
    writer = make_author(name="Priya Raman", bio=long_bio)
    newcomer = make_author(name="Tomas Lindqvist")
    make_article(authors=[writer, newcomer])

    (described,) = _descriptions(client, writer.get_absolute_url())
    assert described.startswith("Reports on the climate") and len(described) <= 160
    assert _descriptions(client, newcomer.get_absolute_url()) == [
        "Articles by Tomas Lindqvist for The Newsroom."
    ]


def test_a_footer_page_is_described_by_its_first_words_without_markup(client):
    page = FlatPage.objects.create(
        url="/about/",
        title="About us",
        content="<p>We are an <strong>independent</strong> news site. " + "More. " * 60 + "</p>",
    )
    page.sites.add(Site.objects.get_current())

    (described,) = _descriptions(client, "/pages/about/")
    assert described.startswith("We are an independent news site.")
    assert "<" not in described and len(described) <= 165


def test_search_results_are_described_by_the_words_searched_for(client):
    make_article(headline="Housing bill passes")

    assert _descriptions(client, "/search/?q=housing+bill") == [
        "Articles from The Newsroom matching “housing bill”."
    ]
    # Typed otherwise, the same words: the description does not carry the text as typed.
    typed = urlencode({"q": "HOUSING,  Bill!"})
    assert _descriptions(client, f"/search/?{typed}") == [
        "Articles from The Newsroom matching “housing bill”."
    ]
    assert _descriptions(client, "/search/") == ["Search the articles published by The Newsroom."]


def test_an_article_page_keeps_its_one_description(client):
    article = make_article(standfirst="What the article is about.")

    assert _descriptions(client, article.get_absolute_url()) == ["What the article is about."]
