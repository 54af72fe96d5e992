"""Editors make a topic from the article form by typing its name; nobody else may."""

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.test import Client
from django.urls import reverse

from articles.models import Article, Topic
from chrome.models import TopBarLink
from tests.factories import make_article, make_author, make_topic

pytestmark = pytest.mark.django_db

QUICK_ADD = reverse("admin:articles_topic_quick_add")
ARTICLE_ADD = reverse("admin:articles_article_add")


def test_editor_creates_a_topic_by_its_name(editor_client, editor):
    response = editor_client.post(QUICK_ADD, {"name": "  Coastal   erosion "})
    assert response.status_code == 201
    topic = Topic.objects.get(name="Coastal erosion")
    assert response.json() == {"id": topic.pk, "text": "Coastal erosion", "created": True}
    assert topic.slug == "coastal-erosion"
    assert topic.parent is None
    assert not TopBarLink.objects.filter(topic=topic).exists(), "the top bar is arranged apart"
    entry = LogEntry.objects.get(object_id=str(topic.pk))
    assert entry.action_flag == ADDITION and entry.user == editor


def test_a_name_in_use_gives_that_topic_whatever_its_case(editor_client):
    climate = make_topic(name="Climate Change", slug="climate")
    response = editor_client.post(QUICK_ADD, {"name": "climate change"})
    assert response.status_code == 200
    assert response.json() == {"id": climate.pk, "text": "Climate Change", "created": False}
    assert Topic.objects.filter(name__iexact="climate change").count() == 1


def test_a_new_topic_gets_a_slug_no_other_topic_or_page_has(editor_client):
    make_topic(name="Rain (old)", slug="rain")
    editor_client.post(QUICK_ADD, {"name": "Rain"})
    editor_client.post(QUICK_ADD, {"name": "Search"})
    assert Topic.objects.get(name="Rain").slug == "rain-2"
    assert Topic.objects.get(name="Search").slug == "search-topic"


def test_a_name_too_long_is_refused_with_the_limit(editor_client):
    response = editor_client.post(QUICK_ADD, {"name": "x" * 81})
    assert response.status_code == 400
    assert response.json() == {
        "error": "A topic's name can have at most 80 characters; this one has 81."
    }
    assert not Topic.objects.exists()


def test_an_empty_name_is_refused(editor_client):
    response = editor_client.post(QUICK_ADD, {"name": "   "})
    assert response.status_code == 400
    assert response.json() == {"error": "Type the new topic's name first."}
    assert not Topic.objects.exists()


def test_writers_may_not_create_topics(writer_client):
    response = writer_client.post(QUICK_ADD, {"name": "Gardening"})
    assert response.status_code == 403
    assert response.json() == {"error": "You may not create topics."}
    assert not Topic.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.post(QUICK_ADD, {"name": "Gardening"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not Topic.objects.exists()


def test_only_post_is_answered(editor_client):
    assert editor_client.get(QUICK_ADD, {"name": "Gardening"}).status_code == 405
    assert not Topic.objects.exists()


def test_a_post_without_the_form_token_is_refused(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(QUICK_ADD, {"name": "Gardening"}).status_code == 403
    assert not Topic.objects.exists()


def test_the_article_form_offers_creating_topics_to_editors_only(editor_client, writer):
    own = make_article(status=Article.Status.DRAFT, authors=[make_author(user=writer)])
    change = reverse("admin:articles_article_change", args=[own.pk])
    offer = f'data-url="{QUICK_ADD}"'.encode()
    for url in (ARTICLE_ADD, change):
        assert offer in editor_client.get(url).content
    writer_client = Client()
    writer_client.force_login(writer)
    for url in (ARTICLE_ADD, change):
        page = writer_client.get(url)
        assert page.status_code == 200
        assert b'name="topics"' in page.content, "the writer may choose topics"
        assert b"topic-create" not in page.content
