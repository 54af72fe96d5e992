"""A front arranged at the desk in Chromium, by drag and drop and by keyboard alone, the page
clean by axe; and the home page as a phone shows it."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from fronts.models import Front
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    screenshot,
    serious_axe_violations,
    signed_in,
    touch_drag,
    touch_page,
)
from tests.browser.test_admin_csp import watch_csp
from tests.factories import make_article


@pytest.fixture
def stories():
    now = timezone.now()
    return [
        make_article(headline=f"Story {n}", publish_at=now - timedelta(hours=n)) for n in range(6)
    ]


def _arrange(page, site_url):
    front = Front.objects.get_or_create(topic=None)[0]
    page.goto(site_url + reverse("admin:fronts_front_change", args=[front.pk]))
    return front


def _slot(page, block, slot):
    return page.locator(f'.front-slot[data-block="{block}"][data-slot="{slot}"]')


def test_an_editor_drags_a_story_into_the_lead_and_publishes(site_url, page_at, editor, stories):
    page = page_at(DESKTOP)
    csp_problems = watch_csp(page)
    signed_in(page, site_url, editor)
    _arrange(page, site_url)
    expect(_slot(page, 0, 0)).to_contain_text("Story 0")
    expect(_slot(page, 1, 2)).to_contain_text("Story 3")
    _slot(page, 1, 2).drag_to(_slot(page, 0, 0))
    expect(page.locator(".messagelist")).to_contain_text("“Story 3” moved to Lead.")
    expect(_slot(page, 0, 0)).to_contain_text("Story 3")
    expect(_slot(page, 0, 0)).to_contain_text("Pinned")
    expect(_slot(page, 1, 0)).to_contain_text("Story 0")  # the others fill in after it
    screenshot(page, "fronts-desk-dragged-desktop")
    assert csp_problems() == [], "the desk's script keeps to the admin's policy"
    page.get_by_role("button", name="Publish now").click()
    page.goto(site_url + "/")
    expect(page.locator(".front-lead .teaser-headline")).to_have_text("Story 3")
    assert page.problems == []


def test_an_editor_arranges_by_keyboard_alone(site_url, page_at, editor, stories):
    page = page_at(PHONE)
    signed_in(page, site_url, editor)
    _arrange(page, site_url)
    page.get_by_role("button", name="Move “Story 2” up").focus()
    page.keyboard.press("Enter")
    expect(_slot(page, 1, 0)).to_contain_text("Story 2")
    expect(_slot(page, 1, 0)).to_contain_text("Pinned")
    expect(page.get_by_role("button", name="Move “Story 2” up")).to_be_focused()  # again?
    page.get_by_label("Move “Story 2” to block").focus()
    page.keyboard.press("Home")  # the first block, the lead
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Move “Story 2” to the block chosen")).to_be_focused()
    page.keyboard.press("Enter")
    expect(_slot(page, 0, 0)).to_contain_text("Story 2")
    page.get_by_role("button", name="Unpin “Story 2”").focus()
    page.keyboard.press("Enter")
    expect(_slot(page, 0, 0)).to_contain_text("Story 0")
    expect(_slot(page, 0, 0)).to_contain_text("Automatic")
    screenshot(page, "fronts-desk-keyboard-phone")
    assert page.problems == []


def _show_the_lead(page):
    """The lead's slot a little below the top of the screen, the page still."""
    _slot(page, 0, 0).evaluate("slot => { slot.scrollIntoView(); window.scrollBy(0, -100); }")
    page.wait_for_function(
        "() => new Promise(done => { const y = scrollY;"
        " requestAnimationFrame(() => requestAnimationFrame(() => done(scrollY === y))); })"
    )


