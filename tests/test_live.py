"""Live coverage: editors and writers post updates from the admin; readers see them newest
first, with key points, links that find them on any page, new ones offered without a reload
by a cheap cached endpoint, structured data and feeds."""

import json
import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Revision
from audit.models import AuditEntry
from live import coverage as live
from live.models import LiveUpdate
from newsroom.rendering.inline import inlined
from tests.factories import cache_use, desk_editor, make_article, make_author, page_text, warm

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def live_article(**overrides) -> Article:
    fields = {"live_from": timezone.now() - timedelta(hours=2), "headline": "Election night live"}
    return make_article(**fields | overrides)


def add_updates(article, n, *, start_minutes=0, **fields):
    now = timezone.now()
    return [
        LiveUpdate.objects.create(
            article=article,
            body=f"<p>Update number {k}.</p>",
            posted_at=now - timedelta(minutes=start_minutes + n - k),
            **fields,
        )
        for k in range(1, n + 1)
    ]


def post(client, article, text="<p>Polls have closed.</p>", headline="", accept_json=True):
    return client.post(
        reverse("admin:articles_article_live", args=[article.pk]),
        {"action": "post", "live-body": text, "live-headline": headline},
        **(JSON if accept_json else {}),
    )


# The desk ------------------------------------------------------------------------------------


def test_an_editor_posts_an_update_in_one_click_without_leaving_the_page(editor_client, editor):
    article = live_article()
    page = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert 'id="live-update-form"' in page.content.decode()
    response = post(editor_client, article, headline="Polls close")
    assert response.status_code == 200
    data = response.json()
    assert data["message"].startswith("Update posted at")
    assert "Polls close" in data["recent"]
    update = LiveUpdate.objects.get(article=article)
    assert (update.headline, update.body, update.posted_by) == (
        "Polls close",
        "<p>Polls have closed.</p>",
        editor,
    )
    revision = Revision.objects.get(article=article)
    assert revision.created_by == editor and "posted" in revision.note
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LIVE_POST)
    assert entry.actor == editor and entry.article == article


def test_without_the_script_the_form_posts_and_comes_back(editor_client):
    article = live_article()
    response = post(editor_client, article, accept_json=False)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{article.pk}/change/#live-desk")
    assert LiveUpdate.objects.filter(article=article).count() == 1


def test_an_empty_update_is_refused_with_a_reason_and_nothing_is_stored(editor_client):
    article = live_article()
    response = post(editor_client, article, text="", headline="A headline")
    assert response.status_code == 400
    data = response.json()
    assert "The update was not posted" in data["error"] and "required" in data["error"]
    assert "A headline" not in data["recent"], "nothing was posted"
    assert not LiveUpdate.objects.exists()


def test_a_writer_posts_only_to_live_pages_they_are_bylined_on(writer_client, writer):
    mine = live_article(authors=[make_author(user=writer)])
    theirs = live_article()
    assert post(writer_client, mine).status_code == 200
    refused = writer_client.post(
        reverse("admin:articles_article_live", args=[theirs.pk]),
        {"action": "post", "live-body": "<p>x</p>"},
        **JSON,
    )
    assert refused.status_code == 403
    assert "bylined" in refused.json()["error"]
    assert LiveUpdate.objects.filter(article=theirs).count() == 0
    assert (
        writer_client.post(
            reverse("admin:articles_article_live", args=[mine.pk]),
            {"action": "pin", "update": mine.live_updates.get().pk},
            **JSON,
        ).status_code
        == 403
    ), "writers do not choose key points"


def test_a_moderator_cannot_post(moderator_client):
    article = live_article()
    post(moderator_client, article)
    assert not LiveUpdate.objects.exists()


