"""A live page open on a reader's phone while an editor posts an update from the admin: the
page offers "1 new update" within the polling interval and inserts it on a tap, keeping the
reader where they were."""

import re
from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from live.models import LiveUpdate
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_admin_csp import watch_csp
from tests.factories import make_article
from tests.test_live import add_updates

PASSWORD = "a-long-browser-password"


def test_a_posted_update_is_offered_and_inserted_without_moving_the_reader(
    site_url, page_at, settings
):
    settings.LIVE_POLL_SECONDS = 1
    editor = User.objects.create_user("live-editor", "e@example.org", PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    phone = TOTPDevice.objects.create(user=editor, name="Phone")
    article = make_article(
        headline="Election night live", live_from=timezone.now() - timedelta(hours=1)
    )
    for update in add_updates(article, 8):
        update.body = "<p>" + "A long paragraph of results and reaction. " * 12 + "</p>"
        update.save()

    reader = page_at(PHONE)
    reader.goto(site_url + article.get_absolute_url())
    reader.evaluate("window.scrollTo(0, 900)")
    # What the reader is reading: the first update whose top is on screen, and where.
    reading = reader.evaluate(
        """() => [...document.querySelectorAll(".live-update")]
        .find(el => el.getBoundingClientRect().top >= 0).id"""
    )
    where = f"document.getElementById('{reading}').getBoundingClientRect().top"
    top = reader.evaluate(where)

    desk = page_at(DESKTOP)
    desk.goto(site_url + "/admin/login/?next=" + f"/admin/articles/article/{article.pk}/change/")
    desk.fill("#id_username", "live-editor")
    desk.fill("#id_password", PASSWORD)
    desk.get_by_role("button", name="Log in").click()
    desk.fill("#id_code", f"{totp(phone.bin_key):06d}")  # editors give a second step
    desk.get_by_role("button", name="Open the desk").click()
    desk.wait_for_load_state()
    desk.fill("#id_live-headline", "Polls have closed")
    desk.get_by_role("button", name="Post update").click()  # no text yet: refused
    status = desk.locator(".live-desk-status")
    status.wait_for(state="visible")
    assert "The update was not posted" in status.inner_text()
    assert desk.input_value("#id_live-headline") == "Polls have closed", "what was typed stays"
    desk.problems.clear()  # that 400 was asked for
    desk.locator("#live-update-form [contenteditable=true]").click()
    desk.keyboard.type("Counting has begun in all constituencies.")
    desk.get_by_role("button", name="Post update").click()
    expect(status).to_have_text(re.compile(r"^Update posted at"))
    assert desk.input_value("#id_live-headline") == "", "the form is ready for the next one"
    assert desk.locator("#live-update-form [contenteditable=true]").inner_text().strip() == ""
    assert "Polls have closed" in desk.locator(".live-desk-recent").inner_text()
    assert desk.url.endswith(f"/{article.pk}/change/"), "the editor stayed on the page"
    screenshot(desk, "live-desk")

    offer = reader.locator("button.live-new")
    offer.wait_for(state="visible", timeout=10_000)
    assert offer.inner_text() == "Show 1 new update"
    assert reader.locator(".live-notice").inner_text() == "1 new update."
    assert abs(reader.evaluate(where) - top) < 1, "what the reader reads did not move"
    assert reader.evaluate("document.activeElement === document.body"), "focus not taken"
    screenshot(reader, "live-offer-phone")

    offer.click()  # the reader asks: taken to the new update, focused
    first = reader.locator(".live-updates > article").first
    assert first.locator("h3").inner_text() == "Polls have closed"
    assert reader.evaluate("document.activeElement.id") == first.get_attribute("id")
    box = first.bounding_box()
    assert 0 <= box["y"] < PHONE["height"], "the new update is on screen"
    assert offer.is_hidden() and reader.locator(".live-notice").inner_text() == ""
    assert reader.locator(f"#{reading}").is_visible()
    screenshot(reader, "live-reader-phone")
    assert reader.problems == [] and desk.problems == []


def test_a_hidden_tab_and_ended_coverage_do_not_poll(site_url, page_at, settings):
    settings.LIVE_POLL_SECONDS = 1
    article = make_article(live_from=timezone.now() - timedelta(hours=1))
    add_updates(article, 2)
    ended = make_article(
        live_from=timezone.now() - timedelta(hours=3),
        live_until=timezone.now() - timedelta(hours=1),
    )
    page = page_at(PHONE)
    asked = []
    page.on("request", lambda r: "/updates/" in r.url and asked.append(r.url))
    page.goto(site_url + ended.get_absolute_url())
    page.wait_for_timeout(2500)
    assert asked == [], "coverage ended: no checking"
    page.goto(site_url + article.get_absolute_url())
    page.wait_for_timeout(2500)
    assert asked, "a running live page checks"
    page.evaluate(
        """() => {
        Object.defineProperty(document, "visibilityState", {value: "hidden", configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
    }"""
    )
    page.wait_for_timeout(300)
    count = len(asked)
    page.wait_for_timeout(2500)
    assert len(asked) == count, "a hidden tab does not check"


def _sign_in_as_editor(page, site_url, next_url):
    editor = User.objects.create_user("end-editor", "end@example.org", PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    phone = TOTPDevice.objects.create(user=editor, name="Phone")
    page.goto(f"{site_url}/admin/login/?next={next_url}")
    page.fill("#id_username", "end-editor")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.fill("#id_code", f"{totp(phone.bin_key):06d}")
    page.get_by_role("button", name="Open the desk").click()
    page.wait_for_load_state()


def test_ending_the_coverage_is_asked_on_the_page_first(site_url, page_at):
    article = make_article(headline="Storm live", live_from=timezone.now() - timedelta(hours=1))
    add_updates(article, 2)
    desk = page_at(DESKTOP)
    _sign_in_as_editor(desk, site_url, f"/admin/articles/article/{article.pk}/change/")
    question = desk.locator(".live-end-confirm")
    expect(question).to_be_hidden()

    desk.get_by_role("button", name="End coverage now").click()
    expect(question).to_be_visible()
    expect(question).to_contain_text("Are you sure? Readers will see “Coverage ended”")
    expect(desk.get_by_role("button", name="End coverage now")).to_be_hidden()
    expect(desk.locator("#live-end-question")).to_be_focused()
    screenshot(desk, "live-end-asked")
    article.refresh_from_db()
    assert article.is_live(), "asking ends nothing"

    desk.get_by_role("button", name="Keep it running").click()
    expect(question).to_be_hidden()
    expect(desk.get_by_role("button", name="End coverage now")).to_be_focused()
    article.refresh_from_db()
    assert article.is_live()

    desk.get_by_role("button", name="End coverage now").click()
    desk.get_by_role("button", name="End coverage", exact=True).click()
    expect(desk.locator("#live-desk-heading")).to_have_text("Live coverage ended")
    expect(desk.get_by_role("button", name="End coverage now")).to_have_count(0)
    article.refresh_from_db()
    assert article.coverage_ended()
    desk.goto(site_url + article.get_absolute_url())
    expect(desk.get_by_text("Coverage ended").first).to_be_visible()
    assert desk.problems == []


def test_without_javascript_ending_the_coverage_is_asked_on_a_page(site_url, chromium):
    article = make_article(headline="Floods live", live_from=timezone.now() - timedelta(hours=1))
    context = chromium.new_context(viewport=DESKTOP, java_script_enabled=False)
    try:
        desk = context.new_page()
        change = f"/admin/articles/article/{article.pk}/change/"
        _sign_in_as_editor(desk, site_url, change)
        desk.get_by_role("button", name="End coverage now").click()
        expect(desk.get_by_role("heading", level=1)).to_have_text("End the live coverage?")
        expect(desk.locator("#content")).to_contain_text(
            "Are you sure? Readers will see “Coverage ended” on “Floods live”"
        )
        screenshot(desk, "live-end-confirmation-page")
        article.refresh_from_db()
        assert article.is_live(), "asking ends nothing"

        desk.get_by_role("link", name="Keep it running").click()
        assert desk.url.endswith(change + "#live-desk")
        article.refresh_from_db()
        assert article.is_live()

        desk.get_by_role("button", name="End coverage now").click()
        desk.get_by_role("button", name="End coverage", exact=True).click()
        assert desk.url.endswith(change + "#live-desk")
        expect(desk.locator(".messagelist")).to_contain_text("Live coverage ended.")
        expect(desk.locator("#live-desk-heading")).to_have_text("Live coverage ended")
        article.refresh_from_db()
        assert article.coverage_ended()
    finally:
        context.close()


def test_a_correction_is_made_in_the_rich_editor_and_readers_see_it(site_url, page_at):
    article = make_article(headline="Count live", live_from=timezone.now() - timedelta(hours=1))
    update = LiveUpdate.objects.create(
        article=article, body="<p>Turnout was <strong>low</strong> in the city.</p>"
    )
    desk = page_at(DESKTOP)
    check = watch_csp(desk)
    _sign_in_as_editor(desk, site_url, f"/admin/articles/article/{article.pk}/change/")
    desk.get_by_role("link", name="Correct").click()
    assert desk.url.endswith(f"/admin/live/liveupdate/{update.pk}/change/")
    editor = desk.locator(".ProseMirror[contenteditable=true]")
    expect(editor).to_be_visible()
    expect(editor.locator("strong")).to_have_text("low"), "the words, not their HTML"
    expect(desk.locator("textarea#id_body")).to_be_hidden()
    expect(desk.get_by_role("button", name="Bold")).to_be_visible()
    assert check() == [], "the editor loads under the page's nonce"

    editor.locator("strong").dblclick()  # the word "low"
    desk.keyboard.type("high")
    expect(editor.locator("strong")).to_have_text("high")
    screenshot(desk, "live-correction-editor")
    desk.get_by_role("button", name="Save", exact=True).click()
    expect(desk.locator(".messagelist")).to_contain_text("The update is corrected")
    assert desk.url.endswith(f"/admin/articles/article/{article.pk}/change/#live-desk")
    update.refresh_from_db()
    assert update.body == "<p>Turnout was <strong>high</strong> in the city.</p>"

    desk.goto(site_url + article.get_absolute_url())
    shown = desk.locator(f"#update-{update.pk}")
    expect(shown).to_contain_text("Turnout was high in the city.")
    expect(shown).to_contain_text("Corrected")
    assert check() == [] and desk.problems == []
