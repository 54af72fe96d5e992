"""A real Varnish (deploy/varnish/newsroom.vcl, with xkey) in front of the live app: it keeps
one copy of each reader's page, and the app's purges drop exactly the pages that changed."""

import http.client
import shutil
import socket
import subprocess
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.signals import request_started
from django.urls import reverse
from django.utils import timezone

from chrome.models import BreakingNews, changed
from comments import moderation
from comments.models import Reply
from live import coverage as live
from live.models import LiveUpdate
from newsroom.pagecache import shared
from tests.factories import make_article, make_reply, reply_data

VCL = Path(__file__).resolve().parent.parent / "deploy/varnish/newsroom.vcl"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not shutil.which("varnishd"),
        reason="needs Debian's varnish and varnish-modules (CI's .ci/run installs them)",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def varnish(live_server):
    # Readable by the user Varnish's compiler runs as (pytest's own folders are private).
    work = Path(tempfile.mkdtemp(prefix="newsroom-varnish-"))
    work.chmod(0o755)
    backend = live_server.url.rsplit(":", 1)[1]
    vcl = work / "newsroom.vcl"
    vcl.write_text(VCL.read_text().replace('.port = "8001";', f'.port = "{backend}";'))
    port = _free_port()
    process = subprocess.Popen(
        [
            shutil.which("varnishd"),
            "-F",
            "-f",
            str(vcl),
            "-a",
            f"127.0.0.1:{port}",
            "-n",
            str(work / "state"),
            "-s",
            "malloc,32m",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError as error:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                why = process.stderr.read().decode()
                raise RuntimeError(f"varnishd did not start: {why}") from error
            time.sleep(0.1)
    yield port
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def front(varnish, settings):
    settings.CACHE_PURGE_URLS = [f"http://127.0.0.1:{varnish}/"]
    settings.SHARED_CACHE_SECONDS = 3600
    return varnish


@pytest.fixture
def app_requests():
    """Counts the requests that reach Django behind Varnish."""
    seen = []

    def count(sender, environ, **kwargs):
        seen.append(environ.get("PATH_INFO"))

    request_started.connect(count)
    yield seen
    request_started.disconnect(count)


def fetch(port, path, *, method="GET", headers=None, body=None):
    """A request through Varnish, by a reader who comes after the purges of every change made
    so far have gone out (the app sends them from a background thread)."""
    assert shared.wait_sent(timeout=10), "the purges went out"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, path, body=body, headers={"Host": "localhost", **(headers or {})})
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    return response, text


def read(port, path, **kwargs):
    response, text = fetch(port, path, **kwargs)
    assert response.status == 200, (path, response.status)
    return response.getheader("X-Cache"), text


def test_a_second_anonymous_read_is_a_varnish_hit(front, app_requests):
    url = make_article(headline="Kept by Varnish").get_absolute_url()
    assert read(front, url)[0] == "MISS"
    status, text = read(front, url, headers={"Cookie": "_ga=123; theme=dark"})
    assert status == "HIT", "a reader's own cookies do not split the cache"
    assert "Kept by Varnish" in text
    assert app_requests.count(url) == 1, "the app was asked once"
    response, _ = fetch(front, url)
    assert response.getheader("xkey") is None, "the tags stay inside Varnish"
    assert response.getheader("Cache-Control") == "public, max-age=0, s-maxage=3600"


def test_approving_a_reply_on_b_leaves_a_a_hit_and_b_fresh(front, moderator):
    a, b = make_article(headline="Article A"), make_article(headline="Article B")
    for url in (a.get_absolute_url(), b.get_absolute_url(), "/"):
        read(front, url)
        assert read(front, url)[0] == "HIT"
    reply = make_reply(b, status="pending", body="Approved just now")
    moderation.approve(Reply.objects.filter(pk=reply.pk), by=moderator)
    assert read(front, a.get_absolute_url())[0] == "HIT"
    assert read(front, "/")[0] == "HIT"
    status, text = read(front, b.get_absolute_url())
    assert status == "MISS" and "Approved just now" in text


def test_a_held_reply_posted_through_varnish_purges_nothing(front):
    article = make_article()
    url = article.get_absolute_url()
    read(front, url)
    response, _ = fetch(
        front,
        reverse("comments:post", args=[article.pk]),
        method="POST",
        body=urlencode(reply_data(body="Held")),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Sec-Fetch-Site": "same-origin",
        },
    )
    assert response.status == 302
    assert Reply.objects.get().status == Reply.Status.PENDING
    assert read(front, url)[0] == "HIT"


