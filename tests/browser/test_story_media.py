"""A story with pictures and embeds, as a reader opens it in Chromium at phone and desktop
widths: every picture in sizes (never the original), nothing asked of a provider until the
reader presses a facade's button, then the player or the post in place under the page's own
policy, no console error, and no serious accessibility finding."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, screenshot, serious_axe_violations
from tests.factories import make_article, run_worker
from tests.test_inline_pictures import _figure, _picture

WIDTHS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]


def _embed(url: str) -> str:
    return f'<figure data-embed="{url}"><a href="{url}">{url}</a></figure>'


@pytest.mark.parametrize("viewport", WIDTHS)
def test_a_reader_sees_pictures_in_sizes_and_loads_an_embed_only_when_asking(
    site_url, page_at, provider, viewport
):
    picture = _picture(alt_text="The harbour wall at high tide")
    video, post = f"{provider.origin}/video/ok", f"{provider.origin}/post/ok"
    body = (
        "<p>Before the storm.</p>"
        + _figure(picture, caption="High tide", credit="Jo Lee")
        + _embed(video)
        + "<p>Between.</p>"
        + _embed(post)
        + "<p>After.</p>"
    )
    article = make_article(headline="The storm, hour by hour", body=body)
    script = b"document.body.dataset.widgets = 'ran';"
    provider.files["/widgets.js"] = (script, "text/javascript", "default-src 'none'")
    run_worker()  # the provider answers once, in the background

    page = page_at(viewport)
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(site_url + article.get_absolute_url())
    figure = page.locator("figure.story-figure")
    figure.scroll_into_view_if_needed()
    image = figure.locator("img")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "/renditions/" in image.evaluate("img => img.currentSrc")
    assert not [url for url in asked if url.endswith(picture.file.url)], "never the original"
    play = page.get_by_role("button", name="Play on Testvideo")
    play.scroll_into_view_if_needed()
    assert page.get_by_text("Pressing the button loads content from Testvideo").is_visible()
    assert not [url for url in asked if url.startswith(provider.origin + "/embed")]
    assert not [url for url in asked if "widgets.js" in url]
    assert serious_axe_violations(page) == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], "no sideways scrolling"
    screenshot(page, f"story-media-{viewport['width']}")

    play.click()
    player = page.locator("iframe.embed-frame")
    player.wait_for()
    assert player.get_attribute("src") == f"{provider.origin}/embed/ok"
    page.frame_locator("iframe.embed-frame").get_by_text("Playing").wait_for()
    page.get_by_role("button", name="Show the post from Testpost").click()
    page.locator("body[data-widgets=ran]").wait_for(state="attached")
    assert page.problems == [], "the page's policy let the provider in, and only it"
