"""The article form in Chromium, as an editor uses it all day: nothing typed is lost (a copy in
the browser, a working copy on the server, a warning on leaving), changes to a live story stay
off the site until they are published, the preview shows what is on screen, and the form is laid
out for the work at desktop and phone widths."""

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from articles import revisions
from articles.models import Article, WorkingCopy
from tests.browser.conftest import DESKTOP, PHONE, screenshot, serious_axe_violations, signed_in
from tests.factories import make_article, make_author, make_topic

WIDTHS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]


def _form(site_url, article):
    return site_url + reverse("admin:articles_article_change", args=[article.pk])


def _type_in_body(page, text):
    body = page.locator(".ProseMirror[contenteditable=true]").first
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


@pytest.mark.parametrize("viewport", WIDTHS)
def test_typed_work_survives_a_closed_tab_and_leaving_warns_first(
    site_url, page_at, editor, viewport
):
    article = make_article(status="draft", headline="Harbour plan", body="<p>First words.</p>")
    page = page_at(viewport)
    signed_in(page, site_url, editor)
    page.goto(_form(site_url, article))
    page.get_by_label("Headline").fill("Harbour plan approved")
    _type_in_body(page, " Second words.")
    expect(page.locator("#desk-count")).to_contain_text("4 words")
    leaving = """() => {
        const event = new Event("beforeunload", {cancelable: true});
        window.dispatchEvent(event);
        return event.defaultPrevented;
    }"""
    assert page.evaluate(leaving), "leaving with unsaved changes asks first"
    page.close()

    page = page.context.new_page()
    page.goto(_form(site_url, article))
    expect(page.get_by_text("You have unsaved changes from")).to_be_visible()
    screenshot(page, f"desk-restore-{viewport['width']}")
    page.get_by_role("button", name="Restore them").click()
    expect(page.get_by_label("Headline")).to_have_value("Harbour plan approved")
    expect(page.locator(".ProseMirror[contenteditable=true]").first).to_contain_text(
        "First words. Second words."
    )
    page.locator(".desk-actions").get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    article.refresh_from_db()
    assert article.headline == "Harbour plan approved" and "Second words." in article.body
    page.reload()
    expect(page.locator("#desk-restore")).to_be_hidden()
    page.wait_for_selector("#desk-count")
    kept = page.evaluate(f"localStorage.getItem('newsroom:article:{article.pk}:user:{editor.pk}')")
    assert kept is None, "once saved, the browser's copy is dropped"


def test_autosave_keeps_a_working_copy_and_says_when_the_connection_is_lost(
    site_url, page_at, editor, settings
):
    settings.DESK_AUTOSAVE_SECONDS = 1
    article = make_article(status="draft", headline="Storm warning")
    page = page_at(DESKTOP)
    signed_in(page, site_url, editor)
    page.goto(_form(site_url, article))
    status = page.locator("#desk-save-state")
    assert page.locator("#desk-save-state[aria-live=polite]").count() == 1
    page.get_by_label("Headline").fill("Storm warning for the coast")
    expect(status).to_contain_text("Saved a moment ago", timeout=10_000)
    copy = WorkingCopy.objects.get(article=article, user=editor)
    assert ["headline", "Storm warning for the coast"] in copy.fields
    article.refresh_from_db()
    assert article.headline == "Storm warning", "an autosave is not a save"

    page.route("**/autosave/", lambda route: route.abort())  # the server is gone
    page.get_by_label("Headline").fill("Storm warning, typed offline")
    expect(status).to_contain_text("Not saved: connection lost", timeout=10_000)

    # Another browser (no copy of its own): the server's working copy is offered.
    first, page = page, page_at(DESKTOP)
    signed_in(page, site_url, editor)
    page.goto(_form(site_url, article))
    expect(page.get_by_text("A working copy autosaved at")).to_be_visible()
    page.get_by_role("button", name="Restore them").click()
    expect(page.get_by_label("Headline")).to_have_value("Storm warning for the coast")
    assert page.problems == []
    first.unroute("**/autosave/")


def test_restoring_a_kept_copy_runs_none_of_its_markup(site_url, page_at, editor):
    article = make_article(status="draft")
    client = Client()
    client.force_login(editor)
    planted = '<p>Kept words.</p><img src="x" onerror="document.title=\'ran\'">'
    client.post(
        reverse("admin:articles_article_autosave", args=[article.pk]),
        {"headline": article.headline, "body": planted},
    )
    page = page_at(DESKTOP)
    refused = []
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
    signed_in(page, site_url, editor)
    page.goto(_form(site_url, article))
    page.get_by_role("button", name="Restore them").click()
    expect(page.locator(".ProseMirror[contenteditable=true]").first).to_contain_text("Kept words.")
    page.wait_for_timeout(500)
    assert page.title() != "ran", "no handler ran"
    restored = page.evaluate("document.getElementById('id_body').value")
    assert "onerror" not in restored and "Kept words." in restored
    # Reading the copy in an inert document, Chromium still reports the handler it saw to the
    # page's policy; it never runs. Nothing else is refused.
    assert all("inline event handler" in message for message in refused)


