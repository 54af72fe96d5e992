"""Moving a WordPress newsroom in, when something is wrong or only tried: a dry run, missing
pictures, a batch that fails, a bad file, a picture path that tries to leave its folder."""

import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError

from articles.models import Article, Author, Topic
from pictures.models import Image
from tests.factories import make_topic
from tests.wordpress_export import EXPORT, counts, row, run

pytestmark = pytest.mark.django_db


def test_a_dry_run_reports_and_writes_nothing(uploads, settings):
    media = Path(settings.MEDIA_ROOT)
    files_before = sorted(media.rglob("*")) if media.exists() else []
    summary = run(EXPORT, "--uploads", uploads, "--dry-run")
    assert "Would import from https://old.example.org" in summary
    assert row(summary, "articles") == [7, 0, 0, 3]
    assert row(summary, "pictures") == [1, 0, 0, 2]
    assert "Dry run: nothing was written." in summary
    assert all(n == 0 for n in counts().values())
    assert (sorted(media.rglob("*")) if media.exists() else []) == files_before


def test_without_the_uploads_folder_pictures_are_reported_and_posts_still_come(client):
    summary = run(EXPORT)
    assert row(summary, "pictures") == [0, 0, 0, 3]
    assert "no uploads folder given (--uploads)" in summary
    storm = Article.objects.get(slug="storm-closes-harbour")
    assert storm.hero_image is None and "<img" not in storm.body
    assert "The harbour at dawn, before the storm." in storm.body, "the caption stays as text"


def test_an_existing_topic_of_the_same_slug_is_joined_not_duplicated(uploads):
    weather = make_topic(name="Tides and weather", slug="tides-and-weather")
    run(EXPORT, "--uploads", uploads)
    assert Topic.objects.filter(slug="tides-and-weather").count() == 1
    weather.refresh_from_db()
    assert weather.name == "Tides and weather", "the newsroom's own topic is left as it is"
    assert Article.objects.get(slug="summer-forecast").primary_topic == weather


def test_a_batch_that_fails_is_undone_with_its_picture_files(uploads, monkeypatch, settings):
    """The import commits a batch at a time (tests/test_wordpress_batches.py): a batch that
    fails leaves nothing of its own, not even the picture files it had copied."""
    from wordpress.importer import Importer

    real = Importer.import_picture

    def fail_after_the_first_picture(self, item, exists):
        if item.wp_id == 21:
            raise RuntimeError("the database went away")
        return real(self, item, exists)

    media = Path(settings.MEDIA_ROOT)
    files_before = {p for p in media.rglob("*") if p.is_file()}
    monkeypatch.setattr(Importer, "import_picture", fail_after_the_first_picture)
    with pytest.raises(RuntimeError):
        run(EXPORT, "--uploads", uploads)
    assert Image.objects.count() == 0 and Article.objects.count() == 0
    assert {p for p in media.rglob("*") if p.is_file()} == files_before, "no picture file left"
    assert Author.objects.count() == 2, "the batch before it stays"
    monkeypatch.setattr(Importer, "import_picture", real)
    again = run(EXPORT, "--uploads", uploads)
    assert row(again, "authors") == [0, 0, 2, 0]
    assert row(again, "pictures") == [1, 0, 0, 2]
    assert row(again, "articles") == [7, 0, 0, 3]


BAD = {
    "truncated": (lambda text: text[: len(text) // 2], "not well-formed XML"),
    "not an export": (
        lambda text: (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>'
            "<item><title>x</title></item></channel></rss>"
        ),
        "not a WordPress export",
    ),
    "not rss": (lambda text: "<html><body>Hello</body></html>", "not a WordPress export"),
    "version": (
        lambda text: text.replace("<wp:wxr_version>1.2<", "<wp:wxr_version>2.0<"),
        "WXR version 2.0 is not supported",
    ),
    "billion laughs": (
        lambda text: (
            '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "aaaaaaaaaa">\n'
            + "".join(
                f'<!ENTITY {n} "{("&" + p + ";") * 10}">\n'
                for p, n in zip("abcdefgh", "bcdefghi", strict=True)
            )
            + "]>\n"
            + text.split("?>", 1)[1].replace("News from the coast", "&i;")
        ),
        "declares a DTD",
    ),
    "external entity": (
        lambda text: (
            '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            + text.split("?>", 1)[1].replace("News from the coast", "&x;")
        ),
        "declares a DTD",
    ),
    "bad number": (
        lambda text: text.replace("<wp:post_id>11</wp:post_id>", "<wp:post_id>eleven</wp:post_id>"),
        "wp:post_id is “eleven”, not a number",
    ),
    "empty": (lambda text: "", "not well-formed XML"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_files_get_a_one_line_error_and_write_nothing(tmp_path, uploads, case):
    spoil, message = BAD[case]
    path = tmp_path / "export.xml"
    path.write_text(spoil(EXPORT.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run(path, "--uploads", uploads)
    text = str(error.value)
    assert message in text and "\n" not in text
    assert text.startswith(str(path))
    assert all(n == 0 for n in counts().values())


def test_a_missing_file_or_folder_is_named(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "nowhere.xml")
    with pytest.raises(CommandError, match=r"--uploads .* no such folder"):
        run(EXPORT, "--uploads", tmp_path / "nowhere")


def test_a_picture_path_cannot_leave_the_uploads_folder(tmp_path, uploads):
    secret = tmp_path / "secret.jpg"
    shutil.copy(uploads / "2024/03/harbour.jpg", secret)
    text = EXPORT.read_text(encoding="utf-8").replace(
        "wp-content/uploads/2024/03/missing.jpg", "wp-content/uploads/../secret.jpg"
    )
    (tmp_path / "export.xml").write_text(text, encoding="utf-8")
    summary = run(tmp_path / "export.xml", "--uploads", uploads)
    assert "its address leads outside the uploads folder" in summary
    assert Image.objects.count() == 1
