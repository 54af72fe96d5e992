"""Page quality in a real browser, for every kind of reader's page at phone, tablet and desktop
widths: no sideways scrolling, no console errors or failed requests, no layout shift from
pictures, no request to another host, and no serious or critical accessibility violation
(axe-core)."""

from itertools import pairwise

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Article, Author, Topic
from tests.browser.conftest import DESKTOP, PHONE, TABLET, screenshot

# Layout shifts, summed as the browser reports them from the start of the page (buffered).
LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 500);
})"""
UNSIZED_IMAGES = """() => [...document.images]
  .filter(img => !(img.getAttribute("width") && img.getAttribute("height")))
  .map(img => img.currentSrc || img.src)"""
# Landmarks and the outline: one banner, one main, one contentinfo, the sections' navigation, a
# skip link to the main content first, one h1 and no heading level skipped.
STRUCTURE = """() => ({
  banner: document.querySelectorAll("body > header").length,
  main: document.querySelectorAll("main").length,
  contentinfo: document.querySelectorAll("body > footer").length,
  sections: !!document.querySelector("nav[aria-label=Sections]"),
  skip: document.querySelector("a")?.getAttribute("href") === "#main",
  headings: [...document.querySelectorAll("h1,h2,h3,h4,h5,h6")].map(h => +h.tagName[1]),
})"""
# What sticks out past the screen's edge (scrolling strips such as the section bar aside).
OVERFLOWING = """() => [...document.querySelectorAll("body *")]
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 5).map(el => el.tagName + "." + el.className)"""


def _pages():
    article = Article.objects.published().get(slug__startswith="european-discussions")
    topic = Topic.objects.get(slug=article.primary_topic.slug)
    author = Author.objects.filter(bylines__article=article).first()
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "author": author.get_absolute_url(),
        "search": "/search/?q=security",
        "latest": "/latest/",
        "live": Article.objects.get(slug__startswith="markets-live").get_absolute_url(),
    }


@pytest.mark.parametrize(
    "viewport,label", [(PHONE, "phone"), (TABLET, "tablet"), (DESKTOP, "desktop")]
)
def test_readers_pages_are_sound_in_a_real_browser(site_url, page_at, viewport, label):
    call_command("load_demo", verbosity=0)
    axe = Axe()
    failures = []
    for name, path in _pages().items():
        page = page_at(viewport)
        requests = []
        page.on("request", lambda r, requests=requests: requests.append(r.url))
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
        screenshot(page, f"quality-{name}-{label}")

        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
            failures.append(f"{name}: scrolls sideways: {page.evaluate(OVERFLOWING)}")
        shape = page.evaluate(STRUCTURE)
        levels = shape.pop("headings")
        if shape != {"banner": 1, "main": 1, "contentinfo": 1, "sections": True, "skip": True}:
            failures.append(f"{name}: landmarks {shape}")
        if levels.count(1) != 1 or any(b - a > 1 for a, b in pairwise(levels)):
            failures.append(f"{name}: headings out of order: {levels}")
        if unsized := page.evaluate(UNSIZED_IMAGES):
            failures.append(f"{name}: pictures without width and height: {unsized}")
        shift = page.evaluate(LAYOUT_SHIFT)
        if shift > 0.01:
            failures.append(f"{name}: layout shift {shift:.3f}")
        if elsewhere := [u for u in requests if not u.startswith((site_url, "data:"))]:
            failures.append(f"{name}: requests to other hosts: {elsewhere}")
        if page.problems:
            failures.append(f"{name}: {page.problems}")
        results = axe.run(page)
        for violation in results.response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [n["target"] for n in violation["nodes"]][:3]
                failures.append(f"{name}: axe {violation['id']} ({violation['impact']}): {targets}")
    assert failures == [], "\n".join(failures)


def test_dark_palette_and_keyboard_reply(site_url, page_at, chromium):
    """Under a dark colour scheme the pages turn dark and stay legible (axe checks contrast);
    a keyboard alone reaches every field of the reply form and sends it."""
    call_command("load_demo", verbosity=0)
    context = chromium.new_context(viewport=PHONE, color_scheme="dark")
    try:
        page = context.new_page()
        article = _pages()["article"]
        page.goto(site_url + article)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        channels = [int(c) for c in background[background.index("(") + 1 : -1].split(",")[:3]]
        assert max(channels) < 80, background
        screenshot(page, "quality-article-dark")
        serious = [
            v["id"]
            for v in Axe().run(page).response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == []

        page.goto(site_url + article + "#reply-form")
        page.locator("#id_name").focus()
        page.keyboard.type("Kay Board")
        for field, text in [
            ("#id_email", "kay@example.org"),
            ("#id_website", ""),
            ("#id_body", "Typed without a mouse."),
        ]:
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.id") == field[1:]
            page.keyboard.type(text)
        focus_ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert focus_ring != "none"
        page.wait_for_timeout(2100)  # a person takes longer than the form's minimum time
        while page.evaluate("document.activeElement.type") != "submit":
            page.keyboard.press("Tab")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.get_by_text("awaiting moderation")).to_be_visible()
        screenshot(page, "quality-reply-sent-dark")
    finally:
        context.close()
