"""The top bar's boxes for a topic, a page or an article answer as editors expect of a search
box: what is named exactly as typed first, then names that start with it, then names with a
word that starts with it, then the rest (a match in a description or a story's body), each
group by name, or newest first for stories."""

from datetime import timedelta

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_article, make_topic

pytestmark = pytest.mark.django_db


def _offered(client, field: str, term: str) -> list[str]:
    """What the top bar link form's box for `field` offers for `term`, in order."""
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": "chrome", "model_name": "topbarlink", "field_name": field},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_topics_exactly_named_first_then_starting_then_a_word_then_the_rest(editor_client):
    for name, description in [
        ("Arts", "Galleries, and the weather of the art world."),
        ("Bad weather", ""),
        ("Weatherproof homes", ""),
        ("Weather", ""),
        ("Space weathering", ""),
    ]:
        make_topic(name=name, description=description)
    assert _offered(editor_client, "topic", "weather") == [
        "Weather",
        "Weatherproof homes",
        "Bad weather",
        "Space weathering",
        "Arts",
    ]


def test_articles_by_their_headline_first_then_the_newest(editor_client):
    now = timezone.now()
    for headline, hours_ago, body in [
        ("Storm", 48, "<p>Wind.</p>"),
        ("Storm warnings lifted", 30, "<p>Calm.</p>"),
        ("Storm clean-up begins", 10, "<p>Brooms.</p>"),
        ("After the storm", 5, "<p>Quiet.</p>"),
        ("Harbour reopens", 1, "<p>Ships sail again after the storm.</p>"),
    ]:
        make_article(headline=headline, body=body, publish_at=now - timedelta(hours=hours_ago))
    assert _offered(editor_client, "article", "storm") == [
        "Storm",
        "Storm clean-up begins",
        "Storm warnings lifted",
        "After the storm",
        "Harbour reopens",
    ]


def test_pages_by_their_title_first(editor_client):
    site = Site.objects.get_current()
    for url, title in [("/about/", "About us and how to contact us"), ("/contact/", "Contact")]:
        FlatPage.objects.create(url=url, title=title, content="<p>…</p>").sites.add(site)
    assert _offered(editor_client, "page", "contact") == [
        "/contact/ -- Contact",
        "/about/ -- About us and how to contact us",
    ]


def test_the_topics_list_keeps_its_own_order(editor_client):
    for name in ["Weather", "Bad weather"]:
        make_topic(name=name)
    page = editor_client.get(reverse("admin:articles_topic_changelist"), {"q": "weather"})
    text = page.content.decode()
    assert text.index("Bad weather") < text.index(">Weather<")
