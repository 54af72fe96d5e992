"""The editorial workflow: the transition table, who may do what, and scheduling."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article
from audit.models import AuditEntry
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db

D, R, P, A = "draft", "review", "published", "archived"
CHANGELIST = reverse("admin:articles_article_changelist")


# The table, rule by rule


ALLOWED = {
    (D, "submit"): R,
    (R, "withdraw"): D,
    (D, "publish"): P,
    (R, "publish"): P,
    (P, "unpublish"): D,
    (D, "archive"): A,
    (R, "archive"): A,
    (P, "archive"): A,
    (A, "restore"): D,
}


@pytest.mark.parametrize("status", [D, R, P, A])
@pytest.mark.parametrize("name", [t.name for t in workflow.TRANSITIONS])
def test_every_transition_is_allowed_or_refused_as_the_table_says(editor, status, name):
    article = make_article(status=status)
    if (status, name) in ALLOWED:
        workflow.transition(article, name, by=editor)
        assert Article.objects.get(pk=article.pk).status == ALLOWED[(status, name)]
        assert AuditEntry.objects.filter(article=article).exists(), "every step is logged"
    else:
        with pytest.raises(workflow.TransitionError, match="cannot be sent to"):
            workflow.transition(article, name, by=editor)
        assert Article.objects.get(pk=article.pk).status == status


def test_writers_submit_and_withdraw_their_own_but_never_publish(writer):
    article = make_article(status=D, authors=[make_author(user=writer)])
    workflow.transition(article, "submit", by=writer)
    workflow.transition(article, "withdraw", by=writer)
    for name in ("publish", "archive"):
        with pytest.raises(workflow.TransitionError, match="only editors publish"):
            workflow.transition(article, name, by=writer)


def test_writers_cannot_move_someone_elses_article(writer):
    article = make_article(status=D)
    with pytest.raises(workflow.TransitionError, match="only their own unpublished"):
        workflow.transition(article, "submit", by=writer)


def test_publishing_an_article_that_is_not_ready_says_what_is_missing(editor):
    article = make_article(status=D, authors=[], body="")
    with pytest.raises(workflow.TransitionError, match="add at least one author, write the body"):
        workflow.transition(article, "publish", by=editor)


def test_publish_now_schedules_a_future_time_and_moves_a_past_one_to_now(editor):
    later = timezone.now() + timedelta(hours=3)
    scheduled = workflow.transition(make_article(status=D, publish_at=later), "publish", by=editor)
    assert scheduled.publish_at == later and scheduled.status_label == "Scheduled"
    assert AuditEntry.objects.filter(action="schedule", article=scheduled).exists()
    past = timezone.now() - timedelta(days=3)
    now_published = workflow.transition(
        make_article(status=D, publish_at=past), "publish", by=editor
    )
    assert now_published.publish_at > past + timedelta(days=2)
    assert now_published.published_by == editor


def test_scheduled_article_appears_exactly_at_its_time_with_no_job(client, editor, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the rule itself; test_caching covers cached pages
    at = timezone.now() + timedelta(hours=1)
    article = workflow.transition(
        make_article(status=D, publish_at=at, headline="Embargoed report"), "publish", by=editor
    )
    with mock.patch("django.utils.timezone.now", return_value=at - timedelta(seconds=1)):
        assert client.get(article.get_absolute_url()).status_code == 404
        assert "Embargoed report" not in client.get("/").content.decode()
    with mock.patch("django.utils.timezone.now", return_value=at + timedelta(seconds=1)):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert "Embargoed report" in client.get("/").content.decode()


# The permission matrix, through the admin over HTTP


@pytest.fixture
def people(django_user_model, writer, editor, moderator):
    other = django_user_model.objects.create_user(
        "otto", "o@example.org", "pw-otto-12345", is_staff=True
    )
    other.groups.add(writer.groups.first())
    boss = django_user_model.objects.create_superuser("root", "r@example.org", "pw-root-12345")
    return {
        "anonymous": None,
        "writer": writer,
        "other writer": other,
        "editor": editor,
        "moderator": moderator,
        "superuser": boss,
    }


def _client(user):
    client = Client()
    if user:
        client.force_login(user)
    return client


def _owned_by(writer, **fields):
    return make_article(authors=[make_author(user=writer)], **fields)


MATRIX = {
    # operation: {role: may?}
    "view": {
        "anonymous": 0,
        "writer": 1,
        "other writer": 1,
        "editor": 1,
        "moderator": 0,
        "superuser": 1,
    },
    "change": {
        "anonymous": 0,
        "writer": 1,
        "other writer": 0,
        "editor": 1,
        "moderator": 0,
        "superuser": 1,
    },
    "submit": {
        "anonymous": 0,
        "writer": 1,
        "other writer": 0,
        "editor": 1,
        "moderator": 0,
        "superuser": 1,
    },
    "publish": {
        "anonymous": 0,
        "writer": 0,
        "other writer": 0,
        "editor": 1,
        "moderator": 0,
        "superuser": 1,
    },
    "unpublish": {
        "anonymous": 0,
        "writer": 0,
        "other writer": 0,
        "editor": 1,
        "moderator": 0,
        "superuser": 1,
    },
    "preview": {
        "anonymous": 0,
        "writer": 1,
        "other writer": 0,
        "editor": 1,
        "moderator": 0,
        "superuser": 1,
    },
}


@pytest.mark.parametrize("role", list(MATRIX["view"]))
@pytest.mark.parametrize("operation", list(MATRIX))
def test_permission_matrix(people, role, operation):
    writer = people["writer"]
    client = _client(people[role])
    may = bool(MATRIX[operation][role])
    status = P if operation == "unpublish" else D
    article = _owned_by(writer, status=status, headline="Matrix story")
    change_url = reverse("admin:articles_article_change", args=[article.pk])

    if operation == "view":
        response = client.get(change_url)
        assert (response.status_code == 200) is may
        if may:
            assert "Matrix story" in response.content.decode()
    elif operation == "change":
        response = client.post(change_url, change_form_data(article, headline="Edited story"))
        article.refresh_from_db()
        assert (article.headline == "Edited story") is may, response.status_code
    elif operation == "preview":
        response = client.get(reverse("admin:articles_article_preview", args=[article.pk]))
        assert (response.status_code == 200) is may
        if may:
            assert 'content="noindex, nofollow"' in response.content.decode()
    else:
        action = {"submit": "submit_selected", "publish": "publish_selected"}.get(
            operation, "unpublish_selected"
        )
        client.post(CHANGELIST, {"action": action, "_selected_action": [article.pk]})
        article.refresh_from_db()
        expected = {"submit": R, "publish": P, "unpublish": D}[operation]
        assert (article.status == expected) is may


def change_form_data(article, **overrides):
    """What the admin's change form posts for `article`, as its page would send it."""
    bylines = list(article.bylines.all())
    chosen = list(article.related_choices.all())
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "primary_topic": article.primary_topic_id or "",
        "status": article.status,
        "publish_at_0": timezone.localtime(article.publish_at).strftime("%Y-%m-%d")
        if article.publish_at
        else "",
        "publish_at_1": timezone.localtime(article.publish_at).strftime("%H:%M:%S")
        if article.publish_at
        else "",
        "allow_replies": "on" if article.allow_replies else "",
        "loaded_version": article.updated_at.isoformat(),
        "bylines-TOTAL_FORMS": len(bylines),
        "bylines-INITIAL_FORMS": len(bylines),
        "related_choices-TOTAL_FORMS": len(chosen),
        "related_choices-INITIAL_FORMS": len(chosen),
        "notes-TOTAL_FORMS": 0,
        "notes-INITIAL_FORMS": 0,
    }
    for n, byline in enumerate(bylines):
        data |= {
            f"bylines-{n}-id": byline.pk,
            f"bylines-{n}-article": article.pk,
            f"bylines-{n}-author": byline.author_id,
            f"bylines-{n}-order": byline.order,
        }
    for n, choice in enumerate(chosen):
        data |= {
            f"related_choices-{n}-id": choice.pk,
            f"related_choices-{n}-article": article.pk,
            f"related_choices-{n}-related": choice.related_id,
            f"related_choices-{n}-order": choice.order,
        }
    return data | overrides


