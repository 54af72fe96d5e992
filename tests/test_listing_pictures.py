"""A listing's pictures on a phone: the first teaser's, the page's largest paint, is fetched at
once; the others only when the reader comes near them."""

import pytest

from tests.factories import make_article, make_image, make_topic, page_body

pytestmark = pytest.mark.django_db


def test_a_listings_first_picture_is_fetched_at_once_and_the_others_when_near(client):
    section = make_topic()
    older, newer = (make_article(topics=[section], hero_image=make_image()) for _ in range(2))
    # The latest news, and a topic's list (this topic is no story's section: no front above it).
    for url in ("/latest/", section.get_absolute_url()):
        page = page_body(client, url)
        first, second = page.split('class="teaser-picture"')[1:3]
        assert newer.get_absolute_url() in first and older.get_absolute_url() in second, url
        first, second = first.split("</picture>")[0], second.split("</picture>")[0]
        assert 'fetchpriority="high"' in first and 'loading="lazy"' not in first, url
        assert 'loading="lazy"' in second and "fetchpriority" not in second, url
