"""The picture library in Chromium, as an editor uses it: the focal point set by a click (or a
tap) and by the arrow keys, saved, and the crops following it; a used picture's refusal to be
deleted."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image as PILImage
from PIL import ImageDraw

from pictures.models import Image
from tests.browser.conftest import DESKTOP, PHONE, screenshot, signed_in
from tests.factories import make_article, run_worker

WIDTHS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]


def _wide_picture_with_a_dot_at_the_right() -> Image:
    picture = PILImage.new("RGB", (2000, 800), (40, 90, 160))
    ImageDraw.Draw(picture).ellipse([1870, 370, 1930, 430], fill=(255, 0, 0))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG")
    image = Image(alt_text="A harbour with a red buoy at the right")
    image.file.save("buoy.jpg", ContentFile(buffer.getvalue(), name="buoy.jpg"))
    return image


def _card_has_red(image: Image) -> bool:
    from django.core.files.storage import default_storage

    image.refresh_from_db()
    with default_storage.open(image.renditions["card"]["JPEG"][-1][2]) as handle:
        data = PILImage.open(io.BytesIO(handle.read())).convert("RGB").tobytes()
    return any(
        data[i] > 200 and data[i + 1] < 80 and data[i + 2] < 80 for i in range(0, len(data), 3)
    )


@pytest.mark.parametrize("viewport", WIDTHS)
def test_the_focal_point_is_set_by_a_click_and_the_crops_follow_it(
    site_url, page_at, editor, viewport
):
    image = _wide_picture_with_a_dot_at_the_right()
    assert not _card_has_red(image), "centred, the 3:2 crop leaves the buoy out"
    page = page_at(viewport)
    signed_in(page, site_url, editor)
    page.goto(site_url + reverse("admin:pictures_image_change", args=[image.pk]))
    frame = page.locator(".focal-frame")
    marker = page.locator(".focal-marker")
    assert marker.is_visible(), "the point is shown where it is"
    box = frame.locator("img").bounding_box()
    # The buoy: 95 % across, half-way down.
    frame.click(position={"x": box["width"] * 0.95, "y": box["height"] * 0.5})
    assert abs(float(page.locator("#id_focal_x").input_value()) - 0.95) < 0.02
    assert abs(float(page.locator("#id_focal_y").input_value()) - 0.5) < 0.02
    marker_box = marker.bounding_box()
    assert abs(marker_box["x"] + marker_box["width"] / 2 - (box["x"] + box["width"] * 0.95)) < 4
    screenshot(page, f"focal-point-{viewport['width']}")
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state()
    run_worker()
    assert _card_has_red(image), "the crop now keeps the buoy"


def test_the_focal_point_moves_with_the_arrow_keys(site_url, page_at, editor):
    image = _wide_picture_with_a_dot_at_the_right()
    page = page_at(DESKTOP)
    signed_in(page, site_url, editor)
    page.goto(site_url + reverse("admin:pictures_image_change", args=[image.pk]))
    frame = page.locator(".focal-frame")
    frame.focus()
    assert frame.get_attribute("aria-valuetext") == "50% across, 50% down"
    for _ in range(4):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowUp")
    assert page.locator("#id_focal_x").input_value() == "0.940"
    assert page.locator("#id_focal_y").input_value() == "0.480"
    assert frame.get_attribute("aria-valuetext") == "94% across, 48% down"
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state()
    run_worker()
    image.refresh_from_db()
    assert (image.focal_x, image.focal_y) == (0.94, 0.48)
    assert _card_has_red(image)


@pytest.mark.parametrize("viewport", WIDTHS)
def test_deleting_a_used_picture_is_refused_naming_the_story(site_url, page_at, editor, viewport):
    image = _wide_picture_with_a_dot_at_the_right()
    make_article(headline="Buoys return to the harbour", hero_image=image)
    page = page_at(viewport)
    signed_in(page, site_url, editor)
    page.goto(site_url + reverse("admin:pictures_image_change", args=[image.pk]))
    assert "Lead picture: Buoys return to the harbour" in page.locator(".picture-uses").inner_text()
    page.get_by_role("link", name="Delete").click()
    alert = page.get_by_role("alert")
    assert "This picture is still in use" in alert.inner_text()
    assert "Buoys return to the harbour" in alert.inner_text()
    assert page.locator("input[type=submit]").count() == 0, "no button to delete it anyway"
    screenshot(page, f"picture-delete-refused-{viewport['width']}")
    assert Image.objects.filter(pk=image.pk).exists()


def test_the_focal_point_is_set_by_a_tap_on_a_phone(site_url, chromium, editor):
    image = _wide_picture_with_a_dot_at_the_right()
    context = chromium.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    signed_in(page, site_url, editor)
    page.goto(site_url + reverse("admin:pictures_image_change", args=[image.pk]))
    frame = page.locator(".focal-frame")
    frame.scroll_into_view_if_needed()
    box = frame.locator("img").bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] * 0.95, box["y"] + box["height"] * 0.5)
    assert abs(float(page.locator("#id_focal_x").input_value()) - 0.95) < 0.02
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state()
    context.close()
    run_worker()
    assert _card_has_red(image), "the crop now keeps the buoy"
