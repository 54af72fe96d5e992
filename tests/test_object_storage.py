"""Pictures in S3-compatible object storage (MEDIA_STORAGE=s3), against a real S3 server the
test starts on 127.0.0.1 (moto's server mode): uploads, renditions and deletions go to the
bucket, pages and feeds point readers at it, and a reader's request never asks it anything."""

import json
import logging
import socket
import urllib.request

import boto3
import environ
import feedparser
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from moto.server import ThreadedMotoServer

from newsroom import media_storage
from pictures.models import Image
from tests.factories import make_article, picture_bytes, run_worker
from tests.test_images import _upload
from tests.test_settings import _manage, assert_refused

pytestmark = pytest.mark.django_db

BUCKET = "newsroom-pictures"
PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/*",
        }
    ],
}
KEYS = {"S3_ACCESS_KEY_ID": "test-access-key", "S3_SECRET_ACCESS_KEY": "test-secret-key"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3_server():
    port = _free_port()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    # The server keeps its buckets in this process, from one test to the next: start empty.
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"))  # noqa: S310
    yield endpoint, server
    server.stop()


@pytest.fixture
def bucket(s3_server, settings, monkeypatch):
    """The site's media in a fresh bucket, configured as an operator would: by environment."""
    endpoint, server = s3_server
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["S3_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=BUCKET)
    # Readers fetch pictures without credentials: the bucket's policy lets anyone read.
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_READ))
    for name, value in {"S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": endpoint, **KEYS}.items():
        monkeypatch.setenv(name, value)
    storage, media_url = media_storage.s3(environ.Env())
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    settings.MEDIA_URL = media_url
    client.server = server
    return client


def _keys(client) -> set[str]:
    listing = client.list_objects_v2(Bucket=BUCKET)
    return {item["Key"] for item in listing.get("Contents", [])}


def _fetch(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - 127.0.0.1 only
        return response.status, response.headers["Content-Type"], response.read()


def test_an_upload_and_its_renditions_are_stored_in_the_bucket(bucket, editor_client):
    response = _upload(editor_client, "harbour.jpg", picture_bytes(size=(1600, 1000)))
    assert response.status_code == 302, "the admin took the upload"
    run_worker()
    image = Image.objects.get()
    keys = _keys(bucket)
    assert image.file.name in keys, "the original is in the bucket"
    names = {row[2] for rows in image.renditions["full"].values() for row in rows}
    assert names and names <= keys, "every rendition is in the bucket"
    assert image.renditions["social"][2] in keys
    assert not default_storage.exists("nothing/here.jpg")


def test_pages_and_feeds_send_readers_to_the_bucket(bucket, client):
    image = Image(alt_text="The harbour at dawn")
    image.file.save(
        "harbour.jpg", ContentFile(picture_bytes(size=(1600, 1000)), name="harbour.jpg")
    )
    article = make_article(headline="Ferries return", hero_image=image)
    page = client.get(article.get_absolute_url()).content.decode()
    endpoint = bucket.meta.endpoint_url
    webp = image.rendition("full", "WEBP")[-1][2]
    assert webp.startswith(f"{endpoint}/{BUCKET}/renditions/")
    assert f'srcset="{webp}' in page or f"{webp} " in page
    status, content_type, data = _fetch(webp)
    assert (status, content_type) == (200, "image/webp") and data[8:12] == b"WEBP"
    head = bucket.head_object(Bucket=BUCKET, Key=image.renditions["social"][2])
    assert head["CacheControl"] == "public, max-age=31536000, immutable"

    feed = feedparser.parse(client.get(reverse("articles:feed")).content)
    (enclosure,) = [link for link in feed.entries[0].links if link.rel == "enclosure"]
    assert enclosure.href == image.social_url
    assert enclosure.length == str(head["ContentLength"]), "the file's true size"


def test_a_readers_request_never_asks_the_storage(bucket, client):
    image = Image(alt_text="The harbour at dawn")
    image.file.save(
        "harbour.jpg", ContentFile(picture_bytes(size=(1600, 1000)), name="harbour.jpg")
    )
    article = make_article(headline="Ferries return", hero_image=image)
    bucket.server.stop()  # the storage is gone: pages and feeds are made without it
    try:
        page = client.get(article.get_absolute_url())
        feed = client.get(reverse("articles:feed"))
        home = client.get("/")
    finally:
        bucket.server.start()
    assert page.status_code == feed.status_code == home.status_code == 200
    assert image.rendition("card", "JPEG")[0][2] in home.content.decode()
    assert image.social_url.encode() in feed.content


def test_deleting_a_picture_empties_the_bucket_of_it(
    bucket, editor_client, django_capture_on_commit_callbacks
):
    _upload(editor_client, "harbour.jpg", picture_bytes(size=(900, 600)))
    run_worker()
    image = Image.objects.get()
    assert len(_keys(bucket)) > 10
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:pictures_image_delete", args=[image.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert _keys(bucket) == set()


def test_the_content_security_policy_allows_the_public_address():
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.MEDIA_URL, *s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])",
        DEBUG="true",
        MEDIA_STORAGE="s3",
        S3_BUCKET=BUCKET,
        S3_REGION="eu-west-1",
        S3_PUBLIC_URL="https://pictures.example-cdn.net/newsroom/",
    )
    assert result.returncode == 0, result.stderr
    words = result.stdout.strip().splitlines()[-1].split()
    assert words[0] == "https://pictures.example-cdn.net/newsroom/"
    assert "https://pictures.example-cdn.net" in words[1:]


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"MEDIA_STORAGE": "disk"}, "MEDIA_STORAGE must be files or s3, not 'disk'"),
        ({"MEDIA_STORAGE": "s3"}, "MEDIA_STORAGE=s3 needs S3_BUCKET"),
        ({"MEDIA_STORAGE": "s3", "S3_BUCKET": "Pictures!"}, "got 'Pictures!'"),
        (
            {"MEDIA_STORAGE": "s3", "S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": "minio:9000"},
            "S3_ENDPOINT_URL must be an http:// or https:// address",
        ),
        (
            {
                "MEDIA_STORAGE": "s3",
                "S3_BUCKET": BUCKET,
                "S3_REGION": "eu-west-1",
                "S3_ACCESS_KEY_ID": "only-the-id",
            },
            "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together",
        ),
        ({"MEDIA_STORAGE": "s3", "S3_BUCKET": BUCKET}, "needs S3_PUBLIC_URL"),
    ],
)
def test_a_wrong_storage_setting_stops_the_site_naming_it(environment, message):
    assert_refused(message, **environment)
