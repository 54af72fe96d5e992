"""A cache folder that is full or read-only, or a Redis that does not answer: readers, staff
and repliers are served uncached, the log says why, and /healthz names the cache as degraded
while answering 200 (the site serves)."""

import contextlib
import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Reply
from newsroom.pagecache import backends as cache_backends
from newsroom.pagecache import sequence
from newsroom.pagecache.backends import ResilientFileBasedCache
from tests.factories import make_article, make_reply, reply_data, run_worker

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-correct-password-42"


@pytest.fixture(autouse=True)
def warnings_anew():
    """Each test sees the first warning of its own fault (they come at most every 10 s)."""
    cache_backends._last_warning.clear()


def _folder_cache(location: Path, **options) -> dict:
    return {
        "default": {
            "BACKEND": "newsroom.pagecache.backends.ResilientFileBasedCache",
            "LOCATION": str(location),
            "OPTIONS": options,
        }
    }


def _mount(*options: str, folder: Path) -> None:
    mount = shutil.which("mount")
    subprocess.run(
        [mount, "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(folder)], check=True
    )


def _unmount(folder: Path) -> None:
    subprocess.run([shutil.which("umount"), str(folder)], check=True)


@pytest.fixture
def read_only_folder(tmp_path, settings):
    folder = tmp_path / "pages"
    folder.mkdir()
    if os.geteuid() == 0:  # root writes through permissions: a read-only mount instead
        _mount("ro", "size=64k", folder=folder)
    else:
        folder.chmod(0o500)
    settings.CACHES = _folder_cache(folder)
    yield folder
    sequence._owed.clear()
    if os.geteuid() == 0:
        _unmount(folder)
    else:
        folder.chmod(0o700)


@pytest.fixture
def full_folder(tmp_path, settings):
    if os.geteuid() != 0:
        pytest.skip("mounting a 64 KB tmpfs needs root; the read-only folder tests run as anyone")
    folder = tmp_path / "pages"
    folder.mkdir()
    _mount("size=64k", folder=folder)
    with contextlib.suppress(OSError):  # full: what the test wants
        (folder / "filler").write_bytes(b"x" * 1024 * 1024)
    settings.CACHES = _folder_cache(folder)
    yield folder
    sequence._owed.clear()
    _unmount(folder)


@pytest.fixture
def redis_at_a_closed_port(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.pagecache.backends.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1: refused at once
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    yield
    sequence._owed.clear()


def _everything_a_person_does_is_answered(django_user_model, caplog, warning: str):
    article = make_article(headline="Served without the cache")
    reply = make_reply(article, body="Reported in the outage")
    django_user_model.objects.create_user(
        "edna", password=PASSWORD, is_staff=True, is_superuser=True
    )
    reader = Client()
    with caplog.at_level("ERROR", logger="newsroom.cache"):
        for url in ("/", "/latest/", article.get_absolute_url(), "/search/?q=served"):
            for _ in range(2):
                assert reader.get(url).status_code == 200, url
        assert "Served without the cache" in reader.get(article.get_absolute_url()).content.decode()
        posted = reader.post(reverse("comments:post", args=[article.pk]), reply_data())
        assert posted.status_code == 302 and Reply.objects.filter(status="pending").exists()
        reported = reader.post(reverse("comments:report", args=[reply.pk]))
        assert reported.status_code == 302
        staff = Client()
        signed_in = staff.post(
            "/admin/login/?next=/admin/", {"username": "edna", "password": PASSWORD}
        )
        assert signed_in.status_code == 302, "on to the second step"
        assert staff.get(signed_in.url).status_code == 200
    assert any(warning in r.getMessage() for r in caplog.records), "the log says why"
    health = reader.get("/healthz")
    assert health.status_code == 200, "the site serves: the balancer keeps it"
    assert health.json()["status"] == "degraded" and health.json()["cache"] == "failing"
    assert health.json()["database"] == "ok"


def test_a_read_only_cache_folder_serves_pages_sign_in_replies_and_reports(
    read_only_folder, django_user_model, caplog
):
    _everything_a_person_does_is_answered(django_user_model, caplog, "the cache folder")


def test_a_full_cache_folder_serves_pages_sign_in_replies_and_reports(
    full_folder, django_user_model, caplog
):
    with pytest.raises(OSError):  # the folder really is full
        (full_folder / "more").write_bytes(b"x" * 64 * 1024)
    _everything_a_person_does_is_answered(django_user_model, caplog, "the cache folder")


def test_a_cache_folder_that_cannot_be_made_is_a_miss(tmp_path, settings, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    settings.CACHES = _folder_cache(blocked / "pages")
    with caplog.at_level("ERROR", logger="newsroom.cache"):
        assert Client().get(make_article().get_absolute_url()).status_code == 200
    assert Client().get("/healthz").json()["cache"] == "failing"


def test_redis_at_a_closed_port_degrades_health_but_not_the_site(
    redis_at_a_closed_port, django_user_model, caplog
):
    _everything_a_person_does_is_answered(django_user_model, caplog, "Redis unavailable")


def test_health_says_when_background_work_waits_with_no_worker(client):
    from django_tasks_db.models import DBTaskResult

    from newsroom.tasks import send_email

    send_email.enqueue("Subject", "Body", ["staff@example.org"])
    assert client.get("/healthz").json()["tasks"] == "ok", "just queued: a worker may be busy"
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=6))
    response = client.get("/healthz")
    assert response.status_code == 200, "the site still serves; e-mail is late"
    assert response.json()["status"] == "degraded"
    assert response.json()["tasks"] == "1 waiting over 5 minutes: is a worker running?"
    run_worker()
    assert client.get("/healthz").json()["status"] == "ok"


def test_the_folder_is_counted_now_and_then_and_still_kept_to_its_size(tmp_path):
    folder = tmp_path / "pages"
    files = ResilientFileBasedCache(str(folder), {"OPTIONS": {"MAX_ENTRIES": 50}})
    every = ResilientFileBasedCache.CULL_EVERY
    for n in range(every):
        files.set(f"page-{n}", "x")
    # Counted at the first write only (Django's own would have counted 100 times, and culled).
    assert len(list(folder.iterdir())) == every
    files.set("one-more", "x")
    assert len(list(folder.iterdir())) < every, "counted again, and some removed"
    assert cache.get("anything") is None  # the site's own cache is untouched
    shutil.rmtree(folder)
