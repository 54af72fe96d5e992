"""The body editor in Chromium as an editor uses it: pictures chosen from the library or
uploaded in place and given words for this story, pull quotes, captioned tables, clean paste;
what is saved is the stored format readers' pages are made from."""

import re
import tempfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from embeds.models import Embed
from pictures.chooser import PER_PAGE
from pictures.models import Image
from tests.browser.conftest import DESKTOP, PHONE, serious_axe_violations
from tests.factories import make_article, make_image, picture_bytes

WIDTHS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
SHOTS = Path(tempfile.gettempdir()) / "h2-shots"


def _shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png")


def _picture(colour, **words) -> Image:
    image = Image(**words)
    image.file.save("photo.jpg", ContentFile(picture_bytes(size=(1200, 800), colour=colour)))
    return image


def _open(page, site_url, user, article):
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": site_url}])
    page.goto(site_url + reverse("admin:articles_article_change", args=[article.pk]))
    body = page.locator(".ProseMirror[contenteditable=true]").first
    expect(body).to_be_visible()
    return body


def _toolbar(page, name):
    return page.locator(".prose-menubar").first.get_by_role("button", name=name, exact=True)


def _save(page, article):
    page.locator(".desk-actions").get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    article.refresh_from_db()
    return article.body


@pytest.mark.parametrize("viewport", WIDTHS)
def test_a_picture_is_chosen_from_the_library_and_captioned_for_this_story(
    site_url, page_at, editor, viewport
):
    _picture((200, 170, 40), alt_text="A field of wheat", caption="Wheat in June", credit="Sam Roe")
    boats = _picture(
        (30, 80, 160), alt_text="Boats", caption="The harbour at dawn", credit="Jane Doe/AP"
    )
    article = make_article(status="draft", body="<p>First words.</p>")
    page = page_at(viewport)
    body = _open(page, site_url, editor, article)
    body.click()
    page.keyboard.press("Control+End")

    _toolbar(page, "Picture").click()
    chooser = page.get_by_role("dialog", name="Choose a picture")
    expect(chooser).to_be_visible()
    expect(chooser.locator(".picture-chooser__choice")).to_have_count(2)
    chooser.get_by_label("Search the library").fill("harbour")
    chooser.get_by_role("button", name="Search").click()
    expect(chooser.locator(".picture-chooser__choice")).to_have_count(1)
    _shot(page, f"chooser-{viewport['width']}")
    assert serious_axe_violations(page) == []
    chooser.get_by_role("button", name=re.compile("Boats")).click()
    expect(chooser).to_be_hidden()

    figure = body.locator("figure.body-picture")
    expect(figure).to_contain_text("The harbour at dawn")
    figure.get_by_role("button", name="Edit picture: Boats").click()
    dialog = page.locator("dialog.prose-editor-dialog")
    dialog.get_by_label("Caption, for this story").fill("Boats waiting out the storm")
    dialog.get_by_role("button", name="Save").click()
    expect(figure).to_contain_text("Boats waiting out the storm")
    _shot(page, f"picture-{viewport['width']}")

    saved = _save(page, article)
    assert re.search(
        rf'<figure data-picture="{boats.pk}" data-align="text"><img src="/media/[^"]+" '
        r'alt="Boats" width="\d+" height="\d+"><figcaption>Boats waiting out the storm'
        r"<small>Jane Doe/AP</small></figcaption></figure>",
        saved,
    ), saved
    boats.refresh_from_db()
    assert boats.caption == "The harbour at dawn", "the library keeps its own caption"
    assert page.problems == []


@pytest.mark.parametrize("viewport", WIDTHS)
def test_pictures_are_uploaded_in_place_with_their_alt_text(site_url, page_at, editor, viewport):
    article = make_article(status="draft", body="<p>First words.</p>")
    page = page_at(viewport)
    body = _open(page, site_url, editor, article)
    body.click()
    page.keyboard.press("Control+End")
    _toolbar(page, "Picture").click()
    chooser = page.get_by_role("dialog", name="Choose a picture")
    expect(chooser.get_by_role("status")).to_contain_text("The library is empty")

    chooser.get_by_label("Upload pictures").set_input_files(
        [
            {"name": "pier.jpg", "mimeType": "image/jpeg", "buffer": _jpeg((40, 120, 90))},
            {"name": "notes.jpg", "mimeType": "image/jpeg", "buffer": b"not a picture at all"},
            {"name": "gulls.jpg", "mimeType": "image/jpeg", "buffer": _jpeg((220, 120, 40))},
        ]
    )
    chooser.get_by_role("button", name="Upload all").click()
    expect(chooser.get_by_role("alert").first).to_contain_text("alt text")
    assert not Image.objects.exists(), "nothing is uploaded before it is described"

    chooser.get_by_label("Alt text for pier.jpg (required)").fill("The old pier at low tide")
    chooser.get_by_label("Alt text for notes.jpg (required)").fill("Notes")
    chooser.get_by_label("Alt text for gulls.jpg (required)").fill("Gulls over the harbour")
    chooser.get_by_role("button", name="Upload all").click()
    expect(chooser.get_by_text("pier.jpg: uploaded")).to_be_visible()
    expect(chooser.get_by_text("gulls.jpg: uploaded")).to_be_visible()
    expect(chooser.get_by_role("alert")).to_have_text(
        "This file is not a picture we can use: upload a JPEG, PNG, WebP or GIF file."
    )
    expect(chooser.locator(".picture-chooser__grid .picture-chooser__choice")).to_have_count(2)
    assert sorted(Image.objects.values_list("alt_text", flat=True)) == [
        "Gulls over the harbour",
        "The old pier at low tide",
    ]
    _shot(page, f"uploads-{viewport['width']}")
    assert serious_axe_violations(page) == []

    chooser.locator(".picture-chooser__queue").get_by_role(
        "button", name=re.compile("Gulls over the harbour")
    ).click()
    expect(body.locator("figure.body-picture img")).to_have_attribute(
        "alt", "Gulls over the harbour"
    )
    gulls = Image.objects.get(alt_text="Gulls over the harbour")
    saved = _save(page, article)
    assert f'<figure data-picture="{gulls.pk}" data-align="text"><img src="/media/' in saved
    assert 'alt="Gulls over the harbour"' in saved
    refused = "400: " + site_url + reverse("admin:pictures_image_chooser_upload")
    assert [p for p in page.problems if "status of 400" not in p] == [refused]


