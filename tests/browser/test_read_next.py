"""Under the demo's seed story, a reader on a phone and on a desktop finds "Related" and
"More in World": the desk's choices first, no story in both lists, nothing moving as the
pictures load; at the desk, an editor finds a related story by typing words of its headline."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from articles import related as related_stories
from articles.models import Article
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    screenshot,
    serious_axe_violations,
    signed_in,
)
from tests.factories import make_article

SEED = "/world/european-discussions-ukraines-postwar-security/"
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
# The page's layout shift since it began (Chromium's own measure): what a reader sees move.
LAYOUT_SHIFT = """() => new Promise(done => {
  let shift = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) shift += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => done(shift), 300);
})"""


@pytest.mark.parametrize("viewport,label", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_a_reader_finds_what_to_read_next_under_the_story(site_url, page_at, viewport, label):
    call_command("load_demo", verbosity=0)
    # The demo's other World stories are all close enough to be Related, which More in does
    # not repeat: two older ones for More in to show.
    world = Article.objects.get(slug=SEED.split("/")[2]).primary_topic
    for n in (1, 2):
        make_article(
            headline=f"Earlier in World {n}",
            primary_topic=world,
            publish_at=timezone.now() - timedelta(days=60 + n),
        )
    related_stories.refresh_all()
    page = page_at(viewport)
    page.goto(site_url + SEED)
    block = page.locator(".read-next")
    related = page.get_by_role("navigation", name="Related")
    section = page.get_by_role("navigation", name="More in World")
    block.scroll_into_view_if_needed()
    page.locator(".read-next img").evaluate_all(
        "imgs => Promise.all(imgs.map(i => i.complete || new Promise(r => i.onload = r)))"
    )
    assert related.get_by_role("heading", level=2).inner_text() == "Related"
    headlines = related.locator(".read-next-headline").all_inner_texts()
    assert headlines[:2] == ["Energy ministers meet in Brussels", "Aid convoy reaches border town"]
    assert 2 < len(headlines) <= 4, "the desk's two, then filled from topics"
    in_section = section.locator(".read-next-headline").all_inner_texts()
    assert in_section[:2] == ["Earlier in World 1", "Earlier in World 2"]
    assert set(in_section).isdisjoint(headlines), "no story in both lists"
    share, replies = page.locator(".share"), page.locator("#replies")
    top = block.bounding_box()["y"]
    assert share.bounding_box()["y"] < top < replies.bounding_box()["y"]
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the block scrolls sideways"
    assert page.evaluate(LAYOUT_SHIFT) < 0.01, "something moved as the page loaded"
    pictures = related.locator("img")
    box = pictures.first.bounding_box()
    assert 90 <= box["width"] <= 120 and abs(box["width"] / box["height"] - 1.5) < 0.05
    items = related.locator(".read-next-item")
    first, second = items.nth(0).bounding_box(), items.nth(1).bounding_box()
    side_by_side = abs(first["y"] - second["y"]) < 1
    assert side_by_side == (label == "desktop"), "two columns on a desktop, one on a phone"
    assert serious_axe_violations(page) == []
    screenshot(page, f"read-next-page-{label}")
    SCREENSHOTS.mkdir(exist_ok=True)
    block.screenshot(path=SCREENSHOTS / f"read-next-{label}.png")
    related.get_by_role("link", name="Energy ministers meet in Brussels").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Energy ministers meet in Brussels"
    assert page.problems == []


@pytest.mark.parametrize("viewport,label", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_an_editor_chooses_a_related_story_by_typing_its_headline(
    site_url, page_at, editor, viewport, label
):
    story = make_article(status=Article.Status.DRAFT, headline="Harbour wall repaired")
    make_article(headline="Storm damages the harbour wall")
    page = page_at(viewport)
    signed_in(page, site_url, editor)
    page.goto(site_url + reverse("admin:articles_article_change", args=[story.pk]))
    group = page.locator("#related_choices-group")
    expect(group).to_contain_text("Related stories, in order (up to 4)")
    group.locator(".add-row a").click()  # "Add another related story"
    group.locator(".select2-selection").first.click()
    page.locator(".select2-container--open .select2-search__field").fill("Storm")
    option = page.locator(".select2-container--open .select2-results__option")
    expect(option).to_have_text(["Storm damages the harbour wall"])
    page.keyboard.press("Enter")
    expect(group.locator(".select2-selection__rendered").first).to_have_text(
        "Storm damages the harbour wall"
    )
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the form scrolls sideways"
    screenshot(page, f"read-next-desk-{label}")
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    assert [c.related.headline for c in story.related_choices.all()] == [
        "Storm damages the harbour wall"
    ]
    assert page.problems == []
