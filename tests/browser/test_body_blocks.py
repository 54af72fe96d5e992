"""The body editor's blocks besides pictures, in Chromium: pull quotes, captioned tables,
embeds (pasted or asked for), paste that keeps the body's own markup, and bodies saved before
the editor had them; asserted on what is saved."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from embeds.models import Embed
from tests.browser.conftest import DESKTOP
from tests.browser.editing import (
    WIDTHS,
    caret_at_end,
    library_picture,
    open_form,
    save_form,
    shot,
    toolbar_button,
)
from tests.factories import make_article


@pytest.mark.parametrize("viewport", WIDTHS)
def test_a_pull_quote_and_a_captioned_table_are_written_in_the_body(
    site_url, page_at, editor, viewport
):
    article = make_article(status="draft", body="<p>First words.</p>")
    page = page_at(viewport)
    body = open_form(page, site_url, editor, article)
    caret_at_end(page, body)
    page.keyboard.press("Enter")

    toolbar_button(page, "Pull quote").click()
    page.keyboard.type("We will rebuild the pier.")
    page.keyboard.press("Enter")
    page.keyboard.type("The mayor")
    page.keyboard.press("Enter")
    page.keyboard.type("After the quote.")

    toolbar_button(page, "Table").click()
    page.keyboard.type("Party")
    page.keyboard.press("Tab")
    page.keyboard.type("Seats")
    body.get_by_role("button", name="Add a caption").click()
    dialog = page.locator("dialog.prose-editor-dialog")
    dialog.get_by_label("Caption: what the table shows").fill("Council seats, 2026")
    dialog.get_by_role("button", name="Save").click()
    expect(body.locator("table caption")).to_have_text("Council seats, 2026")
    shot(page, f"quote-table-{viewport['width']}")

    saved = save_form(page, article)
    assert (
        '<blockquote class="pull-quote"><p>We will rebuild the pier.</p><cite>The mayor</cite>'
        "</blockquote><p>After the quote.</p>"
    ) in saved
    assert re.search(
        r"<table><caption>Council seats, 2026</caption><tbody><tr>"
        r"<th[^>]*>Party</th><th[^>]*>Seats</th><th[^>]*></th></tr>"
        r"(<tr>(<td[^>]*></td>){3}</tr>){2}</tbody></table>",
        saved,
    ), saved
    assert page.problems == []


PASTED = (
    "<h1>Big title</h1><p>Some words.</p><h4>Small heading</h4><hr>"
    "<table><thead><tr><th>Town</th><th>Rain</th></tr></thead>"
    "<tbody><tr><td>Ayr</td><td>12 mm</td></tr></tbody></table>"
    "<h6>Tiny</h6>"
    '<figure><img src="https://elsewhere.example/storm.jpg" alt="x"><figcaption>Agency'
    "</figcaption></figure>"
)


def test_pasted_html_keeps_the_bodys_headings_rules_and_tables(site_url, page_at, editor):
    article = make_article(status="draft", body="<p>First words.</p>")
    page = page_at(DESKTOP)
    body = open_form(page, site_url, editor, article)
    caret_at_end(page, body)
    page.keyboard.press("Enter")
    body.evaluate(
        """(element, html) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "Big title");
            element.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                cancelable: true}));
        }""",
        PASTED,
    )
    expect(body.locator("h2")).to_have_text("Big title")
    # A picture from another site is never dropped unseen: a link to it, and the editor told.
    notice = page.locator(".body-paste-notice")
    expect(notice).to_contain_text("A picture from another site became a link")
    expect(notice).to_contain_text("https://elsewhere.example/storm.jpg")

    saved = save_form(page, article)
    assert "<h2>Big title</h2><p>Some words.</p><h3>Small heading</h3><hr>" in saved
    assert "<table><tbody><tr><th" in saved and "<th>Town</th>" in saved and "12 mm" in saved
    assert "<h3>Tiny</h3>" in saved
    assert "<h1" not in saved and "<h4" not in saved and "<h6" not in saved
    assert '<a href="https://elsewhere.example/storm.jpg">Picture from another site' in saved
    assert "<img" not in saved


def test_bodies_saved_before_keep_their_pictures_and_embeds(site_url, page_at, editor):
    old = library_picture((90, 90, 90), alt_text="Old picture")
    Embed.objects.create(
        url="https://www.youtube.com/watch?v=abc",
        provider="youtube",
        status=Embed.Status.READY,
        title="Storm footage from the pier",
        thumbnail=library_picture((60, 60, 60), alt_text="Storm footage"),
    )
    src = old.file.url
    article = make_article(
        status="draft",
        body=f'<figure><img src="{src}" alt="A crowd"><figcaption>The crowd</figcaption></figure>'
        '<figure data-embed="https://www.youtube.com/watch?v=abc">'
        '<a href="https://www.youtube.com/watch?v=abc">https://www.youtube.com/watch?v=abc</a>'
        "</figure><p>End.</p>",
    )
    page = page_at(DESKTOP)
    body = open_form(page, site_url, editor, article)
    expect(body.locator("figure.body-picture figcaption")).to_have_text("The crowd")
    card = body.locator("figure.body-embed")
    expect(card).to_contain_text("Storm footage from the pier")
    expect(card.locator("img")).to_be_visible()
    card.scroll_into_view_if_needed()
    shot(page, "old-body-1280")
    caret_at_end(page, body)  # after "End."
    page.keyboard.type(" More.")

    saved = save_form(page, article)
    width, height, src = old.for_editors  # the server names the library's picture
    assert saved == (
        f'<figure data-picture="{old.pk}" data-align="text"><img src="{src}" alt="A crowd" '
        f'width="{width}" height="{height}"><figcaption>The crowd'
        '</figcaption></figure><figure data-embed="https://www.youtube.com/watch?v=abc">'
        '<a href="https://www.youtube.com/watch?v=abc">https://www.youtube.com/watch?v=abc</a>'
        "</figure><p>End. More.</p>"
    )


def _paste_text(body, text):
    body.evaluate(
        """(element, text) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            element.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                cancelable: true}));
        }""",
        text,
    )


def test_a_pasted_link_of_a_known_provider_becomes_an_embed(site_url, page_at, editor):
    video = "https://www.youtube.com/watch?v=abc123"
    chart = "https://www.youtube.com/watch?v=def456"
    article = make_article(status="draft", body="<p>First words.</p>")
    page = page_at(DESKTOP)
    body = open_form(page, site_url, editor, article)
    caret_at_end(page, body)
    page.keyboard.press("Enter")

    _paste_text(body, video)
    card = body.locator("figure.body-embed")
    expect(card).to_contain_text(video)
    expect(card).to_contain_text("YouTube")
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    _paste_text(body, "https://example.org/a-story")
    expect(body.get_by_role("link", name="https://example.org/a-story")).to_be_visible()
    page.keyboard.press("Enter")

    toolbar_button(page, "Embed").click()
    dialog = page.locator("dialog.prose-editor-dialog")
    dialog.get_by_label("Address of the video, post or chart").fill(chart)
    dialog.get_by_role("button", name="Embed").click()
    expect(body.locator("figure.body-embed")).to_have_count(2)
    shot(page, "embeds-1280")

    saved = save_form(page, article)
    assert f'<figure data-embed="{video}"><a href="{video}">{video}</a></figure>' in saved
    assert f'<figure data-embed="{chart}"><a href="{chart}">{chart}</a></figure>' in saved
    assert '<p><a href="https://example.org/a-story">https://example.org/a-story</a></p>' in saved
    assert page.problems == []


def test_the_demo_storys_every_block_survives_a_save_in_the_desk(site_url, page_at, editor):
    """Opened and saved in the editor, a body with library pictures (one across the page,
    each with its credit), embeds, a pull quote and a captioned table is kept as it was."""
    from newsroom.demo import media_story
    from newsroom.management.commands.load_demo import demo_picture

    article = make_article(status="draft", body=media_story.body(demo_picture))
    before = Article.objects.get(pk=article.pk).body
    assert before.endswith("</p>")
    page = page_at(DESKTOP)
    body = open_form(page, site_url, editor, article)
    caret_at_end(page, body)
    page.keyboard.type(" More.")
    saved = save_form(page, article)
    assert saved == before[: -len("</p>")] + " More.</p>"
