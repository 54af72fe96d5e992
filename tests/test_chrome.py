"""The header, footer and banner every page shows (the `chrome` app): which changes to the
article a banner links to reach the pages already cached, and which do not."""

import pytest
from django.test import Client

from articles.models import Article
from chrome.models import BreakingNews
from newsroom import purges
from tests.factories import cache_use, make_article, warm

pytestmark = pytest.mark.django_db


def test_unpublishing_the_article_a_banner_links_to_takes_the_link_off_cached_pages():
    linked = make_article(headline="Polls close")
    BreakingNews.objects.create(text="Polls have closed", article=linked)
    elsewhere = make_article(headline="Elsewhere").get_absolute_url()
    link = f'<a href="{linked.get_absolute_url()}">Polls have closed</a>'
    warm(elsewhere)
    assert link in Client().get(elsewhere).content.decode()
    linked.status = Article.Status.DRAFT
    linked.save()
    response = Client().get(elsewhere)
    assert response.wsgi_request.page_cache == "miss"
    page = response.content.decode()
    assert "Polls have closed" in page and link not in page


def test_saving_a_draft_a_banner_links_to_purges_nothing():
    draft = make_article(headline="Count begins", status=Article.Status.DRAFT, publish_at=None)
    BreakingNews.objects.create(text="Counting starts soon", article=draft)
    elsewhere = make_article(headline="Elsewhere").get_absolute_url()
    warm(elsewhere)
    before = purges.sequence()
    draft.headline = "The count begins"
    draft.save()
    assert purges.sequence() == before
    assert cache_use(elsewhere) == "hit"
