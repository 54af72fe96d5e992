"""Editors' uploads are judged by their content: only real, whole, reasonably sized pictures."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from PIL import ImageDraw

from pictures.models import Image
from tests.factories import make_article, make_topic, picture_bytes, run_worker

pytestmark = pytest.mark.django_db

ADD = reverse("admin:pictures_image_add")


def _upload(client, name, data, **fields):
    return client.post(
        ADD,
        {
            "file": SimpleUploadedFile(name, data),
            "alt_text": "A test picture",
            "focal_x": 0.5,
            "focal_y": 0.5,
            **fields,
        },
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
    assert "This file is not a picture we can use" in page
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


def _png_header(width, height) -> bytes:
    """A PNG that claims huge dimensions in a few bytes: a decompression bomb's calling card."""
    import struct
    import zlib

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def test_decompression_bomb_is_refused_with_a_clear_message(editor_client):
    response = _upload(editor_client, "bomb.png", _png_header(40_000, 40_000))
    assert response.status_code == 200
    page = response.content.decode()
    assert "far too many pixels" in page or "40000 × 40000 pixels" in page
    assert not Image.objects.exists()


def _photo(size=(1600, 1000), fmt="JPEG", exif=None, dot=None):
    picture = PILImage.new("RGB", size, (40, 90, 160))
    if dot:
        x, y = dot
        ImageDraw.Draw(picture).ellipse([x - 12, y - 12, x + 12, y + 12], fill=(255, 0, 0))
    buffer = io.BytesIO()
    picture.save(buffer, fmt, **({"exif": exif} if exif else {}))
    return buffer.getvalue()


def _gps_exif(orientation=1):
    exif = PILImage.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "Camera maker"
    gps = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    exif[0x8825] = gps  # GPSInfo
    return exif


def _stored(name):
    with default_storage.open(name) as handle:
        return PILImage.open(io.BytesIO(handle.read()))


def _rows(image):
    rows = []
    for spec in ("full", "card"):
        for fmt in ("WEBP", "JPEG"):
            rows += [(spec, fmt, *row) for row in image.renditions[spec][fmt]]
    return [*rows, ("social", "JPEG", *image.renditions["social"])]


def test_renditions_have_the_promised_sizes_and_formats():
    image = make_image_from(_photo((1600, 1000)))
    full = image.renditions["full"]
    assert [row[0] for row in full["WEBP"]] == [320, 640, 960, 1280, 1600]
    assert [row[0] for row in full["JPEG"]] == [320, 640, 960, 1280, 1600]
    assert [row[0] for row in image.renditions["card"]["JPEG"]] == [320, 480, 640, 960]
    for spec, fmt, width, height, name, size in _rows(image):
        stored = _stored(name)
        assert default_storage.size(name) == size, "the index holds each file's true size"
        assert stored.format == fmt
        assert stored.size == (width, height)
        if spec == "full":
            assert abs(width / height - 1.6) < 0.01
        if spec == "card":
            assert abs(width / height - 1.5) < 0.01
    assert image.renditions["social"][:2] == [1200, 630]


def test_small_pictures_are_never_enlarged():
    image = make_image_from(_photo((500, 300)))
    assert [row[0] for row in image.renditions["full"]["JPEG"]] == [320, 500]


def test_focal_point_crop_keeps_the_focal_point_in_frame():
    # A red dot near the right edge; the crops must keep it.
    image = make_image_from(_photo((2000, 800), dot=(1900, 400)), focal_x=0.95, focal_y=0.5)
    for name in (image.renditions["card"]["JPEG"][-1][2], image.renditions["social"][2]):
        assert _has_red(_stored(name)), f"the focal point is cut off in {name}"
    centred = make_image_from(_photo((2000, 800), dot=(1900, 400)))
    assert not _has_red(_stored(centred.renditions["card"]["JPEG"][-1][2])), "control: centred"


def _has_red(picture) -> bool:
    data = picture.convert("RGB").tobytes()
    return any(
        data[i] > 200 and data[i + 1] < 80 and data[i + 2] < 80 for i in range(0, len(data), 3)
    )


