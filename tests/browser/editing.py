"""What the body editor's browser tests share: the form opened as a signed-in editor, its
toolbar, saving it, pictures for the library, and screenshots to look at."""

import tempfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from pictures.models import Image
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import picture_bytes

WIDTHS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
SHOTS = Path(tempfile.gettempdir()) / "h2-shots"


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png")


def library_picture(colour, **words) -> Image:
    image = Image(**words)
    image.file.save("photo.jpg", ContentFile(picture_bytes(size=(1200, 800), colour=colour)))
    return image


def open_form(page, site_url, user, article):
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": site_url}])
    page.goto(site_url + reverse("admin:articles_article_change", args=[article.pk]))
    body = page.locator(".ProseMirror[contenteditable=true]").first
    expect(body).to_be_visible()
    return body


def caret_at_end(page, body):
    """The caret after the body's last words, in the editor: clicked, then moved to the end,
    and waited for (a key pressed before the editor has the caret goes astray)."""
    body.locator("p").last.click()
    expect(body).to_be_focused()
    page.keyboard.press("Control+End")
    page.wait_for_function(
        """(element) => {
            const selection = getSelection();
            if (!selection.rangeCount || !element.contains(selection.anchorNode)) return false;
            const rest = document.createRange();
            rest.selectNodeContents(element);
            rest.setStart(selection.anchorNode, selection.anchorOffset);
            return rest.toString() === "";
        }""",
        arg=body.element_handle(),
    )


def toolbar_button(page, name):
    return page.locator(".prose-menubar").first.get_by_role("button", name=name, exact=True)


def picture_chooser(page):
    """The chooser, opened from the toolbar's Picture button."""
    toolbar_button(page, "Picture").click()
    return page.get_by_role("dialog", name="Choose a picture")


def save_form(page, article):
    page.locator(".desk-actions").get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    article.refresh_from_db()
    return article.body
