"""The desk's safety nets: revisions, previews, stale saves, corrections and the log."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import previews, revisions
from articles.models import Article, ArticleNote, Byline, PreviewLink, Revision
from audit.models import AuditEntry
from tests.factories import make_article, make_author, make_image, make_topic
from tests.test_workflow import change_form_data

pytestmark = pytest.mark.django_db


def _change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


# Revisions


def test_every_admin_save_keeps_a_revision_with_who_and_when(editor_client, editor):
    article = make_article(body="<p>First draft.</p>")
    editor_client.post(_change_url(article), change_form_data(article, body="<p>Second draft.</p>"))
    article.refresh_from_db()
    editor_client.post(_change_url(article), change_form_data(article, body="<p>Third draft.</p>"))
    history = list(Revision.objects.filter(article=article))
    assert [r.body for r in history] == [
        "<p>Third draft.</p>",
        "<p>Second draft.</p>",
        "<p>First draft.</p>",  # the live version, kept before the first changes over it
    ]
    assert all(r.created_by == editor for r in history)


def test_saving_without_changes_adds_no_revision(editor_client):
    article = make_article()
    editor_client.post(_change_url(article), change_form_data(article))
    article.refresh_from_db()
    editor_client.post(_change_url(article), change_form_data(article))
    assert Revision.objects.filter(article=article).count() == 1


def test_revision_diff_shows_words_removed_and_added_within_a_paragraph(editor):
    article = make_article(
        headline="Old headline",
        body="<p>Kept paragraph.</p><p>The talks ended on Tuesday in Paris.</p><p>Gone.</p>",
    )
    older = revisions.record(article, by=editor)
    article.headline = "New headline"
    article.body = "<p>Kept paragraph.</p><p>The talks ended on Wednesday in Paris.</p>"
    article.save()
    newer = revisions.record(article, by=editor)
    changes = {c["field"]: c for c in revisions.diff(older, newer)}
    assert changes["Headline"]["rows"] == [
        {
            "op": "changed",
            "runs": [
                {"op": "removed", "text": "Old"},
                {"op": "added", "text": "New"},
                {"op": "same", "text": "headline"},
            ],
        }
    ]
    body = changes["Body"]["rows"]
    assert body[0] == {"op": "same", "runs": [{"op": "same", "text": "Kept paragraph."}]}
    assert body[1]["runs"] == [
        {"op": "same", "text": "The talks ended on"},
        {"op": "removed", "text": "Tuesday"},
        {"op": "added", "text": "Wednesday"},
        {"op": "same", "text": "in Paris."},
    ], "a one-word fix shows one word, not the paragraph struck out and added again"
    assert body[2] == {"op": "removed", "runs": [{"op": "removed", "text": "Gone."}]}
    assert "Standfirst" not in changes


def test_revisions_record_section_topics_picture_and_bylines(editor):
    first_section, second_section = make_topic(name="Weather"), make_topic(name="Politics")
    tag = make_topic(name="Europe")
    alice, bob = make_author(name="Alice Aye"), make_author(name="Bob Bee")
    article = make_article(primary_topic=first_section, authors=[alice])
    older = revisions.record(article, by=editor)
    article.primary_topic = second_section
    article.hero_image = make_image(alt_text="Talks in Paris")
    article.save()
    article.topics.set([tag])
    Byline.objects.create(article=article, author=bob, order=1)
    newer = revisions.record(article, by=editor)
    shown = {c["field"]: (c["before"], c["after"]) for c in revisions.diff(older, newer)}
    assert shown["Section"] == ("Weather", "Politics")
    assert shown["Further topics"] == ("none", "Europe")
    assert shown["Lead picture"] == ("none", "Talks in Paris")
    assert shown["Bylines"] == ("Alice Aye", "Alice Aye, Bob Bee")


def test_restoring_a_revision_of_a_live_article_asks_first_then_stages_it(
    editor_client, editor, client
):
    article = make_article(body="<p>The original wording.</p>")
    first = revisions.record(article, by=editor)
    article.body = "<p>A worse wording.</p>"
    article.save()
    revisions.record(article, by=editor)
    url = reverse("admin:articles_article_revisions", args=[article.pk])
    page = editor_client.get(url).content.decode()
    assert '<del><span class="visually-hidden">removed: </span>The original</del>' in page
    assert '<ins><span class="visually-hidden">added: </span>A worse</ins>' in page

    asked = editor_client.post(url, {"restore": first.pk})
    assert asked.status_code == 200
    assert "Restore this revision?" in asked.content.decode()
    assert "unpublished changes" in asked.content.decode()
    assert Revision.objects.filter(article=article).count() == 2, "nothing happens yet"

    response = editor_client.post(url, {"restore": first.pk, "confirm": "yes"}, follow=True)
    assert "restored as unpublished changes" in response.content.decode()
    article.refresh_from_db()
    assert article.body == "<p>A worse wording.</p>", "readers still see the live version"
    assert article.changes.body == "<p>The original wording.</p>"
    assert article.status_label == "Live, with unpublished changes"
    assert "A worse wording." in client.get(article.get_absolute_url()).content.decode()
    assert Revision.objects.filter(article=article).count() == 3
    assert AuditEntry.objects.filter(action="revision_restored", article=article).exists()

    form = editor_client.get(_change_url(article)).content.decode()
    assert "The original wording." in form, "the form opens on the changes"
    on_screen = change_form_data(article, body=article.changes.body)
    editor_client.post(_change_url(article), on_screen | {"_transition": "publish_changes"})
    article.refresh_from_db()
    assert article.body == "<p>The original wording.</p>" and article.changes is None
    assert "The original wording." in client.get(article.get_absolute_url()).content.decode()


def test_restoring_a_revision_of_a_draft_takes_it_at_once(editor_client, editor):
    article = make_article(status="draft", body="<p>First.</p>")
    first = revisions.record(article, by=editor)
    article.body = "<p>Second.</p>"
    article.save()
    url = reverse("admin:articles_article_revisions", args=[article.pk])
    editor_client.post(url, {"restore": first.pk, "confirm": "yes"})
    article.refresh_from_db()
    assert article.body == "<p>First.</p>" and article.changes is None


# Preview


def test_editor_previews_a_draft_exactly_as_readers_will_see_it(editor_client, client):
    draft = make_article(status="draft", headline="Not yet out", standfirst="Coming soon.")
    assert client.get(draft.get_absolute_url()).status_code == 404
    response = editor_client.get(reverse("admin:articles_article_preview", args=[draft.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Not yet out</h1>" in page and "Coming soon." in page
    assert "Preview." in page and 'content="noindex, nofollow"' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


def test_preview_link_shows_one_draft_without_an_account_and_is_logged(editor):
    draft = make_article(status="draft", headline="Embargoed scoop")
    _, path = previews.make(draft, by=editor)
    response = Client().get(path)
    assert response.status_code == 200
    assert "Embargoed scoop" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "Leave A Reply" not in response.content.decode()
    assert AuditEntry.objects.filter(action="preview_made", article=draft, actor=editor).exists()


def test_tampered_preview_link_is_refused(editor):
    draft = make_article(status="draft")
    other = make_article(status="draft", headline="Another secret")
    link, path = previews.make(draft, by=editor)
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert Client().get(path.replace(token, token[:-2] + "xx")).status_code == 404
    forged = signing.dumps({"link": link.pk, "article": other.pk}, salt="wrong-salt")
    response = Client().get(reverse("articles:preview", args=[forged]))
    assert response.status_code == 404
    assert "no longer works" in response.content.decode()
    assert "Another secret" not in response.content.decode()


def test_expired_preview_link_is_refused(editor, settings):
    draft = make_article(status="draft", headline="Old draft")
    link, path = previews.make(draft, by=editor, now=timezone.now() - timedelta(hours=49))
    assert not link.is_active()
    response = Client().get(path)
    assert response.status_code == 404
    assert "Old draft" not in response.content.decode()


def test_editors_revoke_a_preview_link_before_it_expires(editor_client, editor):
    draft = make_article(status="draft", headline="Pulled story")
    url = reverse("admin:articles_article_preview_links", args=[draft.pk])
    page = editor_client.post(url).content.decode()
    link = PreviewLink.objects.get(article=draft)
    # The link the page shows (tokens carry the second they were signed in).
    (path,) = re.findall(r'value="http://testserver(/preview/[^"]+)"', page)
    assert previews.resolve(path.split("/")[2]) == link
    assert Client().get(path).status_code == 200
    editor_client.post(url, {"revoke": link.pk})
    assert Client().get(path).status_code == 404
    assert AuditEntry.objects.filter(action="preview_revoked", article=draft).exists()


def test_writers_make_preview_links_for_their_articles_but_do_not_revoke(writer_client, editor):
    draft = make_article(status="draft")
    url = reverse("admin:articles_article_preview_links", args=[draft.pk])
    assert writer_client.post(url).status_code == 403, "not their article"


# No lost work


def test_stale_save_is_refused_saying_who_and_when_and_keeps_the_text(
    client, editor, django_user_model
):
    article = make_article(headline="Shared story")
    opened = change_form_data(article)  # both open the form
    colleague = django_user_model.objects.create_superuser("cole", "c@example.org", "pw-cole-12345")
    first = Client()
    first.force_login(colleague)
    assert (
        first.post(_change_url(article), opened | {"headline": "Colleague’s version"}).status_code
        == 302
    )

    client.force_login(editor)
    response = client.post(_change_url(article), opened | {"headline": "My version"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "cole saved this article at" in page
    assert 'value="My version"' in page, "what was typed is kept"
    article.refresh_from_db()
    assert article.changes.headline == "Colleague’s version", "the first save is kept"
    assert article.headline == "Shared story", "and readers see neither until it is published"


# Corrections and updates


def test_a_correction_shows_at_the_top_and_moves_the_updated_time(editor_client, client):
    article = make_article(body="<p>Story text.</p>")
    assert article.modified_at is None
    data = change_form_data(article) | {
        "related_choices-TOTAL_FORMS": 0,
        "related_choices-INITIAL_FORMS": 0,
        "notes-TOTAL_FORMS": 1,
        "notes-0-kind": "correction",
        "notes-0-text": "An earlier version gave the wrong date.",
        "notes-0-noted_at_0": timezone.localtime().strftime("%Y-%m-%d"),
        "notes-0-noted_at_1": timezone.localtime().strftime("%H:%M:%S"),
    }
    assert editor_client.post(_change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.modified_at is not None
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.index("An earlier version gave the wrong date.") < page.index("Story text.")
    assert "Updated" in page
    assert AuditEntry.objects.filter(action="note", article=article).exists()


def test_a_plain_save_never_moves_the_updated_time(editor_client):
    article = make_article()
    data = change_form_data(article, standfirst="A new standfirst.", _transition="publish_changes")
    editor_client.post(_change_url(article), data)
    article.refresh_from_db()
    assert article.standfirst == "A new standfirst." and article.modified_at is None


def test_updates_show_at_the_foot(client):
    article = make_article(body="<p>Story text.</p>")
    ArticleNote.objects.create(article=article, kind="update", text="Police have since confirmed.")
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.index("Story text.") < page.index("Police have since confirmed.")


# The desk log and the front page of the admin


def test_desk_log_lists_editorial_and_moderation_decisions(editor_client, editor):
    from comments import moderation
    from comments.models import Reply
    from tests.factories import make_reply

    article = make_article(status="draft", headline="Logged story")
    editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    make_reply(make_article(), status="pending")
    moderation.approve(Reply.objects.all(), by=editor)
    log = reverse("admin:audit_auditentry_changelist")
    page = editor_client.get(log).content.decode()
    assert "Logged story" in page and "Published" in page and "Replies approved" in page
    filtered = editor_client.get(log, {"action__exact": "approve"}).content.decode()
    assert "1 reply" in filtered and "Logged story" not in filtered


def test_admin_front_page_shows_what_needs_an_editor(editor_client):
    make_article(status="review", headline="Waiting for review")
    make_article(headline="Out tomorrow", publish_at=timezone.now() + timedelta(days=1))
    ArticleNote.objects.create(article=make_article(headline="Corrected story"), text="Fixed.")
    page = editor_client.get(reverse("admin:index")).content.decode()
    assert "Waiting for review" in page and "Out tomorrow" in page and "Corrected story" in page


def test_unpublished_articles_stay_hidden_from_readers_everywhere(client):
    for status in ("draft", "review", "archived"):
        make_article(status=status, headline=f"Hidden {status}")
    for url in ("/", "/latest/"):
        assert "Hidden" not in client.get(url).content.decode()
    assert Article.objects.published().count() == 0