def test_key_points_are_at_most_five(editor_client):
    article = live_article()
    updates = add_updates(article, 6)
    url = reverse("admin:articles_article_live", args=[article.pk])
    for update in updates[:5]:
        assert (
            editor_client.post(url, {"action": "pin", "update": update.pk}, **JSON).status_code
            == 200
        )
    sixth = editor_client.post(url, {"action": "pin", "update": updates[5].pk}, **JSON)
    assert sixth.status_code == 400
    assert "at most 5 key points" in sixth.json()["error"]
    assert article.live_updates.filter(is_key_point=True).count() == 5
    editor_client.post(url, {"action": "unpin", "update": updates[0].pk}, **JSON)
    assert (
        editor_client.post(url, {"action": "pin", "update": updates[5].pk}, **JSON).status_code
        == 200
    )
    assert AuditEntry.objects.filter(action=AuditEntry.Action.KEY_POINT).count() == 7


def test_a_correction_is_shown_as_such_and_logged(editor_client, editor):
    article = live_article()
    (update,) = add_updates(article, 1)
    response = editor_client.post(
        reverse("admin:live_liveupdate_change", args=[update.pk]),
        {"headline": "", "body": "<p>Turnout was 64%, not 46%.</p>", "image": ""},
    )
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.corrected_by == editor and "64%" in update.body
    page = page_text(Client(), article.get_absolute_url())
    assert "Turnout was 64%" in page and "<strong>Corrected</strong> at" in page
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LIVE_CORRECT).exists()
    assert Revision.objects.filter(article=article, note__contains="corrected").exists()


def test_a_deleted_update_is_gone_and_in_the_desk_log(editor_client):
    article = live_article()
    (update,) = add_updates(article, 1)
    warm(article.get_absolute_url())
    editor_client.post(reverse("admin:live_liveupdate_delete", args=[update.pk]), {"post": "yes"})
    assert not LiveUpdate.objects.exists()
    assert "Update number 1" not in page_text(Client(), article.get_absolute_url())
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LIVE_DELETE)
    assert "Update number 1" in entry.detail


def test_ending_the_coverage(editor_client):
    client = Client()
    article = live_article()
    add_updates(article, 2)
    assert "live-label" in page_text(client, "/")
    response = editor_client.post(
        reverse("admin:articles_article_live", args=[article.pk]),
        {"action": "end", "confirm": "yes"},
        **JSON,
    )
    assert response.json()["message"] == "Live coverage ended."
    article.refresh_from_db()
    assert article.coverage_ended()
    page = page_text(client, article.get_absolute_url())
    assert "Coverage ended" in page and "data-live-endpoint" not in page
    assert inlined("js/live.js").text not in page, "no script polls for updates"
    home = page_text(client, "/").split("</head>", 1)[1]  # the stylesheet names the label too
    assert "live-label" not in home, "the home page no longer says Live"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LIVE_END).exists()


def test_coverage_ends_only_once_confirmed(editor_client):
    article = live_article()
    url = reverse("admin:articles_article_live", args=[article.pk])
    change = reverse("admin:articles_article_change", args=[article.pk])
    asked = editor_client.post(url, {"action": "end"})
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Are you sure?" in page and "Readers will see “Coverage ended”" in page
    assert '<input type="hidden" name="confirm" value="yes">' in page
    assert '<input type="submit" value="End coverage">' in page
    assert f'href="{change}#live-desk" class="button cancel-link">Keep it running</a>' in page
    refused = editor_client.post(url, {"action": "end"}, **JSON)
    assert refused.status_code == 400
    assert refused.json()["error"] == "The coverage was not ended: confirm it first."
    article.refresh_from_db()
    assert article.is_live() and not article.coverage_ended(), "nothing changed"
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.LIVE_END).exists()
    assert "Coverage ended" not in page_text(Client(), article.get_absolute_url())

    ended = editor_client.post(url, {"action": "end", "confirm": "yes"})
    assert ended.status_code == 302 and ended["Location"].endswith(f"{change}#live-desk")
    article.refresh_from_db()
    assert article.coverage_ended()
    assert "Coverage ended" in page_text(Client(), article.get_absolute_url())