def _jpeg(colour) -> bytes:
    return picture_bytes(size=(900, 600), colour=colour)


@pytest.mark.parametrize("viewport", WIDTHS)
def test_a_pull_quote_and_a_captioned_table_are_written_in_the_body(
    site_url, page_at, editor, viewport
):
    article = make_article(status="draft", body="<p>First words.</p>")
    page = page_at(viewport)
    body = _open(page, site_url, editor, article)
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")

    _toolbar(page, "Pull quote").click()
    page.keyboard.type("We will rebuild the pier.")
    page.keyboard.press("Enter")
    page.keyboard.type("The mayor")
    page.keyboard.press("Enter")
    page.keyboard.type("After the quote.")

    _toolbar(page, "Table").click()
    page.keyboard.type("Party")
    page.keyboard.press("Tab")
    page.keyboard.type("Seats")
    body.get_by_role("button", name="Add a caption").click()
    dialog = page.locator("dialog.prose-editor-dialog")
    dialog.get_by_label("Caption: what the table shows").fill("Council seats, 2026")
    dialog.get_by_role("button", name="Save").click()
    expect(body.locator("table caption")).to_have_text("Council seats, 2026")
    _shot(page, f"quote-table-{viewport['width']}")

    saved = _save(page, article)
    assert (
        '<blockquote class="pull-quote"><p>We will rebuild the pier.</p><cite>The mayor</cite>'
        "</blockquote><p>After the quote.</p>"
    ) in saved
    assert re.search(
        r"<table><caption>Council seats, 2026</caption><tbody><tr>"
        r"<th[^>]*><p>Party</p></th><th[^>]*><p>Seats</p></th><th[^>]*>(<p></p>)?</th></tr>"
        r"(<tr>(<td[^>]*>(<p></p>)?</td>){3}</tr>){2}</tbody></table>",
        saved,
    ), saved
    assert page.problems == []


PASTED = (
    "<h1>Big title</h1><p>Some words.</p><h4>Small heading</h4><hr>"
    "<table><thead><tr><th>Town</th><th>Rain</th></tr></thead>"
    "<tbody><tr><td>Ayr</td><td>12 mm</td></tr></tbody></table>"
    "<h6>Tiny</h6>"
)


def test_pasted_html_keeps_the_bodys_headings_rules_and_tables(site_url, page_at, editor):
    article = make_article(status="draft", body="<p>First words.</p>")
    page = page_at(DESKTOP)
    body = _open(page, site_url, editor, article)
    body.click()
    page.keyboard.press("Control+End")
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

    saved = _save(page, article)
    assert "<h2>Big title</h2><p>Some words.</p><h3>Small heading</h3><hr>" in saved
    assert "<table><tbody><tr><th" in saved and "<p>Town</p>" in saved and "12 mm" in saved
    assert "<h3>Tiny</h3>" in saved
    assert "<h1" not in saved and "<h4" not in saved and "<h6" not in saved


def test_enter_after_a_picture_starts_a_paragraph_below_it(site_url, page_at, editor):
    boats = _picture((30, 80, 160), alt_text="Boats", caption="The harbour", credit="AP")
    width, height, src = boats.for_editors
    article = make_article(
        status="draft",
        body=f'<p>Before.</p><figure data-picture="{boats.pk}" data-align="wide">'
        f'<img src="{src}" alt="Boats" width="{width}" height="{height}">'
        "<figcaption>The harbour<small>AP</small></figcaption></figure>",
    )
    page = page_at(DESKTOP)
    body = _open(page, site_url, editor, article)
    body.locator("figure.body-picture img").click()
    expect(body.locator("figure.body-picture")).to_have_class(
        re.compile("ProseMirror-selectednode")
    )
    page.keyboard.press("Enter")
    page.keyboard.type("After the picture.")
    expect(body.locator("figure.body-picture figcaption")).to_have_text("The harbourAP")

    saved = _save(page, article)
    assert saved.endswith(
        f'<figure data-picture="{boats.pk}" data-align="wide"><img src="{src}" alt="Boats" '
        f'width="{width}" height="{height}"><figcaption>The harbour<small>AP</small></figcaption>'
        "</figure><p>After the picture.</p>"
    ), saved