def test_a_cross_site_reply_through_varnish_is_refused(front):
    article = make_article()
    response, text = fetch(
        front,
        reverse("comments:post", args=[article.pk]),
        method="POST",
        body="name=X&email=x%40example.org&body=Forged",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": "https://evil.example",
        },
    )
    assert response.status == 403 and "another website" in text
    assert not Reply.objects.exists()


def test_a_banner_cleared_from_the_list_disappears_from_varnish_at_once(front, editor, client):
    banner = BreakingNews.objects.create(text="Storm is coming")
    changed()  # as the desk's save does
    article = make_article()
    for url in ("/", article.get_absolute_url()):
        read(front, url)
        assert "Storm is coming" in read(front, url)[1]
    client.force_login(editor)
    client.post(
        reverse("admin:chrome_breakingnews_changelist"),
        {"action": "clear_selected", "_selected_action": [banner.pk]},
    )
    for url in ("/", article.get_absolute_url()):
        assert "Storm is coming" not in read(front, url)[1], url


def test_a_reply_set_back_to_pending_disappears_from_varnish_at_once(front, moderator, client):
    article = make_article()
    reply = make_reply(article, body="Taken back")
    url = article.get_absolute_url()
    read(front, url)
    assert "Taken back" in read(front, url)[1]
    client.force_login(moderator)
    change = reverse("admin:comments_reply_change", args=[reply.pk])
    form = client.get(change).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    assert client.post(change, data | {"status": "pending"}).status_code == 302
    assert "Taken back" not in read(front, url)[1]


def test_editors_get_readers_pages_and_cookie_setting_responses_are_never_stored(
    front, editor, client, app_requests
):
    article = make_article(headline="What editors see")
    url = article.get_absolute_url()
    client.force_login(editor)
    session = client.cookies["sessionid"].value
    read(front, url)
    for _ in range(2):  # an editor's session does not make a reader's page theirs
        status, text = read(front, url, headers={"Cookie": f"sessionid={session}"})
        assert status == "HIT" and "csrfmiddlewaretoken" not in text
    for _ in range(2):
        response, _ = fetch(front, "/admin/login/")
        assert response.getheader("Set-Cookie") and response.getheader("X-Cache") == "MISS"
    assert app_requests.count("/admin/login/") == 2


def test_a_live_update_reaches_open_pages_through_varnish_and_nothing_else_is_purged(
    front, editor, app_requests
):
    article = make_article(live_from=timezone.now() - timedelta(hours=1))
    first = LiveUpdate.objects.create(article=article, body="<p>First.</p>")
    since = urlencode({"since": first.posted_at.isoformat()})  # what an open page asks with
    endpoint = f"{article.get_absolute_url()}updates/?{since}"
    for url in (endpoint, article.get_absolute_url(), "/"):
        read(front, url)
        assert read(front, url)[0] == "HIT", url
    asked = len(app_requests)
    for _ in range(5):
        assert read(front, endpoint)[0] == "HIT"
    assert len(app_requests) == asked, "polling readers never reached the app"
    live.post(article, by=editor, body="<p>Second, just now.</p>")
    status, text = read(front, endpoint)
    assert status == "MISS" and '"count": 1' in text and "Second, just now." in text
    assert read(front, article.get_absolute_url())[0] == "MISS"
    assert read(front, "/")[0] == "HIT", "no listing shows updates"


def test_varnish_gives_each_request_its_own_id_and_the_app_uses_it(front, settings, caplog):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # Varnish is the trusted proxy
    url = make_article().get_absolute_url()
    ids = []
    with caplog.at_level("INFO", logger="newsroom.requests"):
        for _ in range(3):
            response, _ = fetch(front, url, headers={"X-Request-ID": "from-the-client"})
            ids.append(response.getheader("X-Request-ID"))
    assert len(set(ids)) == 3 and "from-the-client" not in ids, "a hit never repeats an id"
    app = [r.request_id for r in caplog.records if r.name == "newsroom.requests"]
    assert app == ids[:1], "the app was asked once, and logged Varnish's id"


def test_autosaves_and_staged_changes_leave_varnish_alone_until_they_are_published(
    front, editor, client
):
    from tests.test_workflow import change_form_data

    article = make_article(headline="The live words")
    url = article.get_absolute_url()
    read(front, url)
    assert read(front, url)[0] == "HIT"
    client.force_login(editor)
    change = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(article, headline="The coming words")
    client.post(reverse("admin:articles_article_autosave", args=[article.pk]), data)
    assert client.post(change, data).status_code == 302  # kept as changes over the live version
    status, text = read(front, url)
    assert status == "HIT" and "The live words" in text, "no purge reached Varnish"

    article.refresh_from_db()
    client.post(
        change,
        change_form_data(article, headline="The coming words", _transition="publish_changes"),
    )
    status, text = read(front, url)
    assert status == "MISS" and "The coming words" in text