def test_only_editors_are_asked_to_end_the_coverage(writer_client, writer):
    article = live_article(authors=[make_author(user=writer)])
    url = reverse("admin:articles_article_live", args=[article.pk])
    for data in ({"action": "end"}, {"action": "end", "confirm": "yes"}):
        assert writer_client.post(url, data, **JSON).status_code == 403
    article.refresh_from_db()
    assert article.is_live()


# Readers ---------------------------------------------------------------------------------


def test_updates_newest_first_with_times_anchors_and_key_points(client):
    article = live_article()
    updates = add_updates(article, 3)
    live.set_key_point(updates[0], True, by=_editor())
    page = page_text(client, article.get_absolute_url())
    positions = [page.index(f'id="update-{u.pk}"') for u in updates]
    assert positions == sorted(positions, reverse=True), "newest first"
    for update in updates:
        stamp = re.search(rf'id="update-{update.pk}-time"[^>]*><time datetime="([^"]+)"', page)
        assert stamp and timezone.datetime.fromisoformat(stamp[1])
        assert f'href="{article.get_absolute_url()}?update={update.pk}#update-{update.pk}"' in page
    key_points = page.split('class="key-points"')[1].split("</aside>")[0]
    assert f"?update={updates[0].pk}#update-{updates[0].pk}" in key_points
    assert "Last updated" in page and "Live coverage" in page


def test_an_update_link_lands_on_the_page_that_holds_it(client, settings):
    settings.LIVE_UPDATES_PER_PAGE = 10
    article = live_article()
    updates = add_updates(article, 25)  # newest first: 25..16 on page 1, 15..6 on 2, 5..1 on 3
    oldest, middle = updates[0], updates[14]
    assert f'id="update-{oldest.pk}"' in page_text(client, f"{article.get_absolute_url()}?page=3")
    assert f'id="update-{oldest.pk}"' not in page_text(client, article.get_absolute_url())
    for update, page_number in ((oldest, 3), (middle, 2), (updates[-1], 1)):
        page = page_text(client, f"{article.get_absolute_url()}?update={update.pk}")
        assert f'id="update-{update.pk}"' in page
        assert f"Page {page_number} of 3" in page
    assert "Page 1 of 3" in page_text(client, f"{article.get_absolute_url()}?update=nonsense")


def test_live_label_on_home_and_section_while_coverage_runs(client):
    article = live_article()
    other = make_article(primary_topic=article.primary_topic)
    home = page_text(client, "/")
    section = page_text(client, article.primary_topic.get_absolute_url())
    for page in (home, section):
        teaser = page.split(f'href="{article.get_absolute_url()}"')[0].rsplit("<article", 1)[1]
        assert '<span class="live-label">Live</span>' in teaser
        other_teaser = page.split(f'href="{other.get_absolute_url()}"')[0].rsplit("<article", 1)[1]
        assert "live-label" not in other_teaser


def test_pages_cached_while_coverage_runs_end_when_it_is_set_to_end(client):
    article = live_article(live_until=timezone.now() + timedelta(minutes=10))
    response = client.get("/")
    s_maxage = int(re.search(r"s-maxage=(\d+)", response["Cache-Control"])[1])
    assert 0 < s_maxage <= 600, "the Live label goes at the end of the coverage, by the clock"
    assert article.is_live()


def test_structured_data_is_a_live_blog_posting(client):
    article = live_article()
    updates = add_updates(article, 2)
    page = page_text(client, article.get_absolute_url())
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1]
    )
    assert data["@type"] == "LiveBlogPosting"
    assert data["coverageStartTime"].startswith(article.live_from.date().isoformat())
    assert "coverageEndTime" not in data
    blog = data["liveBlogUpdate"]
    assert [u["articleBody"] for u in blog] == ["Update number 2.", "Update number 1."]
    assert blog[0]["url"].endswith(f"?update={updates[1].pk}#update-{updates[1].pk}")
    live.end_coverage(article, by=desk_editor())
    page = page_text(client, article.get_absolute_url())
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1]
    )
    assert "coverageEndTime" in data


