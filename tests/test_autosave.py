"""Autosave: the form's fields kept as each editor's working copy, never a revision, never seen
by readers, offered back when the article is opened again."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Revision, WorkingCopy
from newsroom.pagecache import sequence
from tests.factories import cache_use, make_article, warm
from tests.test_workflow import change_form_data

pytestmark = pytest.mark.django_db


def _autosave(article):
    return reverse("admin:articles_article_autosave", args=[article.pk])


def _change(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_autosave_keeps_a_working_copy_that_readers_never_see(editor_client, editor, client):
    article = make_article(headline="Live headline")
    url = article.get_absolute_url()
    warm(url, "/", "/feed/", "/sitemap.xml")
    before, revisions = sequence.current(), Revision.objects.count()
    data = change_form_data(article, headline="Half-typed headline")
    response = editor_client.post(_autosave(article), data)
    assert response.status_code == 200 and "saved_at" in response.json()

    copy = WorkingCopy.objects.get(article=article, user=editor)
    assert ["headline", "Half-typed headline"] in copy.fields
    assert not any(name == "csrfmiddlewaretoken" for name, _ in copy.fields)
    assert Revision.objects.count() == revisions, "an autosave is never a revision"
    assert sequence.current() == before, "and purges nothing"
    for page in (url, "/", "/feed/", "/sitemap.xml"):
        assert cache_use(page) == "hit"
        assert "Half-typed" not in Client().get(page).content.decode()
    assert url not in client.get("/search/?q=Half-typed").content.decode()
    article.refresh_from_db()
    assert article.headline == "Live headline" and article.changes is None


def test_opening_the_article_again_offers_the_newer_working_copy(editor_client, editor):
    article = make_article(headline="Saved headline")
    editor_client.post(_autosave(article), change_form_data(article, headline="Autosaved one"))
    page = editor_client.get(_change(article)).content.decode()
    start = page.index('<script id="desk-working-copy" type="application/json">')
    data = json.loads(page[start:].split(">", 1)[1].split("</script>", 1)[0])
    assert ["headline", "Autosaved one"] in data["fields"]
    assert data["label"]


def test_a_real_save_replaces_the_working_copy(editor_client, editor):
    article = make_article(status="draft")
    editor_client.post(_autosave(article), change_form_data(article, headline="Typed"))
    editor_client.post(_change(article), change_form_data(article, headline="Typed"))
    assert not WorkingCopy.objects.filter(article=article).exists()
    assert "desk-working-copy" not in editor_client.get(_change(article)).content.decode()


def test_a_working_copy_older_than_the_article_is_not_offered(editor_client, editor, client):
    article = make_article(status="draft")
    editor_client.post(_autosave(article), change_form_data(article, headline="Mine, older"))
    other = Client()
    other.force_login(
        type(editor).objects.create_superuser("sam", "sam@example.org", "a-long-password-1")
    )
    other.post(_change(article), change_form_data(article, headline="Someone saved since"))
    assert "desk-working-copy" not in editor_client.get(_change(article)).content.decode()


def test_two_editors_working_copies_do_not_mix(editor_client, editor, django_user_model):
    article = make_article()
    colleague = django_user_model.objects.create_superuser("cole", "c@example.org", "pw-12345-ok")
    other = Client()
    other.force_login(colleague)
    editor_client.post(_autosave(article), change_form_data(article, headline="Edna's"))
    other.post(_autosave(article), change_form_data(article, headline="Cole's"))
    kept = {c.user: dict(c.fields)["headline"] for c in WorkingCopy.objects.filter(article=article)}
    assert kept == {editor: "Edna's", colleague: "Cole's"}
    assert "Cole's" not in editor_client.get(_change(article)).content.decode()


def test_autosave_leaves_the_stale_save_protection_as_it_was(editor_client, django_user_model):
    article = make_article(status="draft", headline="Shared")
    opened = change_form_data(article)
    editor_client.post(_autosave(article), opened | {"headline": "Autosaved"})
    # The autosave did not move the article's version: the real save still goes through.
    assert editor_client.post(_change(article), opened | {"headline": "Mine"}).status_code == 302
    colleague = Client()
    colleague.force_login(
        django_user_model.objects.create_superuser("cole", "c@example.org", "pw-12345-ok")
    )
    late = colleague.post(_change(article), opened | {"headline": "Cole's older one"})
    assert late.status_code == 200 and "saved this article at" in late.content.decode()


def test_discarding_the_working_copy(editor_client, editor):
    article = make_article()
    editor_client.post(_autosave(article), change_form_data(article, headline="Typed"))
    response = editor_client.post(_autosave(article), {"discard": "1"})
    assert response.json() == {"discarded": True}
    assert not WorkingCopy.objects.exists()


def test_autosave_refuses_whoever_may_not_edit(writer_client):
    article = make_article(headline="Someone else's")
    assert writer_client.post(_autosave(article), {"headline": "x"}).status_code == 403
    assert Client().post(_autosave(article), {"headline": "x"}).status_code == 302  # sign in
    assert editor_client_get_only(article).status_code == 405
    assert not WorkingCopy.objects.exists()


def editor_client_get_only(article):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("gus", "g@example.org", "pw-12345-ok")
    client = Client()
    client.force_login(user)
    return client.get(_autosave(article))


def test_autosave_query_budget(editor_client, editor, django_assert_num_queries):
    article = make_article()
    data = change_form_data(article, headline="Typed")
    editor_client.post(_autosave(article), data)  # the working copy exists: an update
    # The session, the user, their second step, the article, their permissions (2), the update.
    with django_assert_num_queries(7):
        assert editor_client.post(_autosave(article), data).status_code == 200


def test_opening_the_form_with_a_working_copy_query_budget(
    editor_client, django_assert_num_queries
):
    article = make_article()
    editor_client.post(_autosave(article), change_form_data(article, headline="Typed"))
    # One more than without a working copy: the copy itself (and one for the related
    # stories chosen, the form's rows).
    with django_assert_num_queries(18):
        assert editor_client.get(_change(article)).status_code == 200
