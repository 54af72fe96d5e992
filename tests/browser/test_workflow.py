"""A writer drafts in the rich-text editor and submits; an editor publishes; readers see it."""

from django.contrib.auth.models import Group
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from articles.models import Article, Author
from tests.browser.conftest import DESKTOP, screenshot

PASSWORD = "correct horse battery staple"


def _staff(django_user_model, name, group):
    user = django_user_model.objects.create_user(
        name, f"{name}@example.org", PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def _log_in(page, site_url, username):
    page.goto(site_url + "/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    phone = TOTPDevice.objects.filter(user__username=username).first()
    if phone:  # editors give a code from their phone too
        page.get_by_label("Code").fill(f"{totp(phone.bin_key):06d}")
        page.get_by_role("button", name="Open the desk").click()


def _choose(page, select_id, text):
    """Pick an option in one of the admin's autocomplete (select2) boxes."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search--dropdown .select2-search__field").fill(
        text
    )
    page.locator(".select2-results__option", has_text=text).first.click()


def test_writer_drafts_and_submits_editor_publishes_it_reaches_the_home_page(
    site_url, page_at, django_user_model
):
    call_command("load_demo", verbosity=0)
    writer = _staff(django_user_model, "walt", "Writers")
    Author.objects.create(name="Walt Writer", slug="walt-writer", user=writer)
    edna = _staff(django_user_model, "edna", "Editors")
    TOTPDevice.objects.create(user=edna, name="Phone")

    page = page_at(DESKTOP)
    _log_in(page, site_url, "walt")
    page.goto(site_url + "/admin/articles/article/add/")
    page.get_by_label("Headline").fill("Harbour bridge reopens after repairs")
    page.get_by_label("Standfirst").fill("Traffic flows again after six months of work.")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    editor.type("The bridge reopened at dawn. ")
    page.keyboard.press("Control+b")
    editor.type("Cyclists were first across.")
    _choose(page, "id_primary_topic", "World")
    page.locator("#bylines-group .add-row a").click()  # "Add another author"
    _choose(page, "id_bylines-0-author", "Walt Writer")
    screenshot(page, "writer-draft-desktop")
    page.get_by_role("button", name="Submit for review").first.click()
    expect(page.get_by_text("submitted for review")).to_be_visible()

    article = Article.objects.get(headline="Harbour bridge reopens after repairs")
    assert article.status == Article.Status.IN_REVIEW
    assert "<strong>Cyclists were first across.</strong>" in article.body

    page.context.clear_cookies()
    _log_in(page, site_url, "edna")
    page.get_by_role("link", name="Harbour bridge reopens after repairs").click()
    page.get_by_role("button", name="Publish").first.click()
    expect(page.get_by_text("published. Status: Published")).to_be_visible()

    page.context.clear_cookies()
    page.goto(site_url + "/")
    page.get_by_role("link", name="Harbour bridge reopens after repairs").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Harbour bridge reopens after repairs"
    )
    expect(page.locator(".story-body strong")).to_have_text("Cyclists were first across.")
    assert page.problems == []
