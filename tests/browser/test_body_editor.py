"""The body editor's pictures in Chromium, as an editor uses them: chosen from the library
(by pointer or keyboard, page by page) or uploaded in place with their alt text, given words for
this story, and left with Enter; what is saved is the stored format readers' pages are made
from. The other blocks are in test_body_blocks.py."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from pictures.chooser import PER_PAGE
from pictures.models import Image
from tests.browser.conftest import DESKTOP, PHONE, serious_axe_violations
from tests.browser.editing import (
    WIDTHS,
    caret_at_end,
    library_picture,
    open_form,
    picture_chooser,
    save_form,
    shot,
    toolbar_button,
)
from tests.factories import make_article, make_image, picture_bytes


@pytest.mark.parametrize("viewport", WIDTHS)
def test_a_picture_is_chosen_from_the_library_and_captioned_for_this_story(
    site_url, page_at, editor, viewport
):
    library_picture(
        (200, 170, 40), alt_text="A field of wheat", caption="Wheat in June", credit="Sam Roe"
    )
    boats = library_picture(
        (30, 80, 160), alt_text="Boats", caption="The harbour at dawn", credit="Jane Doe/AP"
    )
    article = make_article(status="draft", body="<p>First words.</p>")
    page = page_at(viewport)
    body = open_form(page, site_url, editor, article)
    caret_at_end(page, body)

    button = toolbar_button(page, "Picture")
    if viewport["width"] < 640:  # big enough for a finger on a phone
        box = button.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, box
    button.click()
    chooser = page.get_by_role("dialog", name="Choose a picture")
    expect(chooser).to_be_visible()
    expect(chooser.locator(".picture-chooser__choice")).to_have_count(2)
    chooser.get_by_label("Search the library").fill("harbour")
    chooser.get_by_role("button", name="Search").click()
    expect(chooser.locator(".picture-chooser__choice")).to_have_count(1)
    shot(page, f"chooser-{viewport['width']}")
    assert serious_axe_violations(page) == []
    chooser.get_by_role("button", name=re.compile("Boats")).click()
    expect(chooser).to_be_hidden()
    page.keyboard.type("Next sentence.")  # goes on after the picture, never over it

    figure = body.locator("figure.body-picture")
    expect(figure).to_contain_text("The harbour at dawn")
    figure.get_by_role("button", name="Edit picture: Boats").click()
    dialog = page.locator("dialog.prose-editor-dialog")
    dialog.get_by_label("Caption, for this story").fill("Boats waiting out the storm")
    dialog.get_by_role("button", name="Save").click()
    expect(figure).to_contain_text("Boats waiting out the storm")
    shot(page, f"picture-{viewport['width']}")

    saved = save_form(page, article)
    assert re.search(
        rf'<figure data-picture="{boats.pk}" data-align="text"><img src="/media/[^"]+" '
        r'alt="Boats" width="\d+" height="\d+"><figcaption>Boats waiting out the storm'
        r"<small>Jane Doe/AP</small></figcaption></figure><p>Next sentence.</p>",
        saved,
    ), saved
    boats.refresh_from_db()
    assert boats.caption == "The harbour at dawn", "the library keeps its own caption"
    assert page.problems == []


@pytest.mark.parametrize("viewport", WIDTHS)
def test_pictures_are_uploaded_in_place_with_their_alt_text(site_url, page_at, editor, viewport):
    article = make_article(status="draft", body="<p>First words.</p>")
    page = page_at(viewport)
    body = open_form(page, site_url, editor, article)
    caret_at_end(page, body)
    chooser = picture_chooser(page)
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
    shot(page, f"uploads-{viewport['width']}")
    assert serious_axe_violations(page) == []

    chooser.locator(".picture-chooser__queue").get_by_role(
        "button", name=re.compile("Gulls over the harbour")
    ).click()
    expect(body.locator("figure.body-picture img")).to_have_attribute(
        "alt", "Gulls over the harbour"
    )
    gulls = Image.objects.get(alt_text="Gulls over the harbour")
    saved = save_form(page, article)
    assert f'<figure data-picture="{gulls.pk}" data-align="text"><img src="/media/' in saved
    assert 'alt="Gulls over the harbour"' in saved
    refused = "400: " + site_url + reverse("admin:pictures_image_chooser_upload")
    assert [p for p in page.problems if "status of 400" not in p] == [refused]


def _jpeg(colour) -> bytes:
    return picture_bytes(size=(900, 600), colour=colour)


def test_enter_after_a_picture_starts_a_paragraph_below_it(site_url, page_at, editor):
    boats = library_picture((30, 80, 160), alt_text="Boats", caption="The harbour", credit="AP")
    width, height, src = boats.for_editors
    article = make_article(
        status="draft",
        body=f'<p>Before.</p><figure data-picture="{boats.pk}" data-align="wide">'
        f'<img src="{src}" alt="Boats" width="{width}" height="{height}">'
        "<figcaption>The harbour<small>AP</small></figcaption></figure>",
    )
    page = page_at(DESKTOP)
    body = open_form(page, site_url, editor, article)
    body.locator("figure.body-picture img").click()
    expect(body.locator("figure.body-picture")).to_have_class(
        re.compile("ProseMirror-selectednode")
    )
    page.keyboard.press("Enter")
    page.keyboard.type("After the picture.")
    expect(body.locator("figure.body-picture figcaption")).to_have_text("The harbourAP")

    saved = save_form(page, article)
    assert saved.endswith(
        f'<figure data-picture="{boats.pk}" data-align="wide"><img src="{src}" alt="Boats" '
        f'width="{width}" height="{height}"><figcaption>The harbour<small>AP</small></figcaption>'
        "</figure><p>After the picture.</p>"
    ), saved


def test_the_chooser_works_from_the_keyboard(site_url, page_at, editor):
    library_picture((200, 170, 40), alt_text="A field of wheat", caption="Wheat in June")
    wheat = Image.objects.get()
    article = make_article(status="draft", body="<p>First words.</p>")
    page = page_at(DESKTOP)
    body = open_form(page, site_url, editor, article)
    caret_at_end(page, body)
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
    # The caret is after the picture, not on it: typing goes on below, the picture stays.
    page.keyboard.type("Harvest began.")

    saved = save_form(page, article)
    assert f'<figure data-picture="{wheat.pk}" data-align="text">' in saved
    assert "</figure><p>Harvest began.</p>" in saved
    assert "<p>/</p>" not in saved and "<p></p>" not in saved


def test_the_chooser_pages_through_the_library(site_url, page_at, editor):
    for n in range(PER_PAGE + 1):
        make_image(alt_text=f"Picture number {n}")
    article = make_article(status="draft", body="<p>First words.</p>")
    page = page_at(PHONE)
    body = open_form(page, site_url, editor, article)
    body.click()
    chooser = picture_chooser(page)
    pages = chooser.get_by_role("navigation", name="Pages of pictures")
    expect(pages).to_contain_text("Page 1 of 2")
    expect(chooser.locator(".picture-chooser__choice")).to_have_count(PER_PAGE)
    expect(pages.get_by_role("button", name="Previous")).to_be_disabled()
    pages.get_by_role("button", name="Next").click()
    expect(pages).to_contain_text("Page 2 of 2")
    expect(chooser.locator(".picture-chooser__choice")).to_have_count(1)
    expect(chooser.get_by_role("button", name=re.compile("Picture number 0"))).to_be_visible()
    shot(page, "chooser-page-2-390")
    pages.get_by_role("button", name="Previous").click()
    expect(pages).to_contain_text("Page 1 of 2")


def test_a_picture_dropped_on_the_chooser_is_uploaded_with_its_alt_text(site_url, page_at, editor):
    article = make_article(status="draft", body="<p>First words.</p>")
    page = page_at(DESKTOP)
    body = open_form(page, site_url, editor, article)
    body.click()
    chooser = picture_chooser(page)
    chooser.locator(".picture-chooser__drop").evaluate(
        """async (zone) => {
            const canvas = Object.assign(document.createElement("canvas"), {width: 300, height: 200});
            const context = canvas.getContext("2d");
            context.fillStyle = "#2a6";
            context.fillRect(0, 0, 300, 200);
            const blob = await new Promise((done) => canvas.toBlob(done, "image/png"));
            const data = new DataTransfer();
            data.items.add(new File([blob], "meadow.png", {type: "image/png"}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true,
                cancelable: true}));
        }"""
    )
    alt = chooser.get_by_label("Alt text for meadow.png (required)")
    expect(alt).to_be_focused()
    alt.fill("A green meadow")
    alt.press("Enter")
    expect(chooser.get_by_text("meadow.png: uploaded")).to_be_visible()
    assert Image.objects.get().alt_text == "A green meadow"
