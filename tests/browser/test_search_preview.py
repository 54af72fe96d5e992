"""An editor sees how the article will look in search results and when shared, as they type."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group, User
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.factories import make_article, make_image

PASSWORD = "a-long-browser-password"


def _open_article(page, site_url, article):
    editor = User.objects.create_user("seo-editor", "s@example.org", PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    phone = TOTPDevice.objects.create(user=editor, name="Phone")
    page.goto(site_url + f"/admin/login/?next=/admin/articles/article/{article.pk}/change/")
    page.fill("#id_username", "seo-editor")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.fill("#id_code", f"{totp(phone.bin_key):06d}")  # editors give a second step
    page.get_by_role("button", name="Open the desk").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_preview_follows_the_search_title_falls_back_to_the_headline_and_warns(
    site_url, page_at, viewport
):
    article = make_article(
        headline="Council votes by a narrow majority",
        standfirst="The budget passes after a long night.",
        hero_image=make_image(),
    )
    page = page_at(viewport)
    _open_article(page, site_url, article)
    preview = page.locator("#search-preview")
    title = preview.locator(".search-result-title")
    description = preview.locator(".search-result-description")
    title_hint = preview.locator('[data-hint="title"]')
    card_title = preview.locator(".social-card-title")

    # Inside their fieldset, under the fields: the writing column shares the screen with the
    # publishing panel up to very wide screens.
    fieldset = page.locator("fieldset", has=page.locator("#id_search_title"))
    expect(fieldset.locator("#search-preview")).to_be_visible()
    field_box = page.locator("#id_search_title").bounding_box()
    preview_box = preview.bounding_box()
    assert preview_box["y"] > field_box["y"], "under the field"
    assert preview_box["x"] + preview_box["width"] <= viewport["width"], "fits the screen"

    expect(title).to_have_text("Council votes by a narrow majority")
    expect(description).to_have_text("The budget passes after a long night.")
    expect(title_hint).to_have_text("Headline used as title: 34 of 60 characters.")
    expect(preview.locator(f'img[data-picture="{article.hero_image_id}"]')).to_be_visible()

    page.locator("#id_search_title").fill("Budget passes")
    expect(title).to_have_text("Budget passes")
    expect(card_title).to_have_text("Budget passes")
    expect(title_hint).to_have_text("Search title: 13 of 60 characters.")
    page.locator("#id_search_description").fill("What the vote means for the city.")
    expect(description).to_have_text("What the vote means for the city.")
    screenshot(page, f"search-preview-typed-{viewport['width']}")

    page.locator("#id_search_title").fill("")
    expect(title).to_have_text("Council votes by a narrow majority")
    expect(card_title).to_have_text("Council votes by a narrow majority")

    long_title = "Council votes by a narrow majority to pass the budget after a night"
    assert 60 < len(long_title) <= 70
    page.locator("#id_search_title").fill(long_title)
    expect(title_hint).to_have_text(
        f"Search title: {len(long_title)} of 60 characters — search engines cut the rest."
    )
    expect(title_hint).to_have_class("search-preview-hint over")
    colour = title_hint.evaluate("el => getComputedStyle(el).color")
    quiet = preview.locator('[data-hint="description"]').evaluate(
        "el => getComputedStyle(el).color"
    )
    assert colour != quiet, "the warning is in its own colour"
    shown = title.inner_text()  # cut at a word, as search engines do
    assert shown == "Council votes by a narrow majority to pass the budget after…"
    expect(preview.locator('[role="status"][aria-live="polite"]')).to_contain_text(
        "search engines cut the rest"
    )
    screenshot(page, f"search-preview-over-{viewport['width']}")

    serious = [
        v["id"]
        for v in Axe().run(page, context="#search-preview").response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    assert page.problems == [], "no script error and no CSP violation"
