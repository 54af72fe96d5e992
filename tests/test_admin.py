"""The editors' admin: list, search, actions, and the rules behind them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Byline, Topic
from tests.factories import make_article, make_author, make_topic

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


def _act(client, action, articles):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [a.pk for a in articles]},
        follow=True,
    )


def test_article_list_shows_status_time_authors_and_section(editor_client):
    make_article(headline="Live story")
    make_article(headline="Later story", publish_at=timezone.now() + timedelta(days=1))
    author = make_author(name="Zed Byline")
    make_article(headline="Drafted", status=Article.Status.DRAFT, authors=[author])
    page = editor_client.get(CHANGELIST).content.decode()
    assert "Live story" in page and "Published" in page
    assert "Scheduled" in page
    assert "Zed Byline" in page
    for column in ("headline", "status", "publication time", "by", "section"):
        assert column in page.lower()


def test_article_list_query_count_does_not_grow_with_articles(
    editor_client, django_assert_max_num_queries
):
    for _ in range(30):
        make_article()
    with django_assert_max_num_queries(16):
        assert editor_client.get(CHANGELIST).status_code == 200


def test_search_finds_headline_and_body(editor_client):
    make_article(headline="Harbour dredging", body="<p>Nothing else</p>")
    make_article(headline="Budget", body="<p>The harbour authority objected.</p>")
    make_article(headline="Unrelated")
    page = editor_client.get(CHANGELIST, {"q": "harbour"}).content.decode()
    assert "Harbour dredging" in page and "Budget" in page and "Unrelated" not in page


def test_publish_action_publishes_now_and_keeps_a_future_time(editor_client, editor):
    draft = make_article(status=Article.Status.DRAFT, publish_at=None)
    later = timezone.now() + timedelta(days=2)
    scheduled = make_article(status=Article.Status.DRAFT, publish_at=later)
    response = _act(editor_client, "publish_selected", [draft, scheduled])
    assert "2 articles published (1 scheduled for later)." in response.content.decode()
    draft.refresh_from_db()
    scheduled.refresh_from_db()
    assert draft.status == scheduled.status == Article.Status.PUBLISHED
    assert abs(draft.publish_at - timezone.now()) < timedelta(minutes=1)
    assert draft.published_by == editor
    assert scheduled.publish_at == later
    assert scheduled not in Article.objects.published()


def test_publish_action_refuses_articles_that_are_not_ready(editor_client):
    bare = make_article(status=Article.Status.DRAFT, authors=[], primary_topic=None, body="")
    response = _act(editor_client, "publish_selected", [bare])
    page = response.content.decode()
    assert (
        f"To publish “{bare.headline}”, choose a section, add at least one author, write the body."
        in page
    )
    bare.refresh_from_db()
    assert bare.status == Article.Status.DRAFT


def test_unpublish_action_takes_articles_off_the_site(editor_client, client):
    article = make_article()
    url = article.get_absolute_url()
    response = _act(editor_client, "unpublish_selected", [article])
    assert "1 article unpublished and back to draft." in response.content.decode()
    editor_client.logout()
    assert client.get(url).status_code == 404


def test_writers_cannot_publish(writer_client):
    draft = make_article(status=Article.Status.DRAFT)
    page = writer_client.get(CHANGELIST).content.decode()
    assert "Publish selected articles" not in page
    _act(writer_client, "publish_selected", [draft])
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_a_draft_can_be_saved_with_just_a_headline(editor_client):
    response = editor_client.post(
        reverse("admin:articles_article_add"),
        {
            "headline": "Just an idea",
            "status": "draft",
            "bylines-TOTAL_FORMS": 0,
            "bylines-INITIAL_FORMS": 0,
            "related_choices-TOTAL_FORMS": 0,
            "related_choices-INITIAL_FORMS": 0,
            "notes-TOTAL_FORMS": 0,
            "notes-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(headline="Just an idea")
    assert article.slug == "just-an-idea"
    assert article.status == Article.Status.DRAFT


def _form(**overrides):
    data = {
        "headline": "Ready to go",
        "slug": "ready-to-go",
        "body": "<p>Text.</p>",
        "_transition": "publish",
        "bylines-TOTAL_FORMS": 0,
        "bylines-INITIAL_FORMS": 0,
        "related_choices-TOTAL_FORMS": 0,
        "related_choices-INITIAL_FORMS": 0,
        "notes-TOTAL_FORMS": 0,
        "notes-INITIAL_FORMS": 0,
    }
    return data | overrides


def test_publishing_from_the_form_requires_section_and_author(editor_client):
    response = editor_client.post(reverse("admin:articles_article_add"), _form())
    assert response.status_code == 200
    page = response.content.decode()
    assert "To publish, choose a section." in page, "beside the section field"
    assert "To publish this article, add at least one author." in page, "beside the bylines"
    assert 'value="Ready to go"' in page, "what was typed is kept"
    assert not Article.objects.exists()


def test_publishing_from_the_form_with_everything_sets_the_time(editor_client, editor):
    topic = make_topic()
    author = make_author()
    data = _form(
        primary_topic=topic.pk,
        **{
            "bylines-TOTAL_FORMS": 1,
            "bylines-0-author": author.pk,
            "bylines-0-order": 0,
        },
    )
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(slug="ready-to-go")
    assert article in Article.objects.published()
    assert article.published_by == editor
    assert Byline.objects.get(article=article).author == author


def test_view_on_site_links_to_the_public_address(editor_client):
    article = make_article()
    page = editor_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()
    assert "View on site" in page


def test_a_topic_may_not_take_a_slug_the_site_uses(editor_client):
    response = editor_client.post(
        reverse("admin:articles_topic_add"), {"name": "Admin", "slug": "admin"}
    )
    assert response.status_code == 200
    assert "is used by another part of the site" in response.content.decode()
    assert not Topic.objects.filter(slug="admin").exists()
