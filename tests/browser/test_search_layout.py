"""Search results read in one column at every width: the headline, then the standfirst, then
the byline and date; a listing's teaser with a picture keeps it on the right."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, screenshot, serious_axe_violations
from tests.factories import make_article, make_image


def _box(teaser, selector):
    return teaser.locator(selector).bounding_box()


@pytest.mark.parametrize("viewport,label", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_a_search_result_shows_its_headline_above_its_standfirst_byline_and_date(
    site_url, page_at, viewport, label
):
    for n in range(3):
        make_article(
            headline=f"Harbour wall repaired after storm {n}",
            standfirst="Engineers worked through the night to shore up the old wall before "
            "the next high tide reached the town.",
        )
    page = page_at(viewport)
    page.goto(f"{site_url}/search/?q=harbour")
    teaser = page.locator(".teaser-list .teaser").first
    whole = teaser.bounding_box()
    headline, standfirst = _box(teaser, ".teaser-headline"), _box(teaser, ".standfirst")
    meta = _box(teaser, ".meta")
    assert headline["y"] + headline["height"] <= standfirst["y"] + 1, "headline first"
    assert standfirst["y"] + standfirst["height"] <= meta["y"] + 1, "then byline and date"
    for part in (headline, standfirst, meta):
        assert abs(part["x"] - whole["x"]) < 2, "one column, from the teaser's left edge"
    assert headline["width"] > whole["width"] * 0.6, "the headline is not squeezed"
    screenshot(page, f"search-results-{label}")
    assert serious_axe_violations(page) == []
    assert page.problems == []


def test_a_listing_keeps_a_teasers_picture_on_the_right(site_url, page_at):
    # The latest news: a section's page 1 starts with its front, which shows this story first.
    make_article(headline="Lighthouse reopens", hero_image=make_image())
    page = page_at(DESKTOP)
    page.goto(f"{site_url}/latest/")
    teaser = page.locator(".teaser-list .teaser").first
    picture, headline = _box(teaser, ".teaser-picture"), _box(teaser, ".teaser-headline")
    assert picture["x"] > headline["x"] + headline["width"] - 1, "picture beside the words"
    screenshot(page, "latest-listing-desktop")
