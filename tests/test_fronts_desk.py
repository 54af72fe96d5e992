"""A front's page at the desk, through the client: editors pin, unpin, reorder, schedule and
preview; writers may not; every change is in the desk log; a scheduled arrangement goes live at
its time and purges that front's tag only."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from fronts.models import Arrangement, Front
from fronts.tags import front_tag
from newsroom.pagecache import sequence
from tests.factories import make_article, make_topic, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return Front.objects.get_or_create(topic=None)[0]


def _url(front):
    return reverse("admin:fronts_front_change", args=[front.pk])


def _post(client, front, **data):
    return client.post(_url(front), data)


def _lead(page):
    return page.split('class="front-block front-lead"')[1].split("</section>")[0]


def test_an_editor_pins_a_story_and_readers_see_it_once_published(editor_client, home):
    chosen = make_article(headline="Chosen lead", publish_at=timezone.now() - timedelta(days=1))
    make_article(headline="Newest")
    response = _post(editor_client, home, action="pin", article=chosen.pk, target="0:0")
    assert response.status_code == 302
    page = editor_client.get(_url(home)).content.decode()
    assert "Draft changed: “Chosen lead” pinned to Lead." in page
    assert "Newest" in _lead(page_text(Client(), "/")), "a draft: readers see nothing yet"
    _post(editor_client, home, action="publish")
    assert "Chosen lead" in _lead(page_text(Client(), "/"))
    assert list(AuditEntry.objects.values_list("action", flat=True)) == [
        "front_publish",
        "front_draft",
    ]


def test_the_desk_page_shows_which_slots_fill_automatically(editor_client, home):
    make_article(headline="Filled by itself")
    page = editor_client.get(_url(home)).content.decode()
    slot = page.split('data-block="0" data-slot="0"')[1].split("</li>")[0]
    assert "Automatic" in slot and "Filled by itself" in slot


def test_unpinning_lets_the_slot_fill_with_the_newest_again(editor_client, home):
    old = make_article(headline="Old pick", publish_at=timezone.now() - timedelta(days=1))
    make_article(headline="Newest")
    _post(editor_client, home, action="pin", article=old.pk, target="0:0")
    _post(editor_client, home, action="unpin", block=0, slot=0)
    _post(editor_client, home, action="publish")
    lead = _lead(page_text(Client(), "/"))
    assert "Newest" in lead and "Old pick" not in lead


def test_moving_a_story_up_and_to_another_block_reorders_the_front(editor_client, home):
    stories = [
        make_article(headline=f"Story {n}", publish_at=timezone.now() - timedelta(hours=n))
        for n in range(4)
    ]
    _post(editor_client, home, action="step", article=stories[2].pk, block=1, slot=1, by=-1)
    _post(editor_client, home, action="move", article=stories[3].pk, to_block=0, to_slot=0)
    _post(editor_client, home, action="publish")
    page = page_text(Client(), "/")
    assert "Story 3" in _lead(page)
    top = page.split('class="front-block front-top"')[1].split("</section>")[0]
    assert top.index("Story 2") < top.index("Story 0"), "Story 2 pinned first among the top"


def test_a_refused_change_says_why_and_changes_nothing(editor_client, home):
    draft = make_article(headline="Not out yet", status="draft")
    response = _post(editor_client, home, action="pin", article=draft.pk, target="0:0")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Only a published story can be pinned" in page.split('id="status-title"')[0], "on top"
    response = _post(editor_client, home, action="add_block", kind="section")
    assert response.status_code == 400 and "needs a section" in response.content.decode()
    response = _post(editor_client, home, action="add_block", title="", slots="")
    assert response.status_code == 400, "a click on Add with nothing chosen adds nothing"
    assert "Choose the kind of block to add." in response.content.decode()
    assert Front.objects.get(pk=home.pk).draft is None


def test_the_search_finds_published_stories_to_pin(editor_client, home):
    make_article(headline="Harbour reopens")
    make_article(headline="Harbour plans", status="draft")
    page = editor_client.get(_url(home) + "?q=harbour").content.decode()
    results = page.split('id="front-search-results"')[1].split("</ul>")[0]
    assert "Harbour reopens" in results and "Harbour plans" not in results


def test_writers_may_not_arrange_fronts(writer_client, home):
    assert writer_client.get(_url(home)).status_code == 403
    assert _post(writer_client, home, action="publish").status_code == 403
    assert not Arrangement.objects.exists()


def test_the_preview_shows_the_draft_as_readers_will_see_it_never_indexed(editor_client, home):
    old = make_article(headline="Preview pick", publish_at=timezone.now() - timedelta(days=1))
    make_article(headline="Newest")
    _post(editor_client, home, action="pin", article=old.pk, target="0:0")
    response = editor_client.get(reverse("admin:fronts_front_preview", args=[home.pk]))
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]
    page = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "Preview pick" in _lead(page)
    assert "Preview pick" not in _lead(page_text(Client(), "/"))


def test_a_scheduled_arrangement_goes_live_at_its_time_and_purges_its_front_only(
    editor_client, home, clock, purges_sent
):
    section = make_topic(name="Harbour", slug="harbour")
    old = make_article(headline="Morning lead", publish_at=timezone.now() - timedelta(days=1))
    make_article(headline="Newest", primary_topic=section)
    client = Client()
    assert "Newest" in _lead(page_text(client, "/"))
    page_text(client, "/harbour/")
    _post(editor_client, home, action="pin", article=old.pk, target="0:0")
    before = sequence.current()
    at = timezone.localtime() + timedelta(minutes=10)
    response = _post(editor_client, home, action="schedule", at=at.strftime("%Y-%m-%dT%H:%M"))
    assert response.status_code == 302
    assert sequence.purged_since(before, sequence.current()) == {front_tag(None)}
    assert purges_sent.wait_sent(timeout=10)
    assert "Newest" in _lead(page_text(client, "/")), "not yet"
    assert client.get("/harbour/").wsgi_request.page_cache == "hit", "another front: kept"
    clock.advance(11 * 60)
    assert "Morning lead" in _lead(page_text(client, "/")), "its time came, with no job"
    assert AuditEntry.objects.filter(action="front_schedule").exists()


def test_a_scheduled_arrangement_can_be_previewed_before_its_time(editor_client, home):
    old = make_article(
        headline="Lead for the morning", publish_at=timezone.now() - timedelta(days=1)
    )
    make_article(headline="Newest")
    _post(editor_client, home, action="pin", article=old.pk, target="0:0")
    at = (timezone.localtime() + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")
    _post(editor_client, home, action="schedule", at=at)
    arrangement = Arrangement.objects.get()
    assert "?arrangement=" in editor_client.get(_url(home)).content.decode()
    preview = reverse("admin:fronts_front_preview", args=[home.pk])
    page = editor_client.get(f"{preview}?arrangement={arrangement.pk}").content.decode()
    assert "Lead for the morning" in _lead(page) and "readers see from" in page
    working = _lead(editor_client.get(preview).content.decode())
    assert "Lead for the morning" in working, "no draft: the desk goes on from what it scheduled"
    assert editor_client.get(f"{preview}?arrangement=999").status_code == 404


def test_a_scheduled_change_can_be_cancelled_before_its_time(editor_client, home):
    at = (timezone.localtime() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    _post(editor_client, home, action="schedule", at=at)
    arrangement = Arrangement.objects.get()
    _post(editor_client, home, action="cancel", arrangement=arrangement.pk)
    assert not Arrangement.objects.exists()
    assert AuditEntry.objects.filter(action="front_cancel").exists()


def test_scheduling_twice_by_a_double_click_schedules_once(editor_client, home):
    at = (timezone.localtime() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    for _ in range(2):
        _post(editor_client, home, action="schedule", at=at)
    assert Arrangement.objects.count() == 1, "one change, so one Cancel undoes it"
    assert AuditEntry.objects.filter(action="front_schedule").count() == 1


def test_a_time_already_past_is_refused(editor_client, home):
    at = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = _post(editor_client, home, action="schedule", at=at)
    assert response.status_code == 400
    assert "has passed: choose a time still to come" in response.content.decode()


def test_a_front_is_added_for_a_section_once(editor_client, home):
    harbour = make_topic(name="Harbour", slug="harbour")
    add = reverse("admin:fronts_front_add")
    response = editor_client.post(add, {"topic": harbour.pk})
    front = Front.objects.get(topic=harbour)
    assert response.status_code == 302 and response["Location"] == _url(front)
    again = editor_client.post(add, {"topic": harbour.pk})
    assert "That page has a front already" in again.content.decode()
    second_home = editor_client.post(add, {"topic": ""})
    assert "That page has a front already" in second_home.content.decode()
    assert Front.objects.count() == 2


def test_after_a_change_the_message_and_the_keyboard_stay_with_the_story(editor_client, home):
    """The story's own button keeps the focus, so Enter moves it again (no fragment, which
    would stop the browser's autofocus); other changes come back at the blocks
    (#front-blocks), and the message is said there, not above, out of sight."""
    older = make_article(headline="Older", publish_at=timezone.now() - timedelta(days=1))
    make_article(headline="Newest")
    _post(editor_client, home, action="pin", article=older.pk, target="1:1")
    response = _post(editor_client, home, action="step", article=older.pk, block=1, slot=1, by=-1)
    assert response.status_code == 302
    assert response["Location"].endswith(f"?moved={older.pk}&went=up")
    page = editor_client.get(response["Location"]).content.decode()
    blocks = page.split('id="front-blocks"')[1]
    assert "Draft changed: “Older” moved up" in blocks
    focused = [tag for tag in re.findall(r"<button[^>]*>", page) if " autofocus" in tag]
    assert focused == ['<button type="submit" aria-label="Move “Older” up" autofocus>']
    response = _post(editor_client, home, action="move", article=older.pk, to_block=0)
    page = editor_client.get(response["Location"]).content.decode()
    focused = [
        tag for tag in re.findall(r"<select[^>]*>|<button[^>]*>", page) if "autofocus" in tag
    ]
    assert focused == ['<select id="to-0-0" name="to_block" autofocus>']
    refused = editor_client.post(
        response["Location"], {"action": "schedule", "at": "2020-01-01T10:00"}
    )
    assert refused.status_code == 400 and " autofocus" not in refused.content.decode()
    response = _post(editor_client, home, action="move_block", block=1, by=-1)
    assert response["Location"].endswith("#front-blocks")
    page = editor_client.get(response["Location"]).content.decode()
    assert "Draft changed: Top stories moved up" in page.split('id="front-blocks"')[1]


def test_a_pin_taken_by_a_moved_story_is_named_in_the_message(editor_client, home):
    """A story moved onto a pinned slot, from a slot of its own that was not pinned, leaves the
    story pinned there with nowhere to go: it is no longer pinned, and the editor is told."""
    chosen = make_article(headline="Chosen lead", publish_at=timezone.now() - timedelta(days=1))
    other = make_article(headline="Other story", publish_at=timezone.now() - timedelta(days=2))
    _post(editor_client, home, action="pin", article=chosen.pk, target="0:0")
    response = _post(editor_client, home, action="move", article=other.pk, to_block=0)
    page = editor_client.get(response["Location"]).content.decode()
    assert "“Other story” moved to Lead;" in page
    assert "“Chosen lead” is no longer pinned" in page
    response = _post(editor_client, home, action="step", article=other.pk, block=0, slot=0, by=1)
    page = editor_client.get(response["Location"]).content.decode()
    assert "no longer pinned" not in page, "a pinned story moved swaps with the pin it takes"