def test_the_chooser_works_from_the_keyboard(site_url, page_at, editor):
    _picture((200, 170, 40), alt_text="A field of wheat", caption="Wheat in June")
    wheat = Image.objects.get()
    article = make_article(status="draft", body="<p>First words.</p>")
    page = page_at(DESKTOP)
    body = _open(page, site_url, editor, article)
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")

    page.keyboard.press("Control+Alt+p")
    chooser = page.get_by_role("dialog", name="Choose a picture")
    expect(chooser.get_by_label("Search the library")).to_be_focused()
    page.keyboard.press("Escape")
    expect(chooser).to_be_hidden()
    expect(body).to_be_focused()

    page.keyboard.type("/")
    expect(chooser).to_be_visible()
    page.keyboard.type("wheat")
    with page.expect_response(lambda response: "q=wheat" in response.url):
        page.keyboard.press("Enter")
    expect(chooser.locator(".picture-chooser__choice")).to_have_count(1)
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('picture-chooser__choice')"):
            break
    expect(chooser.get_by_role("button", name=re.compile("A field of wheat"))).to_be_focused()
    page.keyboard.press("Enter")
    expect(chooser).to_be_hidden()
    page.keyboard.press("Enter")
    page.keyboard.type("Harvest began.")

    saved = _save(page, article)
    assert f'<figure data-picture="{wheat.pk}" data-align="text">' in saved
    assert "</figure><p>Harvest began.</p>" in saved
    assert "<p>/</p>" not in saved and "<p></p>" not in saved


def test_the_chooser_pages_through_the_library(site_url, page_at, editor):
    for n in range(PER_PAGE + 1):
        make_image(alt_text=f"Picture number {n}")
    article = make_article(status="draft", body="<p>First words.</p>")
    page = page_at(PHONE)
    body = _open(page, site_url, editor, article)
    body.click()
    _toolbar(page, "Picture").click()
    chooser = page.get_by_role("dialog", name="Choose a picture")
    pages = chooser.get_by_role("navigation", name="Pages of pictures")
    expect(pages).to_contain_text("Page 1 of 2")
    expect(chooser.locator(".picture-chooser__choice")).to_have_count(PER_PAGE)
    expect(pages.get_by_role("button", name="Previous")).to_be_disabled()
    pages.get_by_role("button", name="Next").click()
    expect(pages).to_contain_text("Page 2 of 2")
    expect(chooser.locator(".picture-chooser__choice")).to_have_count(1)
    expect(chooser.get_by_role("button", name=re.compile("Picture number 0"))).to_be_visible()
    _shot(page, "chooser-page-2-390")
    pages.get_by_role("button", name="Previous").click()
    expect(pages).to_contain_text("Page 1 of 2")


def test_bodies_saved_before_keep_their_pictures_and_embeds(site_url, page_at, editor):
    old = _picture((90, 90, 90), alt_text="Old picture")
    Embed.objects.create(
        url="https://www.youtube.com/watch?v=abc",
        provider="youtube",
        status=Embed.Status.READY,
        title="Storm footage from the pier",
        thumbnail=_picture((60, 60, 60), alt_text="Storm footage"),
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
    body = _open(page, site_url, editor, article)
    expect(body.locator("figure.body-picture figcaption")).to_have_text("The crowd")
    card = body.locator("figure.body-embed")
    expect(card).to_contain_text("Storm footage from the pier")
    expect(card.locator("img")).to_be_visible()
    card.scroll_into_view_if_needed()
    _shot(page, "old-body-1280")
    body.locator("p", has_text="End.").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" More.")

    saved = _save(page, article)
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
    body = _open(page, site_url, editor, article)
    body.click()
    page.keyboard.press("Control+End")
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

    _toolbar(page, "Embed").click()
    dialog = page.locator("dialog.prose-editor-dialog")
    dialog.get_by_label("Address of the video, post or chart").fill(chart)
    dialog.get_by_role("button", name="Embed").click()
    expect(body.locator("figure.body-embed")).to_have_count(2)
    _shot(page, "embeds-1280")

    saved = _save(page, article)
    assert f'<figure data-embed="{video}"><a href="{video}">{video}</a></figure>' in saved
    assert f'<figure data-embed="{chart}"><a href="{chart}">{chart}</a></figure>' in saved
    assert '<p><a href="https://example.org/a-story">https://example.org/a-story</a></p>' in saved
    assert page.problems == []
