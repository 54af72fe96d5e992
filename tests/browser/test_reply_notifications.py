"""Reply notifications in Chromium: the reader's "E-mail me when someone answers" box under the
reply form at phone and desktop widths, and staff answering a reader from the queue."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from comments.models import Reply
from tests.browser.conftest import DESKTOP, PHONE, screenshot, serious_axe_violations, signed_in
from tests.factories import make_article, make_reply

WIDTHS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
BOX = "E-mail me when someone answers"


@pytest.mark.parametrize("viewport", WIDTHS)
def test_the_box_is_labelled_reached_by_keyboard_and_kept_on_an_error(site_url, page_at, viewport):
    article = make_article(headline="Tram line extended")
    page = page_at(viewport)
    page.goto(site_url + article.get_absolute_url())
    box = page.get_by_label(BOX)
    expect(box).not_to_be_checked()
    expect(box).to_have_accessible_description(
        "To the address above, at most once an hour for each conversation; every e-mail has a "
        "link to stop them."
    )
    page.get_by_label("Name").fill("Ines")
    page.get_by_label("Email").fill("not an address")
    page.get_by_label("Reply", exact=True).fill("Will it run on Sundays?")
    page.get_by_label("Reply", exact=True).focus()
    page.keyboard.press("Tab")
    expect(box).to_be_focused()
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Post Reply")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("alert")).to_contain_text("Please correct the marked field")
    expect(page.get_by_label(BOX)).to_be_checked()
    expect(page.get_by_label("Reply", exact=True)).to_have_value("Will it run on Sundays?")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_axe_violations(page) == []
    screenshot(page, f"reply-notify-box-{viewport['width']}")
    # The refused post is the only error the page met (a 400 and its console line, as intended).
    assert [p for p in page.problems if "400" not in p] == []
    assert not Reply.objects.exists()


@pytest.mark.parametrize("viewport", WIDTHS)
def test_staff_answer_a_reader_from_the_queue(site_url, page_at, moderator, viewport):
    article = make_article(headline="Budget figures")
    asked = make_reply(article, name="Tomas", body="Where do these figures come from?")
    desk = page_at(viewport)
    signed_in(desk, site_url, moderator)
    desk.goto(site_url + reverse("admin:comments_reply_changelist"))
    desk.get_by_role("link", name="Answer the reply by Tomas").click()
    expect(desk.get_by_text("Where do these figures come from?")).to_be_visible()
    answer = desk.get_by_label("Your answer")
    expect(answer).to_have_accessible_description(
        "Up to 5,000 characters. Published at once under the reply, signed “The Newsroom” "
        "with the badge “From the newsroom”; the replier is e-mailed if they asked to be."
    )
    assert serious_axe_violations(desk) == []
    assert desk.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    answer.fill("From the Treasury's own tables, linked in the story.")
    screenshot(desk, f"staff-answer-form-{viewport['width']}")
    desk.get_by_role("button", name="Publish the answer as The Newsroom").click()
    expect(desk.get_by_text("Your answer to Tomas is published")).to_be_visible()

    reader = page_at(viewport)
    reader.goto(site_url + article.get_absolute_url())
    written = Reply.objects.get(parent=asked)
    shown = reader.locator(f"#reply-{written.pk}")
    expect(shown).to_contain_text("The Newsroom")
    expect(shown).to_contain_text("From the newsroom")
    expect(shown).to_contain_text("From the Treasury's own tables")
    assert serious_axe_violations(reader) == []
    assert reader.problems == [] and desk.problems == []
