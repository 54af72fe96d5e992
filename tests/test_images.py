"""Editors' uploads are judged by their content: only real, whole, reasonably sized pictures."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Image
from tests.factories import picture_bytes

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_image_add")


def _upload(client, name, data, **fields):
    return client.post(
        ADD, {"file": SimpleUploadedFile(name, data), "alt_text": "A test picture", **fields}
    )


@pytest.mark.parametrize(
    "fmt,name", [("JPEG", "a.jpg"), ("PNG", "a.png"), ("WEBP", "a.webp"), ("GIF", "a.gif")]
)
def test_real_pictures_are_accepted_with_their_dimensions(editor_client, fmt, name):
    response = _upload(editor_client, name, picture_bytes(fmt, size=(80, 60)))
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (80, 60)


def test_text_file_named_jpg_is_refused_and_nothing_is_stored(editor_client):
    response = _upload(editor_client, "notes.jpg", b"just some words, not a picture")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Upload a valid image" in page
    assert 'value="A test picture"' in page, "the alt text typed is kept"
    assert not Image.objects.exists()


def test_truncated_jpeg_is_refused(editor_client):
    data = picture_bytes("JPEG", size=(400, 300))
    response = _upload(editor_client, "cut.jpg", data[: len(data) // 2])
    assert response.status_code == 200
    assert not Image.objects.exists()


def test_bitmap_in_a_format_we_do_not_serve_is_refused(editor_client):
    response = _upload(editor_client, "old.bmp", picture_bytes("BMP"))
    assert response.status_code == 200
    assert "upload a JPEG, PNG, WebP or GIF file" in response.content.decode()
    assert not Image.objects.exists()


def test_oversized_file_is_refused_with_the_limit_named(editor_client, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 1000
    response = _upload(
        editor_client, "big.png", picture_bytes("PNG", size=(300, 300)) + b"\0" * 2000
    )
    assert response.status_code == 200
    assert "pictures may be at most 1000" in response.content.decode()
    assert not Image.objects.exists()


def test_too_many_pixels_is_refused(editor_client, settings):
    settings.IMAGE_MAX_PIXELS = 100 * 100
    response = _upload(editor_client, "wide.png", picture_bytes("PNG", size=(200, 200)))
    assert response.status_code == 200
    assert "200 × 200 pixels" in response.content.decode()
    assert not Image.objects.exists()


def test_alt_text_is_required(editor_client):
    response = editor_client.post(ADD, {"file": SimpleUploadedFile("a.png", picture_bytes("PNG"))})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Image.objects.exists()
