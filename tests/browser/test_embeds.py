"""The facade in a browser: nothing from the provider until the reader presses the button, then
its player or post in place, under a policy naming only the embeds' hosts. The page, the player
and the post's script all come from the fake provider (tests/oembed_server.py)."""

from pathlib import Path

import pytest

from embeds.fetch import embed_for
from embeds.markup import facade, policy
from tests import oembed_server
from tests.browser.conftest import DESKTOP
from tests.factories import run_worker

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def article(db, settings):
    """An article page holding a video and a post, served with the site's policy and the
    embeds' additions, its pictures and embeds.js beside it."""
    server = oembed_server.start()
    settings.EMBED_PROVIDERS = server.providers()
    urls = [f"{server.origin}/video/ok", f"{server.origin}/post/ok"]
    for url in urls:
        embed_for(url)
    run_worker()
    embeds = [embed_for(url) for url in urls]
    extra = policy(embeds)
    csp = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; "
        f"script-src 'self' {' '.join(extra['script-src'])}; "
        f"frame-src {' '.join(extra['frame-src'])}"
    )
    body = "".join(facade(url, embed) for url, embed in zip(urls, embeds, strict=True))
    page = (
        '<!doctype html><html lang="en"><title>Story</title>'
        '<link rel="stylesheet" href="/site.css"><main><p>Before.</p>'
        f'{body}<p>After.</p></main><script src="/embeds.js" defer></script>'
    )
    server.files = {
        "/story": (page.encode(), "text/html", csp),
        "/embeds.js": ((ROOT / "static/js/embeds.js").read_bytes(), "text/javascript", csp),
        "/site.css": ((ROOT / "static/css/site.css").read_bytes(), "text/css", csp),
        "/widgets.js": (b"document.body.dataset.widgets = 'ran';", "text/javascript", csp),
        "/favicon.ico": (b"", "image/x-icon", csp),
    }
    for picture in (embed.thumbnail for embed in embeds):
        for _, _, address in [
            *picture.rendition("full", "JPEG"),
            *picture.rendition("full", "WEBP"),
        ]:
            name = address.removeprefix(settings.MEDIA_URL)
            data = (Path(settings.MEDIA_ROOT) / name).read_bytes()
            server.files[address] = (data, "image/jpeg", csp)
    yield server
    server.shutdown()
    server.server_close()


def test_pressing_play_loads_the_player_in_place_and_nothing_before(article, page_at):
    page = page_at(DESKTOP)
    asked = []
    page.on("request", lambda r: asked.append(r.url))
    page.goto(f"{article.origin}/story")
    play = page.get_by_role("button", name="Play on Testvideo")
    play.wait_for()
    assert not [url for url in asked if "/embed/" in url or "widgets" in url]

    play.click()
    player = page.locator("iframe.embed-frame")
    player.wait_for()
    assert player.get_attribute("src") == f"{article.origin}/embed/ok"
    assert player.get_attribute("title") == "A video called ok"
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"

    page.get_by_role("button", name="Show the post from Testpost").click()
    page.locator(".embed-post blockquote").wait_for()
    page.locator("body[data-widgets=ran]").wait_for(state="attached")  # the post's script
    assert page.problems == []


def test_without_javascript_each_embed_is_a_link_to_the_original(article, chromium):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{article.origin}/story")
    assert page.get_by_role("button").count() == 0
    link = page.get_by_role("link", name="A video called ok")
    assert link.get_attribute("href") == f"{article.origin}/video/ok"
    context.close()
