"""A reader on a phone and on a desktop finds the seed article from the front page."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, screenshot

SEED_HEADLINE = "European Discussions on Ukraine’s Postwar Security"

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize("viewport,label", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_reader_clicks_from_home_to_the_seed_article(site_url, page_at, viewport, label):
    call_command("load_demo", verbosity=0)
    page = page_at(viewport)
    page.goto(site_url + "/")
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the front page scrolls sideways"
    assert page.locator("nav[aria-label=Sections]").get_by_role("link", name="Weather").is_visible()
    screenshot(page, f"home-{label}")

    page.get_by_role("link", name=SEED_HEADLINE).first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == SEED_HEADLINE
    assert page.get_by_role("heading", name="Share.").is_visible()
    assert page.get_by_role("heading", name="Leave A Reply").is_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the article scrolls sideways"
    hero = page.locator("figure.hero img")
    assert hero.evaluate("img => img.complete && img.naturalWidth > 0"), "lead picture loads"
    screenshot(page, f"article-{label}")
    assert page.problems == []


def test_copy_link_button_copies_the_article_address(site_url, page_at):
    call_command("load_demo", verbosity=0)
    page = page_at(DESKTOP)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    page.goto(site_url + "/")
    page.get_by_role("link", name=SEED_HEADLINE).first.click()
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_text("Link copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == page.url
    assert page.problems == []
