"""What readers get of the figures: the most-read stories under each story (the order, never the
numbers), and a beacon script that is the same bytes for everyone; the page stays cached, and a
new ranking reaches it through one purge."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from figures import most_read
from figures.beacon import article_key
from figures.models import HourlyViews
from tests.factories import cache_use, make_article, page_body, page_text, warm

pytestmark = pytest.mark.django_db


def _read(article, views):
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    HourlyViews.objects.update_or_create(article=article, hour=hour, defaults={"views": views})


def _most_read(html: str) -> list[str]:
    block = re.search(r'<section class="most-read".*?</section>', html, re.S)
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', block.group()) if block else []


def test_each_story_lists_the_most_read_others_in_order():
    here = make_article(headline="The story read")
    for n, views in enumerate([30, 90, 60]):
        _read(make_article(headline=f"Other {n}"), views)
    _read(here, 1000)
    most_read.refresh()
    html = page_text(Client(), here.get_absolute_url())
    assert _most_read(html) == ["Other 1", "Other 2", "Other 0"]
    block = html.split('<section class="most-read"')[1].split("</section>")[0]
    assert not re.search(r"\b(30|60|90)\b", block), "readers see the order, not the numbers"


def test_a_story_with_no_ranking_yet_shows_no_block():
    html = page_body(Client(), make_article().get_absolute_url())
    assert "most-read" not in html


def test_the_beacon_names_the_article_its_key_and_the_rate_only(settings):
    settings.FIGURES_SAMPLE_RATE = 10
    article = make_article()
    html = page_text(Client(), article.get_absolute_url())
    script = re.search(r"<script data-article=[^>]*>", html).group()
    assert f'data-article="{article.pk}"' in script
    assert f'data-key="{article_key(article.pk)}"' in script
    assert 'data-rate="10"' in script and 'data-endpoint="/figures/view"' in script


def test_the_page_stays_cached_and_the_same_bytes_for_every_reader():
    article = make_article()
    url = article.get_absolute_url()
    warm(url)
    first, second = Client().get(url), Client(HTTP_USER_AGENT="Other browser").get(url)
    assert first.content == second.content
    assert not first.cookies and "Set-Cookie" not in first


def test_a_new_ranking_reaches_cached_pages_through_one_purge(clock):
    here, rising = make_article(), make_article(headline="Rising story")
    url = here.get_absolute_url()
    _read(make_article(headline="Early story"), 50)
    most_read.refresh()
    warm(url)
    _read(rising, 500)
    assert cache_use(url) == "hit", "a view changes nothing readers see"
    clock.advance(10 * 60)
    assert most_read.refresh() is True
    assert cache_use(url) == "miss"
    assert _most_read(page_text(Client(), url)) == ["Rising story", "Early story"]


def test_previews_carry_no_beacon_and_no_ranking(editor_client):
    draft = make_article(status="draft", publish_at=timezone.now() + timedelta(days=1))
    _read(make_article(), 10)
    most_read.refresh()
    html = page_body(editor_client, f"/admin/articles/article/{draft.pk}/preview/")
    assert "figures" not in html and "most-read" not in html
