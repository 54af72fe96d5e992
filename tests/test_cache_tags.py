"""Invalidation by what a page shows: a change purges the pages showing it, and only those;
changes no reader can see purge nothing; purges reach the shared caches over HTTP, and one
that fails is kept and sent again."""

import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import workflow
from articles.models import Article, Revision
from chrome.models import BreakingNews, SiteChrome
from comments import moderation
from comments.models import Reply
from newsroom.pagecache import sequence, shared
from newsroom.pagecache.models import PendingPurge
from tests.factories import (
    cache_use,
    make_article,
    make_reply,
    publish_changes,
    reply_data,
    run_worker,
    warm,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_articles():
    # No word in common: on PostgreSQL, a story sharing words with another lists it as related,
    # and its page then shows the other's headline (and is purged with it).
    a = make_article(headline="Article A", standfirst="Harbour tides rise.")
    b = make_article(headline="Bakery wins prize", standfirst="Bread judged best in town.")
    warm("/", a.get_absolute_url(), b.get_absolute_url())
    return a, b


RAISED = {"raised_at_0": "2026-12-01", "raised_at_1": "10:00:00"}


def test_approving_a_reply_on_b_purges_b_and_leaves_a_and_the_home_page(two_articles, moderator):
    a, b = two_articles
    reply = make_reply(b, status="pending", body="Now shown")
    moderation.approve(Reply.objects.filter(pk=reply.pk), by=moderator)
    assert cache_use(a.get_absolute_url()) == "hit"
    assert cache_use("/") == "hit", "the home page shows no reply counts"
    response = Client().get(b.get_absolute_url())
    assert response.wsgi_request.page_cache == "miss"
    assert "Now shown" in response.content.decode()


@pytest.mark.parametrize("status", ["pending", "spam", "rejected"])
def test_a_reply_no_reader_sees_purges_nothing(two_articles, status):
    _, b = two_articles
    before = sequence.current()
    make_reply(b, status=status)
    assert sequence.current() == before
    assert cache_use(b.get_absolute_url()) == "hit"


def test_a_reader_posting_a_held_reply_purges_nothing(two_articles):
    _, b = two_articles
    before = sequence.current()
    response = Client().post(reverse("comments:post", args=[b.pk]), reply_data())
    assert response.status_code == 302
    assert Reply.objects.get().status == Reply.Status.PENDING
    assert sequence.current() == before
    assert cache_use(b.get_absolute_url()) == "hit"


def test_a_report_purges_nothing_until_the_reply_goes_back_to_the_queue(settings):
    settings.REPLY_REPORT_THRESHOLD = 2
    article = make_article()
    reply = make_reply(article, body="Reported words")
    url = article.get_absolute_url()
    warm(url)
    before = sequence.current()
    moderation.report(reply, threshold=2)
    assert sequence.current() == before and cache_use(url) == "hit"
    moderation.report(reply, threshold=2)  # past the threshold: hidden again
    response = Client().get(url)
    assert response.wsgi_request.page_cache == "miss"
    assert "Reported words" not in response.content.decode()


def test_a_banner_raised_at_the_desk_rebuilds_the_header_once_and_purges_it(editor_client):
    SiteChrome.rebuild()  # the row every page reads the header from
    warm("/")
    banner = {"text": "Bridge closed", "is_active": "on"} | RAISED
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.post(reverse("admin:chrome_breakingnews_add"), banner)
    assert response.status_code == 302
    writes = [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))]
    assert len([sql for sql in writes if "articles_sitechrome" in sql]) == 1, "rebuilt once"
    assert SiteChrome.objects.get().data["breaking"]["text"] == "Bridge closed"
    assert "Bridge closed" in Client().get("/").content.decode()


