"""The body editor's picture chooser: the library searched by its words, page by page, and
pictures uploaded in place with their alt text, checked as every upload is; staff only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pictures.chooser import NO_ALT_TEXT, PER_PAGE
from pictures.models import Image
from pictures.renditions import NOT_AN_IMAGE
from tests.factories import make_image, picture_bytes

pytestmark = pytest.mark.django_db

CHOOSER = "admin:pictures_image_chooser"
UPLOAD = "admin:pictures_image_chooser_upload"


def _chosen(client, **query):
    response = client.get(reverse(CHOOSER), query)
    assert response.status_code == 200
    return response.json()


def test_search_finds_pictures_by_caption_and_by_credit(editor_client):
    harbour = make_image(alt_text="Boats", caption="The harbour at dawn", credit="Jane Doe/AP")
    make_image(alt_text="A field", caption="Wheat in June", credit="Sam Roe")

    by_caption = _chosen(editor_client, q="harbour dawn")["results"]
    by_credit = _chosen(editor_client, q="doe/ap")["results"]

    assert [r["id"] for r in by_caption] == [harbour.pk] == [r["id"] for r in by_credit]
    shown = by_caption[0]
    assert shown | {"src": "", "thumbnail": ""} == {
        "id": harbour.pk,
        "alt": "Boats",
        "caption": "The harbour at dawn",
        "credit": "Jane Doe/AP",
        "src": "",
        "thumbnail": "",
        "width": shown["width"],
        "height": shown["height"],
    }
    assert shown["src"].startswith("/media/") and shown["thumbnail"].startswith("/media/")


def test_results_come_a_page_at_a_time(editor_client):
    for n in range(PER_PAGE + 2):
        make_image(alt_text=f"Picture {n}")

    first = _chosen(editor_client)
    second = _chosen(editor_client, page=2)
    beyond = _chosen(editor_client, page=99)

    assert (first["page"], first["pages"], len(first["results"])) == (1, 2, PER_PAGE)
    assert (second["page"], len(second["results"])) == (2, 2)
    assert beyond["page"] == 2, "a page past the end shows the last"
    assert first["results"][0]["alt"] == f"Picture {PER_PAGE + 1}", "newest first"


def test_only_staff_may_use_the_chooser(client, django_user_model):
    make_image()
    assert client.get(reverse(CHOOSER)).status_code == 302
    reader = django_user_model.objects.create_user("rita", "rita@example.org", "a-long-password")
    client.force_login(reader)
    assert client.get(reverse(CHOOSER)).status_code == 302
    assert Image.objects.count() == 1


def _upload(client, content: bytes, alt_text: str, name: str = "harbour.jpg"):
    return client.post(
        reverse(UPLOAD), {"file": SimpleUploadedFile(name, content), "alt_text": alt_text}
    )


def test_an_upload_with_alt_text_joins_the_library(writer_client):
    response = _upload(writer_client, picture_bytes(size=(800, 600)), "Boats in the harbour")

    assert response.status_code == 201
    image = Image.objects.get()
    assert image.alt_text == "Boats in the harbour"
    assert response.json() | {"src": "", "thumbnail": ""} == {
        "id": image.pk,
        "alt": "Boats in the harbour",
        "caption": "",
        "credit": "",
        "src": "",
        "thumbnail": "",
        "width": response.json()["width"],
        "height": response.json()["height"],
    }
    assert response.json()["src"].startswith("/media/")


def test_a_file_that_is_not_a_picture_is_refused_in_plain_words(editor_client):
    response = _upload(editor_client, b"%PDF-1.4 not a picture", "A report", name="report.jpg")

    assert response.status_code == 400
    assert response.json() == {"error": NOT_AN_IMAGE}
    assert not Image.objects.exists()


def test_a_picture_without_alt_text_is_refused(editor_client):
    response = _upload(editor_client, picture_bytes(), "  ")

    assert response.status_code == 400
    assert response.json() == {"error": NO_ALT_TEXT}
    assert not Image.objects.exists()


def test_uploading_needs_the_permission_to_add_pictures(client, django_user_model):
    staff = django_user_model.objects.create_user(
        "stan", "stan@example.org", "a-long-test-password", is_staff=True
    )
    client.force_login(staff)

    response = _upload(client, picture_bytes(), "Boats")

    assert response.status_code == 403
    assert response.json() == {"error": "You may not add pictures to the library."}
    assert not Image.objects.exists()
