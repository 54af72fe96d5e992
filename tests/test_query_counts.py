"""Public pages make a fixed number of queries, whatever the number of articles shown."""

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site

from articles.models import BreakingNews
from tests.factories import make_article, make_author, make_image, make_reply, make_topic

pytestmark = pytest.mark.django_db


def _newsroom(size):
    topics = [make_topic() for _ in range(size)]
    authors = [make_author() for _ in range(size)]
    articles = []
    for n in range(size * 3):
        articles.append(
            make_article(
                primary_topic=topics[n % size],
                authors=authors[: 1 + n % 3],
                topics=topics[:3],
                hero_image=make_image() if n % 2 else None,
                is_featured=n < 3,
            )
        )
    for _ in range(size * 2):
        thread = make_reply(articles[-1])
        answer = make_reply(articles[-1], parent=thread)
        make_reply(articles[-1], parent=answer)
        make_reply(articles[-1], status="pending")
    BreakingNews.objects.create(text="Breaking", article=articles[0])
    page = FlatPage.objects.create(url=f"/about-{size}/", title="About", content="x")
    page.sites.add(Site.objects.get_current())
    return topics, authors, articles


@pytest.mark.parametrize("size", [2, 12])
def test_public_pages_have_a_query_budget_independent_of_size(
    client, size, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # the views' own cost; cached pages make no query at all
    topics, authors, articles = _newsroom(size)
    budgets = {
        "/": 7,
        "/latest/": 4,
        articles[-1].get_absolute_url(): 6,
        topics[0].get_absolute_url(): 6,
        authors[0].get_absolute_url(): 5,
    }
    for url, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            response = client.get(url)
        assert response.status_code == 200, url
