"""Embeds in a story, end to end: saving the story asks the provider once, in the background;
readers get a link until then, then our own facade, and the page's policy lets that provider's
player in, on that page only. Pictures and embeds together cost one query more than a story
without them. The fake oEmbed provider runs on 127.0.0.1 (tests/oembed_server.py)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from embeds.models import Embed
from newsroom.rendering.inline import inlined
from tests.factories import make_article, run_worker
from tests.test_inline_pictures import _figure, _picture, _story

pytestmark = pytest.mark.django_db


def _embed(url: str) -> str:
    return f'<figure data-embed="{url}"><a href="{url}">{url}</a></figure>'


def test_a_saved_story_asks_once_and_readers_get_a_link_then_the_facade(provider, client):
    video = f"{provider.origin}/video/ok"
    article = make_article(body="<p>Watch:</p>" + _embed(video) + "<p>After.</p>")
    assert Embed.objects.get().status == Embed.Status.PENDING, "asked in the background"

    before = client.get(article.get_absolute_url())
    story = _story(before.content.decode())
    assert f'href="{video}"' in story and "embed--link" in story, "a link until it is ready"
    assert "frame-src" not in before["Content-Security-Policy"]

    run_worker()  # the provider answers; the page showing the link is purged
    response = Client().get(article.get_absolute_url())
    page = response.content.decode()
    story = _story(page)
    assert "Play on Testvideo" in story and "loads content from Testvideo" in story
    assert "<iframe" not in story, "nothing from the provider until the reader asks"
    assert inlined("js/embeds.js").text in page, "the embeds' script, written into the page"
    policy = response["Content-Security-Policy"]
    assert f"frame-src {provider.origin}" in policy
    assert "script-src 'self'" in policy and "object-src 'none'" in policy, "the site's, added to"
    assert inlined("js/embeds.js").source in policy and inlined("css/site.css").source in policy
    hit = Client().get(article.get_absolute_url())
    assert hit["Content-Security-Policy"] == policy, "a cached copy keeps the page's policy"

    plain = Client().get(make_article(body="<p>No embeds.</p>").get_absolute_url())
    assert "frame-src" not in plain["Content-Security-Policy"]
    assert inlined("js/embeds.js").text not in plain.content.decode()


def test_an_embeds_address_is_kept_as_its_row_keeps_it(provider):
    written = f"{provider.origin.upper().replace('HTTP', 'http')}/video/ok#t=10"
    article = make_article(body=_embed(written))
    article.refresh_from_db()
    assert f'data-embed="{provider.origin}/video/ok"' in article.body


def test_five_pictures_and_three_embeds_cost_one_query_more_than_none(provider, client):
    urls = [f"{provider.origin}/video/ok", f"{provider.origin}/post/ok", "https://example.org/x"]
    pictures = "".join(_figure(_picture()) for _ in range(5))
    rich = make_article(body="<p>Words.</p>" + pictures + "".join(_embed(u) for u in urls))
    run_worker()
    plain = make_article(body="<p>Words.</p>")
    client.get(make_article().get_absolute_url())  # the header and footer, read once
    with CaptureQueriesContext(connection) as without:
        client.get(plain.get_absolute_url())
    with CaptureQueriesContext(connection) as with_media:
        page = client.get(rich.get_absolute_url()).content.decode()
    assert page.count("story-figure--text") == 5
    assert "Play on Testvideo" in page and "Show the post from Testpost" in page
    assert "Open on example.org" in page, "an address no provider knows is a link card"
    assert len(with_media) == len(without) + 1
