"""Under every story, "Related" and "More in <section>": the chosen stories first, in order,
then the closest others; never the story itself, never twice, never one readers may not see;
kept when stories are published, unpublished or deleted (the related lists by the worker, the
sections' at once), and purged then."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import changes, related, workflow
from articles.models import Article, RelatedLink
from newsroom.pagecache import sequence
from tests.factories import cache_use, make_article, make_topic, page_text, run_worker, warm
from tests.test_cache_tags import PurgeReceiver, purge_server  # noqa: F401 - a fixture
from tests.test_workflow import change_form_data

pytestmark = pytest.mark.django_db


def _listed(html: str, group: str) -> list[str]:
    """The headlines a group of the block lists ("related" or "section"), in order."""
    found = re.search(rf'aria-labelledby="read-next-{group}">(.*?)</nav>', html, re.S)
    if not found:
        return []
    return re.findall(r'class="read-next-headline"><a href="[^"]+">([^<]+)</a>', found.group(1))


def related_on_page(article, client=None) -> list[str]:
    return _listed(page_text(client or Client(), article.get_absolute_url()), "related")


def section_on_page(article, client=None) -> list[str]:
    return _listed(page_text(client or Client(), article.get_absolute_url()), "section")


def published(editor, **fields) -> Article:
    """A story published through the workflow, as the desk publishes it, and the worker's
    background work done (no standfirst: the factory's share their words, which PostgreSQL's
    similarity would take for a relation)."""
    article = make_article(status=Article.Status.DRAFT, **{"standfirst": ""} | fields)
    workflow.transition(article, "publish", by=editor)
    run_worker()
    return article


def choose(article, *stories) -> None:
    """The editors' choice for a draft (a live story's goes through its staged changes)."""
    changes.write_related(article, [story.pk for story in stories])


def test_chosen_stories_come_first_in_their_order_then_stories_sharing_a_topic(editor):
    floods = make_topic(name="Floods")
    first = published(editor, headline="Chosen first", primary_topic=make_topic())
    second = published(editor, headline="Chosen second", primary_topic=make_topic())
    sharing = published(editor, headline="Floods ahead", topics=[floods])
    published(editor, headline="Unconnected piece")
    story = make_article(
        status=Article.Status.DRAFT, headline="Main report", standfirst="", topics=[floods]
    )
    choose(story, second, first)
    workflow.transition(story, "publish", by=editor)
    run_worker()
    assert related_on_page(story) == ["Chosen second", "Chosen first", "Floods ahead"]
    assert related_on_page(sharing) == ["Main report"], "its neighbour's list took the story in"
    links = list(story.related_links.values_list("related_id", "chosen"))
    assert links[:2] == [(second.pk, True), (first.pk, True)]


def test_the_desk_publishes_at_once_and_the_worker_writes_the_related_lists(editor_client, editor):
    floods = make_topic(name="Floods")
    story = published(editor, headline="The story", topics=[floods])
    warm(story.get_absolute_url())
    neighbour = make_article(
        status=Article.Status.DRAFT, headline="A neighbour", standfirst="", topics=[floods]
    )
    data = change_form_data(neighbour) | {"topics": [floods.pk], "_transition": "publish"}
    url = reverse("admin:articles_article_change", args=[neighbour.pk])
    assert editor_client.post(url, data).status_code == 302
    assert not RelatedLink.objects.filter(article=neighbour).exists(), "not in the request"
    assert related_on_page(neighbour) == []
    before = sequence.current()
    run_worker()
    purged = sequence.purged_since(before, sequence.current())
    assert {f"related-{story.pk}", f"related-{neighbour.pk}"} <= purged
    assert cache_use(story.get_absolute_url()) == "miss", "the block listing it now was purged"
    assert related_on_page(story) == ["A neighbour"]
    assert related_on_page(neighbour) == ["The story"]


def test_a_story_never_lists_itself_nor_one_story_twice(editor):
    floods = make_topic(name="Floods")
    near = published(editor, headline="Chosen and sharing", topics=[floods])
    story = make_article(status=Article.Status.DRAFT, headline="The story", topics=[floods])
    choose(story, near)
    workflow.transition(story, "publish", by=editor)
    run_worker()
    assert related_on_page(story) == ["Chosen and sharing"]
    assert "The story" not in related_on_page(story)
    assert related.related_ids(story) == [(near.pk, True)]


def test_a_chosen_draft_shows_once_it_is_published(editor):
    draft = make_article(status=Article.Status.DRAFT, headline="Not out yet")
    story = make_article(status=Article.Status.DRAFT, headline="The story")
    choose(story, draft)
    workflow.transition(story, "publish", by=editor)
    run_worker()
    assert related_on_page(story) == []
    warm(story.get_absolute_url())
    workflow.transition(draft, "publish", by=editor)
    run_worker()
    assert cache_use(story.get_absolute_url()) == "miss", "the block was purged"
    assert related_on_page(story) == ["Not out yet"]


def test_a_story_unpublished_later_drops_out_of_its_neighbours_lists(editor):
    floods = make_topic(name="Floods")
    leaving = published(editor, headline="Soon withdrawn", topics=[floods])
    staying = published(editor, headline="Stays", topics=[floods])
    story = published(editor, headline="The story", topics=[floods])
    assert set(related_on_page(story)) == {"Soon withdrawn", "Stays"}
    warm(story.get_absolute_url(), staying.get_absolute_url())
    workflow.transition(leaving, "unpublish", by=editor)
    run_worker()
    assert cache_use(story.get_absolute_url()) == "miss"
    assert related_on_page(story) == ["Stays"]
    assert related_on_page(staying) == ["The story"]
    assert not related.neighbours(leaving), "no list keeps it"


@pytest.mark.django_db(transaction=True)
def test_publishing_or_unpublishing_a_neighbour_purges_the_blocks_that_list_it(
    editor,
    settings,
    purge_server,  # noqa: F811 - the fixture imported above
    purges_sent,
):
    settings.CACHE_PURGE_URLS = [purge_server.url]
    floods = make_topic(name="Floods")
    story = published(editor, headline="The story", topics=[floods])
    elsewhere = published(editor, headline="Elsewhere")
    assert purges_sent.wait_sent(timeout=10)
    received = purge_server.RequestHandlerClass.received
    received.clear()

    neighbour = published(editor, headline="A neighbour", topics=[floods])
    assert purges_sent.wait_sent(timeout=10)
    tags = {tag for _, sent in received for tag in sent.split()}
    assert f"related-{story.pk}" in tags, "the block listing it now"
    assert f"related-{elsewhere.pk}" not in tags, "a block that does not list it"

    received.clear()
    workflow.transition(neighbour, "unpublish", by=editor)
    run_worker()
    assert purges_sent.wait_sent(timeout=10)
    tags = {tag for _, sent in received for tag in sent.split()}
    assert f"related-{story.pk}" in tags and f"article-{neighbour.pk}" in tags
    assert f"related-{elsewhere.pk}" not in tags


def test_a_neighbour_published_purges_only_the_blocks_it_joins(editor):
    floods = make_topic(name="Floods")
    story = published(editor, headline="The story", topics=[floods])
    other = published(editor, headline="Unrelated piece")
    warm(story.get_absolute_url(), other.get_absolute_url())
    before = sequence.current()
    published(editor, headline="A neighbour", topics=[floods])
    assert f"related-{story.pk}" in sequence.purged_since(before, sequence.current())
    assert cache_use(story.get_absolute_url()) == "miss"
    assert related_on_page(story) == ["A neighbour"]
    assert cache_use(other.get_absolute_url()) == "hit"


def test_a_deleted_neighbour_leaves_the_lists(editor_client, editor):
    floods = make_topic(name="Floods")
    doomed = published(editor, headline="To be deleted", topics=[floods])
    story = published(editor, headline="The story", topics=[floods])
    assert related_on_page(story) == ["To be deleted"]
    url = reverse("admin:articles_article_delete", args=[doomed.pk])
    assert editor_client.post(url, {"post": "yes"}).status_code == 302
    run_worker()
    assert not Article.objects.filter(pk=doomed.pk).exists()
    assert related_on_page(story) == []


def test_stories_with_the_same_words_are_related_on_postgresql_and_by_topics_elsewhere(editor):
    """PostgreSQL's full-text similarity finds a story in another section with the same
    words; elsewhere only shared topics relate stories, the newest first."""
    published(editor, headline="Alpine glaciers melt faster", standfirst="Glaciers in the Alps.")
    published(editor, headline="Budget vote delayed", standfirst="Parliament waits.")
    energy = make_topic(name="Energy")
    published(
        editor,
        headline="Wind farm opens",
        topics=[energy],
        publish_at=timezone.now() - timedelta(days=2),
    )
    published(editor, headline="Solar prices fall", topics=[energy])
    story = published(
        editor,
        headline="Glaciers melt in the Alps",
        standfirst="The Alpine glaciers shrink.",
        topics=[energy],
    )
    listed = related_on_page(story)
    if connection.vendor == "postgresql":
        assert listed[0] == "Alpine glaciers melt faster", "the same words rank first"
        assert set(listed) == {
            "Alpine glaciers melt faster",
            "Solar prices fall",
            "Wind farm opens",
        }
    else:
        assert listed == ["Solar prices fall", "Wind farm opens"], "shared topic, newest first"
        assert "Budget vote delayed" not in listed


def test_more_in_the_section_lists_its_newest_stories_but_the_story_itself(editor):
    """The section's other stories are also close to the story (they share its section), so
    Related takes four of them and More in goes on with the next newest."""
    world = make_topic(name="World")
    stories = [
        published(editor, headline=f"World story {n}", primary_topic=world) for n in range(1, 11)
    ]
    page = page_text(Client(), stories[-1].get_absolute_url())
    assert 'id="read-next-section">More in <a href="/' in page
    shown_related, shown_section = _listed(page, "related"), _listed(page, "section")
    newest_first = [f"World story {n}" for n in range(9, 0, -1)]
    assert len(shown_related) == 4
    assert shown_section == [h for h in newest_first if h not in shown_related][:4]


def test_a_story_in_related_is_not_repeated_in_more_in_the_section(editor):
    world = make_topic(name="World")
    older = [published(editor, headline=f"World story {n}", primary_topic=world) for n in (1, 2)]
    published(editor, headline="World story 3", primary_topic=world)
    story = make_article(
        status=Article.Status.DRAFT, headline="The story", standfirst="", primary_topic=world
    )
    choose(story, *older)
    workflow.transition(story, "publish", by=editor)
    run_worker()
    page = page_text(Client(), story.get_absolute_url())
    assert _listed(page, "related") == ["World story 1", "World story 2", "World story 3"]
    assert _listed(page, "section") == [], "each of the section's stories is in Related already"


def test_a_scheduled_story_joins_the_lists_at_its_time(editor, clock):
    world = make_topic(name="World")
    story = published(editor, headline="Out now", primary_topic=world)
    published(
        editor,
        headline="Out in an hour",
        primary_topic=world,
        publish_at=timezone.now() + timedelta(hours=1),
    )
    assert section_on_page(story) == [] and related_on_page(story) == []
    clock.advance(2 * 3600)
    assert related_on_page(story) == ["Out in an hour"], "it shares the section"
    assert section_on_page(story) == [], "shown in Related, not again in More in"


def test_the_block_sits_under_the_story_and_share_block_before_the_replies(editor):
    world = make_topic(name="World")
    published(editor, headline="Earlier", primary_topic=world)
    story = published(editor, headline="The story", primary_topic=world)
    page = page_text(Client(), story.get_absolute_url())
    share, block, replies = (
        page.index('class="share"'),
        page.index('class="read-next"'),
        page.index('id="replies"'),
    )
    assert share < block < replies
    assert '<nav class="read-next-group" aria-labelledby="read-next-related">' in page
    assert '<h2 id="read-next-related">Related</h2>' in page
    assert page.count('class="read-next"') == 1


def test_a_live_storys_related_choice_waits_for_its_changes_to_be_published(editor):
    chosen = published(editor, headline="Chosen later")
    story = published(editor, headline="The story")
    content = {**changes.of_article(story), "related": [chosen.pk]}
    changes.stage(story, content, by=editor)
    assert related_on_page(story) == [], "staged: readers see the live version"
    changes.publish(story, by=editor)
    run_worker()
    assert related_on_page(story) == ["Chosen later"]


def test_the_daily_job_and_an_import_write_every_list_again(editor):
    floods = make_topic(name="Floods")
    a = make_article(headline="Written in bulk A", topics=[floods])
    b = make_article(headline="Written in bulk B", topics=[floods])
    assert related_on_page(a) == [], "no service said it was published"
    related.refresh_daily()
    assert related_on_page(a) == ["Written in bulk B"]
    assert related_on_page(b) == ["Written in bulk A"]