def test_the_pages_own_feed_carries_its_updates_and_the_section_feed_the_page(client):
    article = live_article()
    add_updates(article, 3)
    feed = page_text(client, article.get_absolute_url() + "feed/")
    assert feed.count("<item>") == 3 and "Update number 3." in feed
    assert "?update=" in feed
    section = page_text(client, f"/feed/topics/{article.primary_topic.slug}/")
    assert article.headline in section


# The endpoint ------------------------------------------------------------------------------


def endpoint(article, since):
    """The address an open page polls, `since` encoded as its script encodes it."""
    return f"{article.get_absolute_url()}updates/?{urlencode({'since': since})}"


def test_the_endpoint_gives_the_updates_newer_than_since(client):
    article = live_article()
    updates = add_updates(article, 4)
    since = updates[1].posted_at.isoformat()
    data = client.get(endpoint(article, since)).json()
    assert data["count"] == 2 and data["running"] and not data["more"]
    assert data["html"].index(f'id="update-{updates[3].pk}"') < data["html"].index(
        f'id="update-{updates[2].pk}"'
    ), "newest first"
    assert data["newest"] == updates[3].posted_at.isoformat()


def test_the_endpoint_answers_calmly_to_odd_since(client):
    article = live_article()
    add_updates(article, 2)
    for odd in ("yesterday", "2026-13-45T99:00:00Z", "", "\x00"):
        response = client.get(endpoint(article, odd))
        assert response.status_code == 400, odd
        assert "?since=" in response.json()["error"]
    future = (timezone.now() + timedelta(days=365)).isoformat()
    response = client.get(endpoint(article, future))
    assert response.status_code == 200 and response.json()["count"] == 0
    assert response.wsgi_request.page_cache == "miss"
    assert client.get(endpoint(article, future)).wsgi_request.page_cache == "miss", (
        "a time no page gave is answered, never kept"
    )


def test_nothing_from_a_draft_or_not_live_page(client):
    draft = live_article(status=Article.Status.DRAFT)
    add_updates(draft, 2)
    assert client.get(endpoint(draft, "2020-01-01T00:00:00Z")).status_code == 404
    assert client.get(draft.get_absolute_url() + "feed/").status_code == 404
    plain = make_article()
    assert client.get(endpoint(plain, "2020-01-01T00:00:00Z")).status_code == 404


def test_polling_costs_no_query_until_an_update_is_posted(client, django_assert_num_queries):
    article = live_article()
    newest = add_updates(article, 2)[-1]  # open pages ask with the time of their newest
    url = endpoint(article, newest.posted_at.isoformat())
    warm(url, "/", article.get_absolute_url())
    with django_assert_num_queries(0):
        assert client.get(url).json()["count"] == 0
    live.post(article, by=_editor(), body="<p>Fresh news.</p>")
    assert cache_use(url) == "miss", "the endpoint was purged"
    assert client.get(url).json()["count"] == 1
    assert cache_use(article.get_absolute_url()) == "miss", "and the page"
    assert cache_use("/") == "hit", "no listing shows updates: the home page stays"


def test_demo_has_a_running_and_an_ended_live_page(client):
    call_command("load_demo", verbosity=0)
    running = Article.objects.get(slug__startswith="markets-live")
    ended = Article.objects.get(slug__startswith="storm-live")
    assert running.primary_topic.name == "Live Markets" and running.is_live()
    assert running.live_updates.count() >= 5
    assert running.live_updates.filter(is_key_point=True).count() == 2
    assert ended.primary_topic.name == "Weather" and ended.coverage_ended()
    assert "Coverage ended" in page_text(client, ended.get_absolute_url())


def _editor():
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("desk-editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return User.objects.get(pk=user.pk)


def test_the_correction_page_offers_the_rich_editor_under_its_nonce(editor_client):
    article = live_article()
    (update,) = add_updates(article, 1)
    response = editor_client.get(reverse("admin:live_liveupdate_change", args=[update.pk]))
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
    page = response.content.decode()
    assert f'<script type="importmap" nonce="{nonce}">' in page
    assert "data-django-prose-editor-configurable" in page
