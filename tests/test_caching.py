"""The anonymous readers' page cache: fast, shared, and never stale after a change."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import events, workflow
from articles.models import Article, Topic
from chrome.models import TopBarLink
from comments import moderation
from comments.models import Reply
from newsroom.pagecache import middleware as page_cache
from tests.factories import make_article, make_reply, page_text, publish_changes

pytestmark = pytest.mark.django_db


RAISED = {"raised_at_0": "2026-12-01", "raised_at_1": "10:00:00"}


def test_second_anonymous_request_is_served_without_a_query(client, django_assert_num_queries):
    article = make_article()
    page_text(client, article.get_absolute_url())
    with django_assert_num_queries(0):
        page_text(Client(), article.get_absolute_url())


def test_the_cache_really_serves_old_bytes_until_a_change_is_signalled(client):
    article = make_article(headline="Original headline")
    page_text(client, "/")
    Article.objects.filter(pk=article.pk).update(headline="Changed behind its back")
    assert "Original headline" in page_text(client, "/"), "served from the cache"
    article.refresh_from_db()
    before = events.Listing.of(article)  # a service tells the cache what happened
    events.live_changes_published.send(sender=Article, article=article, before=before)
    assert "Changed behind its back" in page_text(client, "/")


@pytest.mark.parametrize("step", ["publish", "unpublish", "archive"])
def test_workflow_steps_show_on_the_next_request(client, editor, step):
    status = "published" if step in ("unpublish", "archive") else "draft"
    article = make_article(status=status, headline="Desk story")
    shown_before = "Desk story" in page_text(client, "/")
    workflow.transition(article, step, by=editor)
    assert ("Desk story" in page_text(client, "/")) is not shown_before


def test_an_edit_shows_on_the_next_request(client):
    article = make_article(headline="First words")
    page_text(client, article.get_absolute_url())
    publish_changes(article, headline="Second words")
    assert "Second words" in page_text(client, article.get_absolute_url())


def test_approving_and_rejecting_replies_show_on_the_next_request(client, moderator):
    article = make_article()
    reply = make_reply(article, status="pending", body="Waiting words")
    url = article.get_absolute_url()
    assert "Waiting words" not in page_text(client, url)
    moderation.approve(Reply.objects.filter(pk=reply.pk), by=moderator)
    assert "Waiting words" in page_text(client, url)
    moderation.reject(Reply.objects.filter(pk=reply.pk), by=moderator)
    assert "Waiting words" not in page_text(client, url)


def _topic_form(topic, **changes) -> dict:
    fields = {
        "name": topic.name,
        "slug": topic.slug,
        "description": topic.description,
    }
    return {k: v for k, v in (fields | changes).items() if v != ""}


def test_topic_author_navigation_and_banner_changes_made_at_the_desk_show_at_once(
    client, editor_client
):
    article = make_article()
    topic, author = article.primary_topic, article.byline_authors[0]
    page_text(client, "/")
    change = reverse("admin:articles_topic_change", args=[topic.pk])
    assert editor_client.post(change, _topic_form(topic, name="Renamed section")).status_code == 302
    assert "Renamed section" in page_text(client, "/")
    added = {"name": "Brand new section", "slug": "brand-new"}
    assert editor_client.post(reverse("admin:articles_topic_add"), added).status_code == 302
    link = {"topic": Topic.objects.get(slug="brand-new").pk}
    assert editor_client.post(reverse("admin:chrome_topbarlink_add"), link).status_code == 302
    assert "Brand new section" in page_text(client, "/")
    link = TopBarLink.objects.get()
    delete = reverse("admin:chrome_topbarlink_delete", args=[link.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 302
    assert "Brand new section" not in page_text(client, "/")
    change = reverse("admin:articles_author_change", args=[author.pk])
    data = {"name": "Renamed Author", "slug": author.slug, "bio": author.bio}
    assert editor_client.post(change, data).status_code == 302
    assert "Renamed Author" in page_text(client, article.get_absolute_url())
    banner = {"text": "Polls close now", "is_active": "on"} | RAISED
    assert editor_client.post(reverse("admin:chrome_breakingnews_add"), banner).status_code == 302
    assert "Polls close now" in page_text(client, "/")


def test_signed_in_staff_get_the_page_every_reader_gets(editor_client):
    reader = Client()
    article = make_article(headline="Before")
    first = reader.get("/")
    Article.objects.filter(pk=article.pk).update(headline="After")  # no purge: still cached
    staff = editor_client.get("/")
    assert staff.content == first.content and "Before" in staff.content.decode()
    assert staff["Cache-Control"].startswith("public") and staff.wsgi_request.page_cache == "hit"


def test_a_reader_who_just_posted_is_told_by_the_cached_page_itself(client):
    article = make_article()
    cached = Client().get(article.get_absolute_url())  # someone else filled the cache
    response = client.post(
        reverse("comments:post", args=[article.pk]),
        {"name": "Ada", "email": "ada@example.org", "body": "Hello"},
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith("#reply-awaiting")
    assert response.content == cached.content and response.wsgi_request.page_cache == "hit"
    assert 'id="reply-awaiting" role="status"' in response.content.decode()


def test_one_page_for_every_reader_without_a_token_or_a_cookie(django_assert_num_queries):
    article = make_article()
    url = article.get_absolute_url()
    first = Client().get(url)
    with django_assert_num_queries(0):
        second = Client().get(url)
    assert first.content == second.content
    assert "csrfmiddlewaretoken" not in second.content.decode()
    for response in (first, second):
        assert not response.cookies, "no Set-Cookie on a public page"
        assert "Cookie" not in response.get("Vary", "")
    assert first["ETag"] == second["ETag"] and first["ETag"].startswith('"')


def test_conditional_get_answers_304(client):
    article = make_article()
    first = client.get(article.get_absolute_url())
    etag = first["ETag"]
    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    publish_changes(article, headline="Changed")
    assert client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_cache_control_is_public_for_a_shared_cache_on_everypage_text(client):
    article = make_article()
    for url in ["/", article.get_absolute_url(), "/latest/", "/feed/", "/sitemap.xml"]:
        response = client.get(url)
        assert response["Cache-Control"] == "public, max-age=0, s-maxage=60", url


def test_staff_pages_are_private_and_never_stored(editor_client):
    for url in (reverse("admin:index"), reverse("admin:articles_article_changelist")):
        response = editor_client.get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= set(response["Cache-Control"].split(", ")), url
        assert not hasattr(response.wsgi_request, "page_cache"), "the page cache was not asked"
    for url in (reverse("admin:login"), reverse("admin_password_reset")):
        response = Client().get(url)
        assert {"private", "no-store"} <= set(response["Cache-Control"].split(", ")), url


def test_a_page_answering_a_readers_post_is_private_and_not_stored(client):
    article = make_article()
    response = client.post(
        reverse("comments:post", args=[article.pk]), {"name": "", "body": "What I typed"}
    )
    assert response.status_code == 400 and "What I typed</textarea>" in response.content.decode()
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))


def test_posts_are_never_cached(client):
    article = make_article()
    url = reverse("comments:post", args=[article.pk])
    first = client.post(url, {"name": ""})
    second = client.post(url, {"name": "", "body": "Second try"})
    assert "Second try</textarea>" in second.content.decode()
    assert first.status_code == second.status_code == 400


def test_scheduled_article_appears_once_its_time_comes_even_when_pages_are_cached(
    client, editor, clock
):
    article = make_article(status="draft", headline="Right on time")
    article.publish_at = timezone.now() + timedelta(seconds=20)
    workflow.transition(article, "publish", by=editor)
    assert "Right on time" not in page_text(client, "/")  # cached until the publication, no longer
    assert client.get("/").wsgi_request.page_cache == "hit"
    clock.advance(21)
    assert "Right on time" in page_text(client, "/")


def test_healthz_checks_the_database_and_the_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "purges": "ok",
        "tasks": "ok",
    }


def test_each_request_is_logged_once_with_its_status_time_and_cache_use(client, caplog):
    article = make_article()
    with caplog.at_level("INFO", logger="newsroom.requests"):
        client.get(article.get_absolute_url())
        client.get(article.get_absolute_url())
        client.get("/no-such-page/")
    lines = [r.getMessage() for r in caplog.records if r.name == "newsroom.requests"]
    assert len(lines) == 3
    assert lines[0].startswith(f"method=GET path={article.get_absolute_url()} status=200 ms=")
    assert lines[0].endswith("cache=miss") and lines[1].endswith("cache=hit")
    assert "status=404" in lines[2]


def test_a_new_release_never_serves_pages_rendered_by_the_old_one(client, monkeypatch):
    url = make_article().get_absolute_url()
    client.get(url)
    assert client.get(url).wsgi_request.page_cache == "hit"
    monkeypatch.setattr(page_cache, "release", lambda: "the-next-release")
    assert client.get(url).wsgi_request.page_cache == "miss"


def test_the_release_changes_with_templates_code_and_static_files(settings, tmp_path):
    (tmp_path / "templates/readers").mkdir(parents=True)
    (tmp_path / "articles").mkdir()
    template, code = tmp_path / "templates/readers/page.html", tmp_path / "articles/views.py"
    template.write_text("<h1>{{ headline }}</h1>")
    code.write_text("def view(): pass")
    settings.BASE_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    seen = []
    for change in [
        lambda: None,
        lambda: template.write_text("<h2>{{ headline }}</h2>"),
        lambda: code.write_text("def view(): return 1"),
        lambda: (
            (tmp_path / "static").mkdir() or (tmp_path / "static/staticfiles.json").write_text("{}")
        ),
    ]:
        change()
        page_cache.release.cache_clear()
        seen.append(page_cache.release())
    page_cache.release.cache_clear()
    assert len(set(seen)) == 4
