"""Sign-in locks and rate limits are exact and never evicted: they live in a store of their own
(the database, or a Redis named by SECURITY_STORE_URL), counted atomically, each attempt
counted before it is checked. Raced with real concurrency: app server processes on the
embedded default (SQLite), and threads with their own connections on PostgreSQL, with either
store."""

import http.client
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Reply
from newsroom.models import SecurityCount
from newsroom.security import ratelimit
from newsroom.tasks import daily_jobs
from tests.factories import make_article, reply_data
from tests.test_concurrency import at_once
from tests.test_settings import assert_refused

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a-long-correct-password-42"
WRONG = "Please enter the correct username and password"


def _redis_url() -> str:
    """The Redis the suite may use: CACHE_URL's, when it is one (CI's second pass)."""
    url = os.environ.get("CACHE_URL", "")
    return url if url.startswith("redis://") else ""


def _clear_redis(url: str) -> None:
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{ratelimit.RedisStore.prefix}*"):
        client.delete(key)


@pytest.fixture(params=["database", "redis"])
def store(request, settings):
    """Each test runs with the default store, and again with a Redis of its own."""
    if request.param == "database":
        settings.SECURITY_STORE_URL = ""
        yield "database"
        return
    url = _redis_url()
    if not url:
        pytest.skip("needs CACHE_URL=redis://… (CI's second pass runs it against its Redis)")
    settings.SECURITY_STORE_URL = url
    _clear_redis(url)
    yield "redis"
    _clear_redis(url)


def _sign_in(client, password, address="203.0.113.5"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "edna", "password": password},
        REMOTE_ADDR=address,
    )


@pytest.fixture
def staff(db, django_user_model):
    return django_user_model.objects.create_user(
        "edna", password=PASSWORD, is_staff=True, is_superuser=True
    )


# Threads with their own connections, released together, on either database.
@pytest.mark.django_db(transaction=True)
def test_twenty_wrong_passwords_at_once_check_exactly_ten(store, staff):
    checked = []
    user_login_failed.connect(lambda **kw: checked.append(1), weak=False, dispatch_uid="count")
    try:
        statuses = at_once(*([lambda: _sign_in(Client(), "wrong guess").status_code] * 20))
    finally:
        user_login_failed.disconnect(dispatch_uid="count")
    assert len(checked) == 10, "the password was checked exactly LOGIN_FAILURE_LIMIT times"
    assert Counter(statuses) == {200: 10, 429: 10}
    assert _sign_in(Client(), PASSWORD).status_code == 429, "and the account is locked"


@pytest.mark.django_db(transaction=True)
def test_fifty_replies_at_once_from_one_client_store_exactly_the_limit(store, settings):
    settings.REPLY_RATE_LIMIT = (5, 60)
    article = make_article(headline="Busy story")
    url = reverse("comments:post", args=[article.pk])

    def post(i):
        return lambda: Client().post(url, reply_data(body=f"Reply {i}")).status_code

    statuses = at_once(*(post(i) for i in range(50)))
    assert Counter(statuses) == {302: 5, 429: 45}
    assert Reply.objects.filter(article=article).count() == 5


@pytest.mark.django_db
def test_a_lock_survives_the_page_cache_filling_up(store, client, staff):
    for _ in range(10):
        _sign_in(client, "wrong guess")
    # A flood of made-up addresses fills the page cache: it drops entries to make room.
    for i in range(3000):
        cache.set(f"page:/?x={i}", "<html>" + "x" * 200, timeout=300)
    assert _sign_in(Client(), PASSWORD).status_code == 429