def test_a_banner_cleared_with_the_list_action_leaves_every_page_at_once(editor_client):
    banner = BreakingNews.objects.create(text="Polls are closing")
    article = make_article()
    for url in ("/", article.get_absolute_url()):
        warm(url)
        assert "Polls are closing" in Client().get(url).content.decode()
    response = editor_client.post(
        reverse("admin:chrome_breakingnews_changelist"),
        {"action": "clear_selected", "_selected_action": [banner.pk]},
    )
    assert response.status_code == 302
    for url in ("/", article.get_absolute_url()):
        assert "Polls are closing" not in Client().get(url).content.decode(), url


def test_a_reply_set_back_to_pending_on_its_form_disappears_at_once(moderator_client):
    article = make_article()
    reply = make_reply(article, body="Second thoughts")
    url = article.get_absolute_url()
    warm(url)
    change = reverse("admin:comments_reply_change", args=[reply.pk])
    form = moderator_client.get(change).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    response = moderator_client.post(change, data | {"status": "pending"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Second thoughts" not in Client().get(url).content.decode()


def test_saving_a_draft_a_revision_or_a_log_entry_purges_nothing(editor):
    draft = make_article(status="draft", headline="Not yet")
    warm("/")
    before = sequence.current()
    draft.headline = "Still not yet"
    draft.save()
    Revision.objects.create(article=draft, headline="Still not yet", created_by=editor)
    workflow.transition(draft, "submit", by=editor)
    assert sequence.current() == before
    assert cache_use("/") == "hit"


def test_editing_a_published_article_purges_its_page_and_listings_not_other_articles(
    two_articles,
):
    a, b = two_articles
    publish_changes(a, headline="Article A, corrected")
    assert "Article A, corrected" in Client().get(a.get_absolute_url()).content.decode()
    assert "Article A, corrected" in Client().get("/").content.decode()
    assert cache_use(b.get_absolute_url()) == "hit"


def test_publishing_purges_the_listings_it_joins(two_articles, editor):
    a, b = two_articles
    topic_url = b.primary_topic.get_absolute_url()
    warm(topic_url)
    draft = make_article(
        status="draft",
        headline="Fresh story",
        standfirst="Ferry timetable changes.",  # no word of A's: not related to it
        primary_topic=b.primary_topic,
    )
    workflow.transition(draft, "publish", by=editor)
    assert "Fresh story" in Client().get("/").content.decode()
    assert "Fresh story" in Client().get(topic_url).content.decode()
    assert cache_use(a.get_absolute_url()) == "hit"


def test_scheduling_ends_cached_listings_at_the_publication_time(two_articles, editor, settings):
    settings.SHARED_CACHE_SECONDS = 24 * 3600
    draft = make_article(status="draft", headline="Later")
    warm("/")
    draft.publish_at = timezone.now() + timedelta(minutes=10)
    workflow.transition(draft, "publish", by=editor)
    response = Client().get("/")
    assert response.wsgi_request.page_cache == "miss", "the page cached before was purged"
    assert "Later" not in response.content.decode()
    max_age = int(response["Cache-Control"].rsplit("s-maxage=", 1)[1])
    assert 500 < max_age <= 600, "shared caches keep it until the publication, no longer"


class PurgeReceiver(BaseHTTPRequestHandler):
    """A shared cache's purge endpoint: records each PURGE and its tags."""

    received: list[tuple[str, str]]
    answer = 200

    def do_PURGE(self):
        self.received.append((self.path, self.headers.get("xkey", "")))
        self.send_response(self.answer)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def purge_server():
    handler = type("Receiver", (PurgeReceiver,), {"received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}/"
    yield server
    server.shutdown()
    server.server_close()


def test_pages_name_their_tags_for_a_shared_cache_when_purges_are_configured(settings):
    settings.CACHE_PURGE_URLS = ["http://127.0.0.1:9/"]
    article = make_article()
    response = Client().get(article.get_absolute_url())
    tags = response["xkey"].split()
    assert {f"article-{article.pk}", f"replies-{article.pk}", "chrome", "site"} <= set(tags)
    assert f"topic-{article.primary_topic_id}" in tags


@pytest.mark.django_db(transaction=True)
def test_a_change_is_purged_over_http_after_commit_only(settings, purge_server):
    settings.CACHE_PURGE_URLS = [purge_server.url]
    article = make_article()
    assert shared.wait_sent(timeout=10)
    purge_server.RequestHandlerClass.received.clear()
    with transaction.atomic():
        publish_changes(article, headline="Changed")
        time.sleep(0.2)  # were a purge on its way before the commit, it would have arrived
        assert purge_server.RequestHandlerClass.received == [], "nothing before the commit"
    assert shared.wait_sent(timeout=10)
    ((path, tags),) = purge_server.RequestHandlerClass.received
    assert path == "/" and f"article-{article.pk}" in tags.split()
    assert not PendingPurge.objects.exists(), "the cache took it: nothing is owed"


@pytest.mark.django_db(transaction=True)
def test_a_failed_purge_is_logged_kept_and_sent_again(
    settings, purge_server, caplog, editor_client
):
    settings.CACHE_PURGE_URLS = [purge_server.url]
    purge_server.RequestHandlerClass.answer = 503
    article = make_article()
    response = editor_client.post(
        reverse("admin:chrome_breakingnews_add"),
        {
            "text": "Storm warning",
            "is_active": "on",
            "raised_at_0": "2026-12-01",
            "raised_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302, "the editor's save went through"
    assert shared.wait_sent(timeout=10)
    assert any("kept to retry" in r.getMessage() for r in caplog.records)
    (waiting,) = PendingPurge.objects.all()
    assert "chrome" in waiting.tags.split() and "503" in waiting.last_error
    with pytest.raises(CommandError):
        call_command("retry_purges")
    purge_server.RequestHandlerClass.answer = 200
    call_command("retry_purges")
    assert not PendingPurge.objects.exists()
    assert purge_server.RequestHandlerClass.received[-1][1] == waiting.tags
    assert article.pk  # unchanged by any of it


@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_a_refused_purge_again_until_the_cache_takes_it(settings, purge_server):
    settings.CACHE_PURGE_URLS = [purge_server.url]
    purge_server.RequestHandlerClass.answer = 503
    article = make_article()
    publish_changes(article, headline="Storm moves east")
    assert shared.wait_sent(timeout=10)
    retries = DBTaskResult.objects.filter(
        task_path="newsroom.pagecache.shared.retry_purges", status="READY"
    )
    (first,) = retries
    assert timezone.now() < first.run_after <= timezone.now() + timedelta(minutes=1)
    retries.update(run_after=timezone.now())  # a minute passes; the cache still refuses
    run_worker()
    (second,) = retries.all()
    assert second.run_after > timezone.now() + timedelta(minutes=4), "then waits longer"
    purge_server.RequestHandlerClass.answer = 200
    retries.update(run_after=timezone.now())
    run_worker()
    assert not PendingPurge.objects.exists()
    assert f"article-{article.pk}" in purge_server.RequestHandlerClass.received[-1][1].split()
    assert not retries.exists(), "nothing more to retry"


@pytest.mark.django_db(transaction=True)
def test_a_purge_to_a_cache_that_is_down_never_fails_the_save(settings):
    settings.CACHE_PURGE_URLS = ["http://127.0.0.1:9/"]  # nothing listens: refused at once
    article = make_article()
    publish_changes(article, headline="Saved anyway")
    assert Article.objects.get(pk=article.pk).headline == "Saved anyway"
    assert shared.wait_sent(timeout=10)
    owed = PendingPurge.objects.get()
    assert owed.url == "http://127.0.0.1:9/" and owed.attempts >= 1
    assert f"article-{article.pk}" in owed.tags.split()


def test_a_footer_page_added_at_the_desk_shows_in_every_footer_at_once(editor_client, settings):
    SiteChrome.rebuild()
    warm("/")
    data = {"url": "/about/", "title": "About us", "content": "<p>Who we are.</p>"}
    response = editor_client.post(
        reverse("admin:flatpages_flatpage_add"), data | {"sites": [settings.SITE_ID]}
    )
    assert response.status_code == 302
    assert 'href="/pages/about/">About us</a>' in Client().get("/").content.decode()
