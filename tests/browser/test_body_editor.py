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

from articles.models import Image
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import make_article, picture_bytes

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
