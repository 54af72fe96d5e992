"""An edition at the desk, in Chromium as an editor uses it: the introduction and the stories'
order are changed and saved from the page itself (its buttons belong to its one form), and
"Send a test to me" sends the saved edition to the editor alone."""

import re

import pytest
from playwright.sync_api import expect

from newsletters.models import Edition
from tests.browser.conftest import DESKTOP, PHONE, signed_in
from tests.factories import make_article
from tests.newsletter_helpers import make_list


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_edition_is_changed_saved_and_sent_as_a_test(
    site_url, page_at, editor, mail_server, settings, viewport
):
    settings.SITE_URL = site_url
    first, second = make_article(headline="First story"), make_article(headline="Second story")
    edition = Edition.objects.create(
        newsletter=make_list(name="The Morning Briefing"),
        subject="Morning",
        stories=[first.pk, second.pk],
    )
    editor.email = "edna@example.org"
    editor.save()
    page = page_at(viewport)
    signed_in(page, site_url, editor)
    page.goto(f"{site_url}/admin/newsletters/edition/{edition.pk}/change/")

    page.get_by_label("Introduction").fill("A calm night.")
    page.get_by_label(re.compile(r"^First story")).fill("2")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("changed successfully")
    edition.refresh_from_db()
    assert edition.intro == "A calm night."
    assert edition.stories == [second.pk, first.pk]

    page.get_by_role("button", name="Send a test to me").click()
    expect(page.locator(".messagelist")).to_contain_text("test")
    (test,) = mail_server.to("edna@example.org")
    assert "A calm night." in test.get_body(("plain",)).get_content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # "Send now…" asks first, with buttons a finger hits.
    page.get_by_role("link", name="Send now…").click()
    for control in (
        page.get_by_role("button", name="Send to 0 subscribers"),
        page.get_by_role("link", name="Not now"),
    ):
        assert control.bounding_box()["height"] >= 44
    page.get_by_role("link", name="Not now").click()
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT, "nothing sent"
