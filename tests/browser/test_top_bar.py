"""An editor arranges the top bar in the desk by dragging a link, and by keyboard with the
"Move up" and "Move down" buttons, which keep the focus where the editor was."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from chrome.models import TopBarLink
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    screenshot,
    serious_axe_violations,
    signed_in,
    touch_drag,
    touch_page,
)
from tests.factories import make_topic

LIST = "/admin/chrome/topbarlink/"


def _links(*names):
    return [
        TopBarLink.objects.create(topic=make_topic(name=name), position=place)
        for place, name in enumerate(names, 1)
    ]


def _reader_top_bar() -> list[str]:
    page = Client().get("/").content.decode()
    nav = page.split('aria-label="Sections"')[1].split("</nav>")[0]
    return [item.split("</a>")[0].rsplit(">", 1)[1] for item in nav.split("<li>")[1:]]


def test_an_editor_drags_a_link_to_a_new_place(site_url, page_at, editor):
    news, _, weather = _links("News", "Sport", "Weather")
    page = page_at(DESKTOP)
    signed_in(page, site_url, editor)
    page.goto(f"{site_url}{LIST}")
    screenshot(page, "top-bar-desk-desktop")
    with page.expect_navigation():
        page.drag_and_drop(
            f"#link-{weather.pk} .top-bar-handle",
            f"#link-{news.pk}",
            target_position={"x": 20, "y": 2},
        )
    expect(page.locator(".messagelist")).to_contain_text("new order is saved")
    expect(page.locator(".top-bar-name")).to_have_text(["Weather", "News", "Sport"])
    assert _reader_top_bar() == ["Weather", "News", "Sport"]
    assert page.problems == [], "no error, no CSP violation"


def test_on_a_phone_a_finger_drags_a_link_by_its_handle(site_url, chromium, editor):
    news, _, weather = _links("News", "Sport", "Weather")
    page = touch_page(chromium, PHONE)
    try:
        signed_in(page, site_url, editor)
        page.goto(f"{site_url}{LIST}")
        handle = page.locator(f"#link-{weather.pk} .top-bar-handle")
        box = handle.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, "a handle a finger can hold"
        with page.expect_navigation():
            touch_drag(page, handle, page.locator(f"#link-{news.pk} .top-bar-name"))
        expect(page.locator(".messagelist")).to_contain_text("new order is saved")
        expect(page.locator(".top-bar-name")).to_have_text(["Weather", "News", "Sport"])
        assert _reader_top_bar() == ["Weather", "News", "Sport"]
        screenshot(page, "top-bar-touch-phone")
    finally:
        page.context.close()


@pytest.mark.parametrize("viewport,label", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_an_editor_moves_a_link_by_keyboard_and_keeps_the_focus(
    site_url, page_at, editor, viewport, label
):
    news, *_ = _links("News", "Sport", "Weather")
    page = page_at(viewport)
    signed_in(page, site_url, editor)
    page.goto(f"{site_url}{LIST}")
    page.locator(f"#link-{news.pk} button[value='{news.pk}:down']").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.value")
    assert focused == f"{news.pk}:down", "the focus stays on the button pressed"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".top-bar-name")).to_have_text(["Sport", "Weather", "News"])
    # At the bottom now: "Move down" is off, so the focus is on "Move up".
    assert page.evaluate("document.activeElement.value") == f"{news.pk}:up"
    expect(page.locator(".messagelist")).to_contain_text("“News” is in place 3 of 3.")
    screenshot(page, f"top-bar-keyboard-{label}")
    assert _reader_top_bar() == ["Sport", "Weather", "News"]
    assert page.problems == []


def test_without_javascript_the_buttons_still_move_a_link(site_url, chromium, editor):
    news, *_ = _links("News", "Sport", "Weather")
    context = chromium.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        signed_in(page, site_url, editor)
        page.goto(f"{site_url}{LIST}")
        page.locator(f"button[value='{news.pk}:down']").click()
        expect(page.locator(".top-bar-name")).to_have_text(["Sport", "News", "Weather"])
        assert _reader_top_bar() == ["Sport", "News", "Weather"]
    finally:
        context.close()


@pytest.mark.parametrize(
    "form", ["/admin/chrome/topbarlink/add/", "/admin/chrome/breakingnews/add/"]
)
def test_the_top_bar_and_banner_forms_name_every_box_for_a_screen_reader(
    site_url, page_at, editor, form
):
    """The autocomplete boxes (topic, page, article) and the banner's end date and time are
    named by their field's label, as plain fields are."""
    page = page_at(PHONE)
    signed_in(page, site_url, editor)
    page.goto(f"{site_url}{form}")
    page.wait_for_load_state("load")
    expect(page.get_by_role("combobox", name="Article")).to_be_visible()
    screenshot(page, "top-bar-form-phone" if "topbar" in form else "banner-form-phone")
    assert serious_axe_violations(page) == []
    assert page.problems == []