def test_buttons_on_the_change_form_move_the_article(writer_client, writer, client, editor):
    article = _owned_by(writer, status=D)
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = writer_client.get(url).content.decode()
    assert 'name="_transition" value="submit"' in page and ">Submit for review</button>" in page
    assert 'value="publish"' not in page

    response = writer_client.post(url, change_form_data(article, _transition="submit"), follow=True)
    assert "submitted for review" in response.content.decode()
    article.refresh_from_db()
    assert article.status == R

    client.force_login(editor)
    response = client.post(url, change_form_data(article, _transition="publish"), follow=True)
    article.refresh_from_db()
    assert article.status == P and article.published_by == editor


def test_a_status_posted_with_the_form_is_ignored_only_the_buttons_move_it(editor_client, editor):
    draft = make_article(status=D, publish_at=None)
    url = reverse("admin:articles_article_change", args=[draft.pk])
    assert editor_client.post(url, change_form_data(draft, status=P)).status_code == 302
    draft.refresh_from_db()
    assert draft.status == D, "the status is shown once, and moves by the workflow's buttons"
    editor_client.post(url, change_form_data(draft, _transition="publish"))
    draft.refresh_from_db()
    assert draft.status == P and draft.publish_at is not None
    assert AuditEntry.objects.filter(article=draft, action="publish", actor=editor).exists()


def test_writer_cannot_edit_their_article_once_published(writer_client, writer):
    article = _owned_by(writer, status=P)
    url = reverse("admin:articles_article_change", args=[article.pk])
    writer_client.post(url, change_form_data(article, headline="Sneaky edit"))
    article.refresh_from_db()
    assert article.headline != "Sneaky edit"


def test_anonymous_user_has_no_permission():
    assert not workflow.can_edit(AnonymousUser(), make_article())
