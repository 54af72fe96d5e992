"""Changes to a published article are staged: Save keeps them over the live version, readers
see nothing (and no page is purged) until an editor publishes them; writers submit them for
review; previews show what is on screen; the byline typed with Publish counts."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article, Byline, Revision
from audit.models import AuditEntry
from newsroom.pagecache import sequence
from tests.factories import cache_use, make_article, make_author, make_topic, warm
from tests.test_workflow import change_form_data

pytestmark = pytest.mark.django_db
P = Article.Status.PUBLISHED


def _url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def _with_bylines(data, authors):
    data = {k: v for k, v in data.items() if not k.startswith("bylines-")}
    data |= {"bylines-TOTAL_FORMS": len(authors), "bylines-INITIAL_FORMS": 0}
    for n, author in enumerate(authors):
        data |= {f"bylines-{n}-author": author.pk, f"bylines-{n}-order": n}
    return data


def test_publishing_a_saved_draft_with_a_byline_added_in_the_same_submit_works(editor_client):
    draft = make_article(status="draft", publish_at=None, authors=[])
    author = make_author(name="Nadia Byline")
    data = _with_bylines(change_form_data(draft), [author]) | {"_transition": "publish"}
    response = editor_client.post(_url(draft), data, follow=True)
    page = response.content.decode()
    assert "add at least one author" not in page
    draft.refresh_from_db()
    assert draft.status == P and draft.byline_authors == [author]


def test_saving_a_live_article_keeps_the_changes_and_readers_see_the_live_version(editor_client):
    article = make_article(headline="The live headline", body="<p>Live words.</p>")
    url = article.get_absolute_url()
    warm(url, "/")
    before = sequence.current()
    data = change_form_data(article, headline="A better headline", body="<p>New words.</p>")
    response = editor_client.post(_url(article), data, follow=True)
    assert "Your changes are saved, not published" in response.content.decode()
    assert sequence.current() == before, "nothing a reader sees changed: no purge"
    assert cache_use(url) == "hit"
    assert "Live words." in Client().get(url).content.decode()

    article.refresh_from_db()
    assert article.headline == "The live headline"
    assert article.changes.headline == "A better headline"
    assert article.status_label == "Live, with unpublished changes"
    listing = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Live, with unpublished changes" in listing
    form = editor_client.get(_url(article)).content.decode()
    assert 'value="A better headline"' in form, "the form opens on the changes"
    assert "Publish changes</button>" in form


def test_publishing_changes_makes_them_live_and_purges_the_page(editor_client, editor):
    topic, author = make_topic(name="Diplomacy"), make_author(name="Second Author")
    article = make_article(headline="Before", body="<p>Old.</p>")
    first_author = article.byline_authors[0]
    editor_client.post(
        _url(article),
        _with_bylines(
            change_form_data(article, headline="After", body="<p>New.</p>", topics=[topic.pk]),
            [first_author, author],
        ),
    )
    article.refresh_from_db()
    assert [b.author for b in Byline.objects.filter(article=article)] == [first_author]
    url = article.get_absolute_url()
    warm(url)
    before = sequence.current()

    form = editor_client.get(_url(article)).content.decode()
    assert 'name="bylines-1-author"' in form and "Second Author" in form, "staged bylines shown"
    on_screen = _with_bylines(
        change_form_data(article, headline="After", body="<p>New.</p>", topics=[topic.pk]),
        [first_author, author],
    ) | {"bylines-INITIAL_FORMS": 0, "_transition": "publish_changes"}
    response = editor_client.post(_url(article), on_screen, follow=True)
    assert "Your changes are live." in response.content.decode()
    assert sequence.current() > before
    page = Client().get(url).content.decode()
    assert "After" in page and "New." in page and "Second Author" in page and "Diplomacy" in page
    article.refresh_from_db()
    assert article.changes is None and article.status_label == "Published"
    assert AuditEntry.objects.filter(article=article, action="changes_published").exists()


def test_changes_that_cannot_go_live_are_kept_and_publishing_them_says_why(editor_client):
    article = make_article(body="<p>Words.</p>")
    data = change_form_data(article, body="", _transition="publish_changes")
    response = editor_client.post(_url(article), data)
    assert response.status_code == 200
    assert "To publish, write the body." in response.content.decode()
    article.refresh_from_db()
    assert article.body == "<p>Words.</p>" and article.changes is None

    editor_client.post(_url(article), change_form_data(article, body=""))
    article.refresh_from_db()
    assert article.changes.body == "" and article.body == "<p>Words.</p>"


def test_writers_submit_changes_to_their_live_article_for_review(writer_client, writer, client):
    author = make_author(user=writer)
    article = make_article(authors=[author], headline="Writer's live story")
    untouched = {k: v for k, v in change_form_data(article).items() if "publish_at" not in k}
    writer_client.post(_url(article), untouched)  # writers see the publication time, read-only
    article.refresh_from_db()
    assert article.changes is None, "an untouched save leaves no changes"
    form = writer_client.get(_url(article)).content.decode()
    assert "Submit changes for review</button>" in form and "Publish changes" not in form

    data = change_form_data(article, headline="Writer's better story")
    writer_client.post(_url(article), data | {"_transition": "submit_changes"})
    article.refresh_from_db()
    assert article.headline == "Writer's live story"
    assert article.changes_status == Article.Changes.IN_REVIEW
    assert article.status_label == "Live, changes in review"
    assert "Writer's live story" in client.get(article.get_absolute_url()).content.decode()
    in_review = reverse("admin:articles_article_changelist") + "?changes_status__exact=review"
    assert "Writer&#x27;s live story" in writer_client.get(in_review).content.decode()
    desk = writer_client.get(reverse("admin:index")).content.decode()
    assert "(changes to the live article)" in desk

    assert (
        "Submit changes for review</button>"
        not in writer_client.get(_url(article)).content.decode()
    )

    data |= {"_transition": "publish_changes"}
    writer_client.post(_url(article), data)
    article.refresh_from_db()
    assert article.headline == "Writer's live story", "writers never publish"


def test_discarding_changes_goes_back_to_the_live_version_and_keeps_the_revision(editor_client):
    article = make_article(headline="Live")
    editor_client.post(_url(article), change_form_data(article, headline="Unwanted"))
    article.refresh_from_db()
    discard = change_form_data(article, headline="Unwanted", _transition="discard_changes")
    editor_client.post(_url(article), discard)
    article.refresh_from_db()
    assert article.changes is None and article.headline == "Live"
    assert 'value="Live"' in editor_client.get(_url(article)).content.decode()
    assert Revision.objects.filter(article=article, headline="Unwanted").exists()


def test_a_correction_note_goes_live_with_the_changes_it_explains_and_says_so(
    editor_client, client
):
    article = make_article(body="<p>The talks were on Tuesday.</p>")
    data = change_form_data(article, body="<p>The talks were on Wednesday.</p>") | {
        "related_choices-TOTAL_FORMS": 0,
        "related_choices-INITIAL_FORMS": 0,
        "notes-TOTAL_FORMS": 1,
        "notes-0-kind": "correction",
        "notes-0-text": "An earlier version gave the wrong day.",
        "notes-0-noted_at_0": "2026-01-01",
        "notes-0-noted_at_1": "10:00:00",
    }
    response = editor_client.post(_url(article), data, follow=True)
    assert "Published with the note" in response.content.decode()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "An earlier version gave the wrong day." in page and "Wednesday" in page


def test_preview_shows_what_is_on_screen_and_stores_nothing(editor_client, client):
    article = make_article(headline="Saved headline", body="<p>Saved words.</p>")
    revisions = Revision.objects.count()
    data = change_form_data(article, headline="Typed, not saved", body="<p>Typed words.</p>")
    response = editor_client.post(
        reverse("admin:articles_article_preview", args=[article.pk]), data
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Typed, not saved" in page and "Typed words." in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    article.refresh_from_db()
    assert article.headline == "Saved headline" and article.changes is None
    assert Revision.objects.count() == revisions
    assert "Saved headline" in client.get(article.get_absolute_url()).content.decode()


def test_preview_and_staged_changes_keep_only_the_editors_markup(editor_client):
    article = make_article()
    hostile = '<p onclick="steal()">Words<script>alert(1)</script></p>'
    preview = editor_client.post(
        reverse("admin:articles_article_preview", args=[article.pk]),
        change_form_data(article, body=hostile),
    ).content.decode()
    assert "Words" in preview and "steal()" not in preview and "alert(1)" not in preview
    editor_client.post(_url(article), change_form_data(article, body=hostile))
    article.refresh_from_db()
    assert "onclick" not in article.changes.body and "<script" not in article.changes.body


def test_preview_of_a_new_article_before_it_is_saved(editor_client):
    topic, author = make_topic(name="Weather"), make_author(name="Fresh Writer")
    data = _with_bylines(
        {
            "headline": "Not saved at all",
            "body": "<p>Draft words.</p>",
            "primary_topic": topic.pk,
            "related_choices-TOTAL_FORMS": 0,
            "related_choices-INITIAL_FORMS": 0,
            "notes-TOTAL_FORMS": 0,
            "notes-INITIAL_FORMS": 0,
        },
        [author],
    )
    response = editor_client.post(reverse("admin:articles_article_preview_new"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Not saved at all" in page and "Fresh Writer" in page and "Draft words." in page
    assert not Article.objects.exists()


def test_preview_of_an_article_with_no_section_yet(editor_client):
    draft = make_article(status="draft", primary_topic=None, publish_at=None, headline="Loose")
    for response in (
        editor_client.get(reverse("admin:articles_article_preview", args=[draft.pk])),
        editor_client.post(
            reverse("admin:articles_article_preview_new"),
            {
                "headline": "Sectionless",
                "related_choices-TOTAL_FORMS": 0,
                "related_choices-INITIAL_FORMS": 0,
                "notes-TOTAL_FORMS": 0,
                "notes-INITIAL_FORMS": 0,
                "bylines-TOTAL_FORMS": 0,
                "bylines-INITIAL_FORMS": 0,
            },
        ),
    ):
        assert response.status_code == 200
        assert "No section yet" in response.content.decode()


def test_preview_with_a_field_too_long_says_what_to_fix(editor_client):
    article = make_article()
    data = change_form_data(article, headline="x" * 201)
    response = editor_client.post(
        reverse("admin:articles_article_preview", args=[article.pk]), data
    )
    assert response.status_code == 400
    assert "Headline: Ensure this value has at most 200 characters" in response.content.decode()


def test_preview_links_of_a_live_article_show_its_changes(editor_client, editor, client):
    from articles import previews

    article = make_article(headline="Live version")
    editor_client.post(_url(article), change_form_data(article, headline="Coming version"))
    _, path = previews.make(article, by=editor)
    page = client.get(path).content.decode()
    assert "Coming version" in page and "Live version" not in page
    assert "Live version" in client.get(article.get_absolute_url()).content.decode()


def test_saving_a_live_article_unchanged_leaves_no_changes(editor_client, settings):
    settings.TIME_ZONE = "Europe/Paris"  # the form's times are local, the stored ones UTC
    article = make_article()
    editor_client.post(_url(article), change_form_data(article))
    article.refresh_from_db()
    assert article.changes is None and article.status_label == "Published"


def test_a_writer_reading_someone_elses_article_is_offered_no_save(writer_client):
    article = make_article()
    page = writer_client.get(_url(article)).content.decode()
    assert "You may read this article, not change it." in page
    assert "Save changes</button>" not in page and "desk-save-state" not in page