def test_gps_and_other_exif_never_reach_readers():
    image = make_image_from(_photo(exif=_gps_exif()))
    with default_storage.open(image.file.name) as handle:
        original = PILImage.open(io.BytesIO(handle.read()))
        assert not original.getexif(), "the stored original is stripped too"
    for _spec, _fmt, _w, _h, name, _size in _rows(image):
        stored = _stored(name)
        assert not stored.getexif(), name
        assert "exif" not in stored.info, name


def test_exif_orientation_is_applied():
    # Stored landscape with "rotate 90°" in EXIF: readers get it upright, portrait.
    image = make_image_from(_photo((800, 400), exif=_gps_exif(orientation=6)))
    assert (image.width, image.height) == (400, 800)
    assert image.renditions["full"]["JPEG"][-1][:2] == [400, 800]


def test_renditions_are_made_once_and_replaced_when_the_picture_changes(monkeypatch):
    from pictures import models

    image = make_image_from(_photo((700, 500)))
    first = set(_names(image))
    calls = []
    real = models.make_renditions
    monkeypatch.setattr(models, "make_renditions", lambda i: calls.append(i) or real(i))
    image.caption = "A new caption"
    image.save()
    assert calls == [], "the same file and focal point are never processed twice"
    image.focal_x = 0.1
    image.save()
    assert len(calls) == 1
    second = set(_names(image))
    assert first.isdisjoint(second)
    assert not any(default_storage.exists(n) for n in first), "replaced renditions are removed"


def test_deleting_a_picture_removes_its_files(django_capture_on_commit_callbacks):
    image = make_image_from(_photo((700, 500)))
    names = [*_names(image), image.file.name]
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert not any(default_storage.exists(n) for n in names)


def _names(image):
    return [row[4] for row in _rows(image)]


def make_image_from(data, **fields):
    image = Image(**{"alt_text": "Test picture"} | fields)
    image.file.save("photo.jpg", ContentFile(data, name="photo.jpg"))
    return image


def test_pages_serve_responsive_pictures_with_dimensions(client):
    image = make_image_from(_photo((1600, 1000)))
    article = make_article(hero_image=image, is_featured=True)
    page = client.get(article.get_absolute_url()).content.decode()
    hero = page.split('class="hero"')[1].split("</figure>")[0]
    assert '<source type="image/webp" srcset="' in hero and " 1600w" in hero
    assert 'sizes="(min-width: 46rem) 43rem, calc(100vw - 2rem)"' in hero
    assert 'width="1600" height="1000"' in hero
    assert 'fetchpriority="high"' in hero and 'loading="lazy"' not in hero
    assert image.file.url not in page, "readers never get the original"
    social = image.renditions["social"][2]
    assert f'<meta property="og:image" content="http://testserver/media/{social}">' in page
    home = client.get("/").content.decode()
    assert "card-" in home and 'loading="lazy"' in home


def test_a_listings_first_picture_is_fetched_at_once_and_the_others_when_near(client):
    """The first teaser's picture, a listing's largest paint on a phone, is never lazy."""
    section = make_topic()
    older, newer = (
        make_article(topics=[section], hero_image=make_image_from(_photo((900, 600))))
        for _ in range(2)
    )
    for url in ("/latest/", section.get_absolute_url()):
        page = client.get(url).content.decode()
        first, second = page.split('class="teaser-picture"')[1:3]
        assert newer.get_absolute_url() in first and older.get_absolute_url() in second, url
        first, second = first.split("</picture>")[0], second.split("</picture>")[0]
        assert 'fetchpriority="high"' in first and 'loading="lazy"' not in first, url
        assert 'loading="lazy"' in second and "fetchpriority" not in second, url