@pytest.mark.django_db
def test_a_lock_survives_a_full_file_cache(settings, tmp_path, staff):
    """As under `make serve`: the file cache deletes a third of its files when it is full."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "pages"),
            "OPTIONS": {"MAX_ENTRIES": 100},
        }
    }
    for _ in range(10):
        _sign_in(Client(), "wrong guess")
    for i in range(400):
        cache.set(f"page:/?x={i}", "<html>", timeout=300)
    assert len(list((tmp_path / "pages").iterdir())) <= 101, "the cache did cull"
    assert _sign_in(Client(), PASSWORD).status_code == 429
    cache.clear()
    assert _sign_in(Client(), PASSWORD).status_code == 429, "emptying the cache unlocks nobody"


@pytest.mark.django_db
def test_with_the_redis_store_unreachable_the_database_keeps_counting(settings, staff, caplog):
    settings.SECURITY_STORE_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    for _ in range(10):
        assert _sign_in(Client(), "wrong guess").status_code == 200
    assert _sign_in(Client(), PASSWORD).status_code == 429
    assert "security store unreachable, counting in the database" in caplog.text


@pytest.mark.django_db
def test_counts_start_again_after_their_window_and_locks_end(clock):
    assert [ratelimit.count("k", seconds=60) for _ in range(3)] == [1, 2, 3]
    ratelimit.lock("k", until=timezone.now() + timedelta(minutes=15))
    assert ratelimit.locked_until(["other", "k"]) is not None
    clock.advance(61)
    assert ratelimit.count("k", seconds=60) == 1
    clock.advance(15 * 60)
    assert ratelimit.locked_until(["k"]) is None


@pytest.mark.django_db
def test_the_daily_jobs_drop_expired_counts(clock):
    ratelimit.count("old", seconds=60)
    ratelimit.lock("old", until=timezone.now() + timedelta(minutes=15))
    clock.advance(16 * 60)
    ratelimit.count("new", seconds=60)
    lines = [result for _, result in daily_jobs.send_robust(sender=None)]
    assert "2 expired sign-in and rate-limit counts dropped" in lines
    assert list(SecurityCount.objects.values_list("key", flat=True)) == ["new"]


def test_a_store_url_that_is_no_redis_or_the_page_cache_stops_the_site():
    assert_refused(
        "SECURITY_STORE_URL must be empty (the database) or a redis:// address",
        SECURITY_STORE_URL="memcached://127.0.0.1",
    )
    assert_refused(
        "SECURITY_STORE_URL must not be the page cache's Redis database",
        SECURITY_STORE_URL="redis://127.0.0.1:6379/3",
        CACHE_URL="redis://127.0.0.1:6379/3",
    )


# The embedded default, served as `make serve` serves it: worker processes on one SQLite file,
# the page cache in files.


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app on a fresh SQLite file, with a member of staff and an article, under granian
    with four worker processes."""
    folder = tmp_path_factory.mktemp("served")
    database = folder / "db.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL"}} | {
        "DATABASE_URL": f"sqlite:///{database}",
        "CACHE_URL": f"filecache://{folder / 'pages'}",
        "SECURITY_STORE_URL": "",
        "PURGE_SEQUENCE_FILE": str(folder / "purge-sequence"),
        "REPLY_RATE_LIMIT": "5/60",
        "LOG_LEVEL": "WARNING",
    }

    def manage(*args):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )

    manage("migrate", "--no-input")
    manage(
        "shell",
        "-c",
        (
            "from django.contrib.auth.models import User; from tests.factories import make_article; "
            f"User.objects.create_user('edna', password='{PASSWORD}', is_staff=True); "
            "print(make_article(headline='Busy story').pk)"
        ),
    )
    article = sqlite3.connect(database).execute("select id from articles_article").fetchone()[0]
    port = _free_port()
    log = (folder / "serve.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "4",
            "--blocking-threads",
            "1",
            "--no-ws",
            "newsroom.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, (folder / "serve.log").read_text()
            assert time.monotonic() < deadline, (folder / "serve.log").read_text()
            time.sleep(0.3)
        yield port, article, database
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        log.close()


def _request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheader("Set-Cookie", ""), response.read().decode()
    finally:
        conn.close()


def _form(fields: dict) -> tuple[str, dict]:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return urllib.parse.urlencode(fields), headers


def test_served_twenty_wrong_passwords_at_once_check_exactly_ten(served):
    port, _, _ = served
    _, cookie, page = _request(port, "GET", "/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    csrf_cookie = cookie.split(";")[0]
    body, headers = _form(
        {"csrfmiddlewaretoken": token, "username": "edna", "password": "wrong guess"}
    )
    headers["Cookie"] = csrf_cookie

    def guess():
        status, _, page = _request(port, "POST", "/admin/login/", body, headers)
        return "wrong" if WRONG in page else status

    answers = at_once(*([guess] * 20))
    assert Counter(answers) == {"wrong": 10, 429: 10}, "exactly ten checked, ten refused"
    body, _ = _form({"csrfmiddlewaretoken": token, "username": "edna", "password": PASSWORD})
    assert _request(port, "POST", "/admin/login/", body, headers)[0] == 429


def test_served_fifty_replies_at_once_from_one_client_store_exactly_five(served):
    port, article, database = served
    path = reverse("comments:post", args=[article])

    def post(i):
        body, headers = _form(reply_data(body=f"Reply {i}", email=f"r{i}@example.org"))
        return lambda: _request(port, "POST", path, body, headers)[0]

    statuses = at_once(*(post(i) for i in range(50)))
    assert Counter(statuses) == {302: 5, 429: 45}
    stored = sqlite3.connect(database).execute("select count(*) from comments_reply").fetchone()
    assert stored == (5,)
