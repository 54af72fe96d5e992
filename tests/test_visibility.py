"""Readers see an article only when it is published and its publication time has passed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_published_article_with_past_time_is_visible_to_readers(client):
    article = make_article(headline="Council approves budget")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Council approves budget" in response.content.decode()


@pytest.mark.parametrize(
    "status", [Article.Status.DRAFT, Article.Status.IN_REVIEW, Article.Status.ARCHIVED]
)
def test_unpublished_statuses_are_404_for_readers(client, status):
    article = make_article(status=status)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert article not in Article.objects.published()


def test_future_article_is_404_for_anonymous_readers_until_its_time(client):
    publish_at = timezone.now() + timedelta(hours=2)
    article = make_article(publish_at=publish_at)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert article not in Article.objects.published()
    assert article in Article.objects.published(now=publish_at + timedelta(seconds=1))


def test_hidden_articles_are_missing_from_every_listing(client):
    visible = make_article(headline="Visible story")
    topic = visible.primary_topic
    author = visible.byline_authors[0]
    make_article(
        headline="Draft story", status=Article.Status.DRAFT, primary_topic=topic, authors=[author]
    )
    make_article(
        headline="Scheduled story",
        publish_at=timezone.now() + timedelta(days=1),
        primary_topic=topic,
        authors=[author],
    )
    make_article(
        headline="Archived story",
        status=Article.Status.ARCHIVED,
        primary_topic=topic,
        authors=[author],
    )
    for url in ["/", "/latest/", topic.get_absolute_url(), author.get_absolute_url()]:
        page = client.get(url).content.decode()
        assert "Visible story" in page, url
        for hidden in ["Draft story", "Scheduled story", "Archived story"]:
            assert hidden not in page, (url, hidden)


def test_unknown_article_is_404_with_the_sites_own_page(client):
    make_article()
    response = client.get("/world/no-such-story/")
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


def test_published_q_works_in_exclude():
    shown = make_article()
    hidden = make_article(status=Article.Status.DRAFT)
    from articles.models import published_q

    assert list(Article.objects.exclude(published_q())) == [hidden]
    assert list(Article.objects.filter(published_q())) == [shown]