@pytest.mark.parametrize("viewport", WIDTHS)
def test_changes_to_a_live_story_stay_off_the_site_until_published(
    site_url, page_at, editor, viewport
):
    article = make_article(headline="Talks open in Paris", body="<p>Delegates arrived.</p>")
    page = page_at(viewport)
    signed_in(page, site_url, editor)
    page.goto(_form(site_url, article))
    expect(page.locator(".desk-status")).to_have_text("Published")
    page.get_by_label("Headline").fill("Talks open in Paris with a deal in sight")
    with page.expect_popup() as shown:
        page.locator(".desk-actions").get_by_role("button", name="Preview").click()
    preview = shown.value
    expect(preview.get_by_role("heading", level=1)).to_have_text(
        "Talks open in Paris with a deal in sight"
    )
    preview.close()
    page.locator(".desk-actions").get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your changes are saved, not published")).to_be_visible()
    expect(page.locator(".desk-status")).to_have_text("Live, with unpublished changes")
    expect(page.locator("#desk-restore")).to_be_hidden(), "the form shows what was kept"
    screenshot(page, f"desk-live-changes-{viewport['width']}")

    reader = page_at(viewport)
    reader.goto(site_url + article.get_absolute_url())
    expect(reader.get_by_role("heading", level=1)).to_have_text("Talks open in Paris")

    page.locator(".desk-actions").get_by_role("button", name="Publish changes").click()
    expect(page.get_by_text("Your changes are live.")).to_be_visible()
    reader.reload()
    expect(reader.get_by_role("heading", level=1)).to_have_text(
        "Talks open in Paris with a deal in sight"
    )


def test_restoring_a_revision_asks_first(site_url, page_at, editor):
    article = make_article(body="<p>The first wording.</p>")
    first = revisions.record(article, by=editor)
    article.body = "<p>The second wording.</p>"
    article.save()
    revisions.record(article, by=editor)
    page = page_at(DESKTOP)
    signed_in(page, site_url, editor)
    page.goto(site_url + reverse("admin:articles_article_revisions", args=[article.pk]))
    expect(page.locator(".diff del")).to_contain_text("first")
    expect(page.locator(".diff ins")).to_contain_text("second")
    page.get_by_role("button", name="Restore…").click()
    expect(page.get_by_text("unpublished changes")).to_be_visible()
    page.get_by_role("button", name="Yes, restore it").click()
    expect(page.get_by_text("restored as unpublished changes")).to_be_visible()
    expect(page.locator(".ProseMirror[contenteditable=true]").first).to_contain_text(
        "The first wording."
    )
    article.refresh_from_db()
    assert article.body == "<p>The second wording.</p>"
    assert article.changes.body == first.body, "staged, not live"


@pytest.mark.parametrize("viewport", WIDTHS)
def test_the_form_is_laid_out_for_the_work(site_url, page_at, editor, viewport):
    topic, author = make_topic(name="Weather"), make_author(name="Ada Reporter")
    article = make_article(
        status=Article.Status.DRAFT, primary_topic=topic, authors=[author], publish_at=None
    )
    page = page_at(viewport)
    signed_in(page, site_url, editor)
    page.goto(_form(site_url, article))
    page.wait_for_load_state("load")
    headline = page.get_by_label("Headline").bounding_box()
    panel = page.locator(".desk-publish").bounding_box()
    section = page.get_by_role("group", name="Section and topics").bounding_box()
    if viewport is DESKTOP:
        main = page.locator(".desk-main").bounding_box()
        assert panel["x"] > main["x"] + main["width"] - 1, "the panel beside the writing"
        assert panel["y"] < headline["y"] + 100, "at the top, where the eye starts"
        page.mouse.wheel(0, 1500)
        page.wait_for_timeout(200)
        top = page.locator(".desk-publish").bounding_box()["y"]
        assert 0 <= top < 50, "its status and buttons stay in view while scrolling"
        page.mouse.wheel(0, -3000)
    else:
        body = page.locator(".field-body").bounding_box()
        assert headline["y"] < body["y"] < panel["y"] < section["y"], "writing, then the panel"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for button in page.locator(".desk-actions button").all():
        box = button.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, button.inner_text()
    assert page.locator("text=Status:").count() == 1, "the status is shown once"
    assert page.locator("[name=status]").count() == 0, "moved by the buttons alone"
    expect(page.locator("#desk-count")).to_contain_text("words")
    screenshot(page, f"desk-form-{viewport['width']}")
    assert serious_axe_violations(page) == []
    page.goto(site_url + reverse("admin:articles_article_add"))
    assert serious_axe_violations(page) == []
    assert page.problems == []
