"""What the front's desk page says and shows as an editor works: blocks named as the editor sees
them, the arrangement just scheduled still in view, a refused time kept in its box, and a pinned
story later unpublished shown (with Unpin) at the desk while readers never see it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fronts.models import Arrangement, Front
from tests.factories import make_article, make_topic, page_body, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return Front.objects.get_or_create(topic=None)[0]


def _url(front):
    return reverse("admin:fronts_front_change", args=[front.pk])


def _blocks(client, front) -> str:
    return page_body(client, _url(front)).split('id="front-blocks"')[1]


def _slot(page, block, slot) -> str:
    return page.split(f'data-block="{block}" data-slot="{slot}"')[1].split("</li>")[0]


def test_messages_name_blocks_by_their_title_or_kind_and_section(editor_client, home):
    world = make_topic(name="World", slug="world")
    story = make_article(headline="Quake", primary_topic=world)
    post = lambda **data: editor_client.post(_url(home), data)  # noqa: E731
    post(action="add_block", kind="section", topic=world.pk)
    assert "Draft changed: Section row: World added." in _blocks(editor_client, home)
    added = len(Front.objects.get().draft["blocks"]) - 1
    post(action="pin", article=story.pk, target=f"{added}:1")
    assert "“Quake” pinned to Section row: World, slot 2." in _blocks(editor_client, home)
    post(action="unpin", block=1, slot=2)
    assert "Draft changed: Top stories, slot 3 fills automatically." in _blocks(editor_client, home)
    post(action="change_block", block=1, slots=4, title="Big stories")
    assert "Top stories changed (now “Big stories”)." in _blocks(editor_client, home)
    post(action="move_block", block=1, by=-1)
    assert "Draft changed: Big stories moved up." in _blocks(editor_client, home)
    post(action="remove_block", block=added)
    page = _blocks(editor_client, home)
    assert "Draft changed: Section row: World removed." in page
    assert "block 1" not in page.lower() and "block 2" not in page.lower()


def test_after_scheduling_the_desk_shows_the_arrangement_scheduled_with_its_time(
    editor_client, home
):
    chosen = make_article(headline="Morning pick", publish_at=timezone.now() - timedelta(days=1))
    make_article(headline="Newest")
    editor_client.post(_url(home), {"action": "pin", "article": chosen.pk, "target": "0:0"})
    at = (timezone.localtime() + timedelta(hours=8)).replace(second=0, microsecond=0)
    response = editor_client.post(
        _url(home), {"action": "schedule", "at": at.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 302
    page = page_body(editor_client, response["Location"])
    when = f"{at:%-d %B %Y, %H:%M}"
    assert f"The front from {when}" in page
    assert f"the arrangement below is the one readers see from {when}" in page
    assert "Morning pick" in _slot(page, 0, 0) and "Pinned" in _slot(page, 0, 0)
    assert "Newest" in page_text(Client(), "/"), "readers: not yet"
    # Going on from it makes a draft of it, and the scheduled one stays as it was.
    editor_client.post(_url(home), {"action": "unpin", "block": 0, "slot": 0})
    page = _blocks(editor_client, home)
    assert "The front (draft)" in page and "Morning pick" not in _slot(page, 0, 0)
    assert Arrangement.objects.get().layout["blocks"][0]["pins"] == [chosen.pk]
    # Or a change that cannot wait: a draft from what readers see now.
    editor_client.post(_url(home), {"action": "discard"})
    assert "Morning pick" in _slot(_blocks(editor_client, home), 0, 0), "back to the scheduled"
    response = editor_client.post(_url(home), {"action": "from_live"})
    page = page_body(editor_client, response["Location"])
    assert "Draft started from what readers see now" in page
    assert "Newest" in _slot(page, 0, 0) and "Automatic" in _slot(page, 0, 0)


@pytest.mark.parametrize(
    "typed,why",
    [
        ("2020-01-01T10:00", "01 January 2020, 10:00 has passed: choose a time still to come"),
        ("tomorrow at six", "“tomorrow at six” is not a date and time the desk can read"),
    ],
)
def test_a_refused_time_stays_in_its_box_with_why(editor_client, home, typed, why):
    response = editor_client.post(_url(home), {"action": "schedule", "at": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert why in page.split('id="status-title"')[0], "said at the top, where the page opens"
    box = page.split('id="schedule-at"')[1].split(">")[0]
    assert f'value="{typed}"' in box and 'aria-invalid="true"' in box
    assert why in page.split('id="schedule-error"')[1].split("</p>")[0], "and beside the box"
    assert not Arrangement.objects.exists()


def test_a_pinned_story_later_unpublished_shows_at_the_desk_with_unpin_never_to_readers(
    editor_client, home
):
    pinned = make_article(headline="Pulled story", publish_at=timezone.now() - timedelta(days=1))
    make_article(headline="Newest")
    editor_client.post(_url(home), {"action": "pin", "article": pinned.pk, "target": "0:0"})
    editor_client.post(_url(home), {"action": "publish"})
    assert "Pulled story" in page_text(Client(), "/")
    editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish_selected", "_selected_action": [pinned.pk]},
    )
    assert "Pulled story" not in page_text(Client(), "/"), "readers never see it"
    slot = _slot(_blocks(editor_client, home), 0, 0)
    assert "Pulled story" in slot and "Not published — readers don&#x27;t see it" in slot
    assert "Readers see “Newest” here instead" in slot
    assert 'aria-label="Unpin “Pulled story”"' in slot
    response = editor_client.post(_url(home), {"action": "unpin", "block": 0, "slot": 0})
    assert response.status_code == 302
    editor_client.post(_url(home), {"action": "publish"})
    assert "Pulled story" not in _blocks(editor_client, home)
    assert Arrangement.objects.live().first().layout["blocks"][0]["pins"] == [None]


def test_a_pinned_story_put_back_to_a_later_time_says_when_at_the_desk(editor_client, home):
    pinned = make_article(headline="Embargoed", publish_at=timezone.now() - timedelta(days=1))
    editor_client.post(_url(home), {"action": "pin", "article": pinned.pk, "target": "1:0"})
    later = timezone.localtime() + timedelta(days=1)
    pinned.publish_at = later
    pinned.save()
    slot = _slot(_blocks(editor_client, home), 1, 0)
    assert f"Not published until {later:%d %B %Y, %H:%M} — readers don&#x27;t see it yet" in slot
    assert 'aria-label="Unpin “Embargoed”"' in slot and "Readers see nothing here." in slot
