"""Editors choose related stories in the article form: found by typing, kept in order, at
most four, never the story itself; on a live story the choice waits with its other changes."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.forms import TOO_MANY_RELATED
from articles.models import Article, RelatedChoice
from tests.factories import make_article, run_worker
from tests.test_related import related_on_page
from tests.test_workflow import change_form_data

pytestmark = pytest.mark.django_db


def with_related(article, stories, **overrides) -> dict:
    """The change form's data with `stories` as the related rows, in this order."""
    data = change_form_data(article, **overrides)
    data |= {
        "related_choices-TOTAL_FORMS": len(stories),
        "related_choices-INITIAL_FORMS": 0,
    }
    for n, story in enumerate(stories):
        data |= {
            f"related_choices-{n}-article": article.pk,
            f"related_choices-{n}-related": story.pk,
            f"related_choices-{n}-order": n,
        }
    return data


def change_url(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def test_the_form_offers_related_stories_with_autocomplete_and_help(editor_client):
    article = make_article(status=Article.Status.DRAFT)
    page = editor_client.get(change_url(article)).content.decode()
    assert "Related stories, in order (up to 4)" in page
    assert 'data-field-name="related"' in page or "admin-autocomplete" in page
    assert "Type words of its headline to find it." in page
    make_article(headline="Glaciers in retreat")
    found = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "relatedchoice",
            "field_name": "related",
            "term": "Glacier",
        },
    )
    assert found.status_code == 200
    assert [r["text"] for r in found.json()["results"]] == ["Glaciers in retreat"]


def test_a_draft_keeps_its_related_stories_in_the_order_given(editor_client):
    article = make_article(status=Article.Status.DRAFT)
    first, second, third = (make_article(headline=f"Pick {n}") for n in (1, 2, 3))
    response = editor_client.post(change_url(article), with_related(article, [third, first]))
    assert response.status_code == 302
    chosen = RelatedChoice.objects.filter(article=article).order_by("order")
    assert [c.related_id for c in chosen] == [third.pk, first.pk]
    article.refresh_from_db()
    data = change_form_data(article)  # the form as it opens now, the rows reordered
    data |= {"related_choices-0-order": 1, "related_choices-1-order": 0}
    assert editor_client.post(change_url(article), data).status_code == 302
    chosen = RelatedChoice.objects.filter(article=article).order_by("order")
    assert [c.related_id for c in chosen] == [first.pk, third.pk]
    assert second.pk not in [c.related_id for c in chosen]


def test_a_fifth_related_story_is_refused_with_a_clear_message(editor_client):
    article = make_article(status=Article.Status.DRAFT, headline="Kept as it was")
    stories = [make_article(headline=f"Pick {n}") for n in range(5)]
    response = editor_client.post(
        change_url(article), with_related(article, stories, headline="Not saved")
    )
    assert response.status_code == 200, "the form again, with the message"
    page = response.content.decode()
    assert "Choose at most 4 related stories: remove one before adding another." in page
    assert TOO_MANY_RELATED.startswith("Choose at most 4")
    article.refresh_from_db()
    assert article.headline == "Kept as it was"
    assert not RelatedChoice.objects.filter(article=article).exists()


def test_a_story_cannot_be_chosen_as_related_to_itself(editor_client):
    article = make_article(status=Article.Status.DRAFT, headline="Self regard")
    response = editor_client.post(change_url(article), with_related(article, [article]))
    assert response.status_code == 200
    assert "“Self regard” cannot be related to itself: choose another story." in (
        response.content.decode()
    )
    assert not RelatedChoice.objects.filter(article=article).exists()


def test_a_story_chosen_twice_is_refused(editor_client):
    article = make_article(status=Article.Status.DRAFT)
    twice = make_article(headline="Said twice")
    response = editor_client.post(change_url(article), with_related(article, [twice, twice]))
    assert response.status_code == 200
    assert "“Said twice” is chosen twice: keep it once." in response.content.decode()


def test_a_live_storys_related_choice_is_staged_until_its_changes_are_published(
    editor_client, editor
):
    story = make_article(headline="Live story")
    chosen = make_article(headline="Chosen at the desk")
    response = editor_client.post(change_url(story), with_related(story, [chosen]))
    assert response.status_code == 302
    assert not RelatedChoice.objects.filter(article=story).exists(), "kept with the changes"
    story.refresh_from_db()
    assert story.changes.content["related"] == [chosen.pk]
    assert related_on_page(story, Client()) == []
    page = editor_client.get(change_url(story)).content.decode()
    assert f'<option value="{chosen.pk}" selected>Chosen at the desk</option>' in page, (
        "the form opens on the changes"
    )
    story.refresh_from_db()
    data = change_form_data(story) | {
        "related_choices-TOTAL_FORMS": 1,
        "related_choices-INITIAL_FORMS": 0,
        "related_choices-0-related": chosen.pk,
        "related_choices-0-order": 0,
        "_transition": "publish_changes",
    }
    assert editor_client.post(change_url(story), data).status_code == 302
    run_worker()
    assert [c.related_id for c in RelatedChoice.objects.filter(article=story)] == [chosen.pk]
    assert related_on_page(story, Client()) == ["Chosen at the desk"]


def test_the_revisions_page_names_the_related_stories_that_changed(editor_client):
    story = make_article(status=Article.Status.DRAFT, headline="Drafted")
    chosen = make_article(headline="Picked for it")
    assert editor_client.post(change_url(story), change_form_data(story)).status_code == 302
    story.refresh_from_db()
    assert editor_client.post(change_url(story), with_related(story, [chosen])).status_code == 302
    page = editor_client.get(
        reverse("admin:articles_article_revisions", args=[story.pk])
    ).content.decode()
    assert "Related stories" in page and "Picked for it" in page