def test_a_page_with_pictures_makes_no_more_queries_than_one_without(client, settings):
    settings.PAGE_CACHE_SECONDS = 0  # what the view itself costs
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plain = make_article()
    pictured = make_article(hero_image=make_image_from(_photo((900, 600))))
    client.get("/")  # the header and footer are read once per purge: read them first
    counts = []
    for article in (plain, pictured):
        with CaptureQueriesContext(connection) as queries:
            client.get(article.get_absolute_url())
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_an_index_made_before_sizes_were_kept_gains_them():
    """Upgrading: the migration gives every rendition its size, read once from the storage."""
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    migration = importlib.import_module("articles.migrations.0010_rendition_sizes")
    apps = MigrationLoader(connection).project_state(("articles", "0010_rendition_sizes")).apps
    image = make_image_from(_photo((700, 500)))
    current = image.renditions
    old = {
        "key": current["key"],
        "social": current["social"][:3],
        **{
            spec: {fmt: [row[:3] for row in rows] for fmt, rows in current[spec].items()}
            for spec in ("full", "card")
        },
    }
    Image.objects.filter(pk=image.pk).update(renditions=old)
    migration.add_sizes(apps, None)
    image.refresh_from_db()
    assert image.renditions == current


def test_an_upload_answers_at_once_and_pages_pick_up_renditions_when_made(editor_client, client):
    response = _upload(editor_client, "harbour.jpg", _photo((1600, 1000)))
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.renditions == {}, "made by a worker, not in the editor's request"
    notice = editor_client.get(response.url).content.decode()
    assert "until they are ready, pages show this picture as uploaded" in notice
    article = make_article(headline="Ferries return", hero_image=image)

    before = client.get(article.get_absolute_url()).content.decode()
    assert f'src="{image.file.url}"' in before, "the original, until renditions exist"
    assert 'width="1600" height="1000"' in before, "sized: nothing jumps when it loads"
    assert "/renditions/" not in before

    run_worker()
    image.refresh_from_db()
    assert image.renditions["full"]["WEBP"]
    after = client.get(article.get_absolute_url()).content.decode()  # the cached page was purged
    assert image.rendition("full", "WEBP")[-1][2] in after
    assert f'src="{image.file.url}"' not in after


def test_several_pictures_are_uploaded_at_once_and_their_words_asked_for_next(editor_client):
    upload = reverse("admin:pictures_image_bulk_upload")
    assert (
        "Upload several"
        in editor_client.get(reverse("admin:pictures_image_changelist")).content.decode()
    )
    make_image_from(_photo((400, 300)), alt_text="Already there")
    response = editor_client.post(
        upload,
        {
            "files": [
                SimpleUploadedFile("harbour-at-dawn.jpg", _photo((900, 600))),
                SimpleUploadedFile("quay_2.png", _photo((700, 500), fmt="PNG")),
            ]
        },
    )
    assert response.status_code == 302
    made = Image.objects.exclude(alt_text="Already there").order_by("pk")
    assert [image.alt_text for image in made] == ["harbour at dawn", "quay 2"]
    listing = editor_client.get(response.url).content.decode()
    assert "Write what each one shows in its alt text" in listing
    assert 'value="harbour at dawn"' in listing and "Already there" not in listing
    assert listing.count('name="form-') > 0, "the words are editable in the list"


def test_a_bad_file_among_several_is_named_and_the_good_ones_are_kept(editor_client):
    response = editor_client.post(
        reverse("admin:pictures_image_bulk_upload"),
        {
            "files": [
                SimpleUploadedFile("good.jpg", _photo((900, 600))),
                SimpleUploadedFile("notes.jpg", b"this is not a picture"),
            ]
        },
    )
    assert response.status_code == 302, "on to the ones added, to write their alt text"
    page = editor_client.get(response.url).content.decode()
    assert "Not added: notes.jpg." in page and "not a picture we can use" in page
    assert 'value="good"' in page
    assert list(Image.objects.values_list("alt_text", flat=True)) == ["good"]


def test_when_no_file_among_several_is_a_picture_each_is_named_and_the_form_kept(editor_client):
    response = editor_client.post(
        reverse("admin:pictures_image_bulk_upload"),
        {"files": [SimpleUploadedFile("notes.jpg", b"this is not a picture")]},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "notes.jpg" in page and "not a picture we can use" in page
    assert not Image.objects.exists()


def test_uploading_several_needs_the_permission_to_add_pictures(client, moderator):
    client.force_login(moderator)
    response = client.post(
        reverse("admin:pictures_image_bulk_upload"),
        {"files": [SimpleUploadedFile("good.jpg", _photo((900, 600)))]},
    )
    assert response.status_code in (302, 403)
    assert not Image.objects.exists()
