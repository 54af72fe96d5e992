"""A reader follows an old WordPress link, on a phone and on a desktop, and lands on the
imported article: its picture from the library, its caption, no sideways scrolling."""

import io

import pytest
from django.core.management import call_command
from PIL import Image as PILImage

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_reading import NO_SIDEWAYS_SCROLL
from tests.test_wordpress_import import EXPORT


@pytest.mark.parametrize("viewport,label", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_an_old_link_lands_on_the_imported_article(site_url, page_at, tmp_path, viewport, label):
    uploads = tmp_path / "uploads"
    (uploads / "2024/03").mkdir(parents=True)
    PILImage.new("RGB", (1600, 1067), (30, 90, 140)).save(uploads / "2024/03/harbour.jpg")
    call_command("import_wordpress", str(EXPORT), "--uploads", str(uploads), stdout=io.StringIO())
    page = page_at(viewport)
    page.goto(site_url + "/2024/03/storm-closes-harbour/")
    assert page.url == site_url + "/local/storm-closes-harbour/"
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Storm closes the harbour: ‘worst in decades’"
    figure = page.locator(".story-body figure")
    assert figure.locator("figcaption").inner_text() == "The harbour at dawn, before the storm."
    picture = figure.locator("img")
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0"), "the picture loads"
    box = picture.bounding_box()
    assert box["width"] <= viewport["width"], "the picture fits the screen"
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the article scrolls sideways"
    screenshot(page, f"wordpress-article-{label}")
    page.get_by_role("link", name="council voted on the sea wall").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Council votes on the new sea wall"
    assert page.problems == []