def test_on_a_phone_a_finger_drags_a_story_by_its_handle_and_scrolls_elsewhere(
    site_url, chromium, editor, stories
):
    page = touch_page(chromium, PHONE)
    try:
        signed_in(page, site_url, editor)
        _arrange(page, site_url)
        _show_the_lead(page)
        before = page.evaluate("window.scrollY")
        headline = _slot(page, 1, 1).locator(".front-headline")
        touch_drag(page, headline, _slot(page, 0, 0))  # not by the handle: the page scrolls
        assert page.evaluate("window.scrollY") > before, "the finger going up scrolled the page on"
        expect(_slot(page, 1, 1)).to_contain_text("Automatic")
        page.reload()  # no fling left from that scroll
        _show_the_lead(page)
        handle = _slot(page, 1, 1).locator(".front-handle")
        box = handle.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, "a handle a finger can hold"
        with page.expect_navigation():
            touch_drag(page, handle, _slot(page, 0, 0))
        expect(page.locator(".messagelist")).to_contain_text("“Story 2” moved to Lead.")
        expect(_slot(page, 0, 0)).to_contain_text("Story 2")
        expect(_slot(page, 0, 0)).to_contain_text("Pinned")
        screenshot(page, "fronts-desk-touch-phone")
    finally:
        page.context.close()


SMALL_OR_UNNAMED = """desk => Array.from(
  desk.querySelectorAll("button, select, input:not([type=hidden]), summary, a.button"),
).filter((control) => control.offsetParent).flatMap((control) => {
  const box = control.getBoundingClientRect();
  const named = control.labels?.length || control.getAttribute("aria-label")
    || control.textContent.trim();
  const problems = [];
  if (box.width < 44 || box.height < 44) problems.push(`${Math.round(box.width)}x${Math.round(box.height)}`);
  if (!named) problems.push("no name");
  return problems.length ? [`${control.outerHTML.slice(0, 70)}: ${problems.join(", ")}`] : [];
})"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_the_desk_fits_a_phone_with_controls_a_finger_can_press(
    site_url, page_at, editor, stories, viewport
):
    """No sideways scrolling, and on a phone every control at least 44 px square and named; a
    front with every state the desk shows: a draft, a time scheduled, a pin readers do not
    see, a titled block, search results."""
    page = page_at(viewport)
    signed_in(page, site_url, editor)
    front = _arrange(page, site_url)
    page.get_by_role("button", name="Pin “Story 5” here").click()
    page.locator("#schedule-at").fill("2999-01-01T06:00")
    page.get_by_role("button", name="Schedule").click()
    page.get_by_role("button", name="Pin “Story 4” here").click()
    stories[5].status = "draft"
    stories[5].save()
    page.goto(site_url + reverse("admin:fronts_front_change", args=[front.pk]) + "?q=Story")
    expect(page.locator(".front-held")).to_contain_text("Not published — readers don't see it")
    screenshot(page, f"fronts-desk-states-{viewport['width']}")
    sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert sideways <= 0, f"the page scrolls {sideways} px sideways"
    if viewport == PHONE:
        assert page.locator(".front-desk").evaluate(SMALL_OR_UNNAMED) == []
    assert serious_axe_violations(page) == []
    assert page.problems == []


def test_the_desk_page_is_clean_for_axe(site_url, page_at, editor, stories):
    page = page_at(DESKTOP)
    signed_in(page, site_url, editor)
    _arrange(page, site_url)
    page.get_by_role("button", name="Pin “Story 1” here").click()  # a pinned slot's badge too
    expect(_slot(page, 1, 0)).to_contain_text("Pinned")
    page.get_by_label("Published stories whose headline has").fill("Story")
    expect(page.locator(".front-results li")).to_have_count(6)  # as typed, no button pressed
    screenshot(page, "fronts-desk-desktop")
    assert serious_axe_violations(page) == []


def test_the_home_page_on_a_phone_leads_with_a_picture_then_compact_teasers(
    site_url, page_at, settings
):
    call_command("load_demo", verbosity=0)
    page = page_at(PHONE)
    page.goto(site_url + "/")
    page.wait_for_load_state("networkidle")
    screenshot(page, "fronts-home-phone")
    shown = page.locator(".front-page img").evaluate_all(
        "images => images.filter(i => i.offsetParent && i.currentSrc).length"
    )
    assert shown == 1, "only the lead's picture on a phone"
    headlines = page.locator(".front-page .teaser-headline").all_inner_texts()
    assert len(headlines) == len(set(headlines)) > 10, "no story twice"
    page.set_viewport_size(DESKTOP)
    screenshot(page, "fronts-home-desktop")
    assert page.problems == []
