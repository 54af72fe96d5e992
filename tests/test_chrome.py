"""The header, footer and banner every page shows (the `chrome` app): which changes to the
article a banner links to reach the pages already cached, and which do not."""

import pytest
from django.test import Client
from django.urls import reverse

from articles import workflow
from articles.models import Article
from chrome.models import BreakingNews
from newsroom.pagecache import sequence
from tests.factories import cache_use, desk_editor, make_article, warm

pytestmark = pytest.mark.django_db


def _linked_banner():
    linked = make_article(headline="Polls close")
    BreakingNews.objects.create(text="Polls have closed", article=linked)
    elsewhere = make_article(headline="Elsewhere").get_absolute_url()
    link = f'<a href="{linked.get_absolute_url()}">Polls have closed</a>'
    warm(elsewhere)
    assert link in Client().get(elsewhere).content.decode()
    return linked, elsewhere, link


def test_unpublishing_the_article_a_banner_links_to_takes_the_link_off_cached_pages():
    linked, elsewhere, link = _linked_banner()
    workflow.transition(linked, "unpublish", by=desk_editor())
    response = Client().get(elsewhere)
    assert response.wsgi_request.page_cache == "miss"
    page = response.content.decode()
    assert "Polls have closed" in page and link not in page


def test_deleting_the_article_a_banner_links_to_keeps_the_banner_without_its_link(editor_client):
    linked, elsewhere, link = _linked_banner()
    delete = reverse("admin:articles_article_delete", args=[linked.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=linked.pk).exists()
    page = Client().get(elsewhere).content.decode()
    assert "Polls have closed" in page and link not in page
    assert BreakingNews.objects.get().article is None


def test_saving_a_draft_a_banner_links_to_purges_nothing():
    draft = make_article(headline="Count begins", status=Article.Status.DRAFT, publish_at=None)
    BreakingNews.objects.create(text="Counting starts soon", article=draft)
    elsewhere = make_article(headline="Elsewhere").get_absolute_url()
    warm(elsewhere)
    before = sequence.current()
    draft.headline = "The count begins"
    draft.save()
    assert sequence.current() == before
    assert cache_use(elsewhere) == "hit"
