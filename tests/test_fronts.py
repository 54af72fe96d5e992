"""Fronts: the resolution rule (pins win, no story twice, automatic slots in order), editors'
changes to an arrangement, and what readers see on the home page and a section's page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from figures import most_read
from figures.models import HourlyViews
from fronts import arranging
from fronts import layout as layouts
from fronts.kinds import KINDS
from fronts.layout import Block
from fronts.models import Arrangement, Front
from fronts.resolution import Slot, resolve
from tests.factories import make_article, make_topic, page_body


def _articles(rows):
    return [[slot.article for slot in row] for row in rows]


def test_pins_win_over_automatic_slots_of_earlier_blocks():
    blocks = [Block("top", (None, None)), Block("list", (3, None))]
    rows = resolve(blocks, visible={1, 2, 3, 4}, candidates=[[3, 1, 2], []])
    assert _articles(rows) == [[1, 2], [3, None]]
    assert rows[1][0] == Slot(3, pinned=True) and rows[0][0] == Slot(1, pinned=False)


def test_no_story_shows_twice_on_a_front():
    blocks = [Block("lead", (5,)), Block("top", (5, None, None)), Block("section", (None,))]
    rows = resolve(blocks, visible={1, 2, 5}, candidates=[[5], [5, 1], [1, 2]])
    shown = [a for row in _articles(rows) for a in row if a]
    assert shown == [5, 1, 2] and len(shown) == len(set(shown))
    assert rows[1][0] == Slot(1, pinned=False), "the second pin of 5 is filled instead"


def test_automatic_slots_fill_block_by_block_in_candidate_order():
    blocks = [Block("top", (None, None)), Block("section", (None, None))]
    rows = resolve(blocks, visible=set(), candidates=[[9, 8, 7], [8, 6, 5]])
    assert _articles(rows) == [[9, 8], [6, 5]]


def test_a_pin_of_a_story_readers_cannot_see_fills_automatically():
    rows = resolve([Block("lead", (42,))], visible={1}, candidates=[[1]])
    assert rows == [[Slot(1, pinned=False)]]


def test_a_slot_with_nothing_left_stays_empty():
    rows = resolve([Block("list", (None, None))], visible=set(), candidates=[[]])
    assert rows == [[Slot(None, pinned=False), Slot(None, pinned=False)]]


ids = st.integers(min_value=1, max_value=15)
blocks = st.lists(
    st.builds(
        Block,
        kind=st.just("top"),
        pins=st.lists(st.none() | ids, min_size=1, max_size=4).map(tuple),
    ),
    max_size=5,
)


@given(blocks, st.sets(ids), st.data())
def test_resolution_never_shows_a_story_twice_and_every_first_visible_pin_holds(
    blocks, visible, data
):
    # A block's candidates are stories readers may see, newest first, each once.
    stories = st.lists(st.sampled_from(sorted(visible)), max_size=8, unique=True)
    candidates = [data.draw(stories) if visible else [] for _ in blocks]
    rows = resolve(blocks, visible=visible, candidates=candidates)
    shown = [slot.article for row in rows for slot in row if slot.article]
    assert len(shown) == len(set(shown))
    seen = set()
    for block, row, wanted in zip(blocks, rows, candidates, strict=True):
        for pin, slot in zip(block.pins, row, strict=True):
            if pin in visible and pin not in seen:
                assert slot == Slot(pin, pinned=True)
                seen.add(pin)
            elif slot.article is not None:
                assert not slot.pinned and slot.article in wanted


def test_pinning_a_story_already_pinned_moves_it():
    layout = (Block("lead", (1,)), Block("top", (None, None)))
    moved = arranging.pin(layout, block=1, slot=1, article=1)
    assert moved == (Block("lead", (None,)), Block("top", (None, 1)))


def test_moving_onto_a_pinned_slot_swaps_the_two_stories():
    layout = (Block("lead", (1,)), Block("top", (2, None)))
    assert arranging.move(layout, article=2, to_block=0, to_slot=0) == (
        Block("lead", (2,)),
        Block("top", (1, None)),
    )


def test_moving_to_a_block_without_a_slot_named_takes_its_first_unpinned_slot():
    layout = (Block("lead", (1,)), Block("top", (2, None, 3)))
    assert arranging.move(layout, article=1, to_block=1) == (
        Block("lead", (None,)),
        Block("top", (2, 1, 3)),
    )


def test_stepping_down_past_a_blocks_end_goes_to_the_next_block():
    layout = (Block("lead", (1,)), Block("top", (None, None)))
    assert arranging.step(layout, article=1, block=0, slot=0, by=1) == (
        Block("lead", (None,)),
        Block("top", (1, None)),
    )
    with pytest.raises(arranging.Refused, match="already first"):
        arranging.step(layout, article=1, block=0, slot=0, by=-1)


def test_a_section_row_needs_a_section_and_blocks_keep_their_limits():
    with pytest.raises(arranging.Refused, match="needs a section"):
        arranging.add_block((), kind="section")
    with pytest.raises(arranging.Refused, match="1 to 12"):
        arranging.add_block((), kind="top", slots=13)


def test_stored_layouts_forgive_what_they_cannot_use():
    data = {"blocks": [{"kind": "gone"}, {"kind": "top", "pins": [1, "x", None, True]}]}
    assert layouts.from_json(data, kinds=KINDS) == (Block("top", (1, None, None, None)),)


def _arrange(topic, blocks, *, live_from=None):
    front, _ = Front.objects.get_or_create(topic=topic)
    return Arrangement.objects.create(
        front=front,
        layout=layouts.to_json(tuple(blocks)),
        live_from=live_from or timezone.now() - timedelta(seconds=1),
    )


def _position(page, text):
    assert text in page, text
    return page.index(text)


@pytest.mark.django_db
def test_home_shows_the_pinned_lead_then_the_rest_with_no_story_twice(client):
    old = make_article(headline="Chosen lead", publish_at=timezone.now() - timedelta(days=1))
    make_article(headline="Newest but ordinary")
    section = make_topic(name="Harbour", slug="harbour")
    make_article(headline="Harbour news", primary_topic=section)
    _arrange(
        None,
        [
            Block("lead", (old.pk,)),
            Block("top", (None, None)),
            Block("section", (None, None), topic=section.pk),
        ],
    )
    page = page_body(client, "/")
    lead = page.split('class="front-block front-lead"')[1].split("</section>")[0]
    assert "Chosen lead" in lead
    assert page.count(">Harbour news</a>") == 1, "in top stories, so not again in its row"
    assert _position(page, "Chosen lead") < _position(page, "Newest but ordinary")


@pytest.mark.django_db
def test_a_home_never_arranged_leads_with_the_newest_story(client):
    make_article(headline="Older", publish_at=timezone.now() - timedelta(days=2))
    make_article(headline="Newest")
    page = page_body(client, "/")
    assert "Newest" in page.split('class="front-block front-lead"')[1].split("</section>")[0]


@pytest.mark.django_db
def test_a_section_front_shows_its_blocks_then_the_rest_and_page_two_is_unchanged(client, settings):
    weather = make_topic(name="Weather", slug="weather")
    stories = [
        make_article(
            headline=f"Forecast {n:02d}",
            primary_topic=weather,
            publish_at=timezone.now() - timedelta(minutes=n),
        )
        for n in range(25)
    ]
    _arrange(weather, [Block("lead", (stories[10].pk,)), Block("top", (None, None))])
    page = page_body(client, "/weather/")
    assert _position(page, "Forecast 10") < _position(page, "Forecast 00")
    assert page.count(">Forecast 10</a>") == page.count(">Forecast 00</a>") == 1
    assert "More from Weather" in page
    second = page_body(client, "/weather/?page=2")
    assert "front-block" not in second and "Forecast 24" in second


def _read(views_by_article):
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    for article, views in views_by_article.items():
        HourlyViews.objects.update_or_create(article=article, hour=hour, defaults={"views": views})


@pytest.mark.django_db
def test_the_home_pages_most_read_follows_the_ranking_and_a_new_order_reaches_it(client, clock):
    quiet = make_article(headline="Quiet story")
    popular = make_article(headline="Popular story")
    _arrange(None, [Block("most_read", (None, None, None))])
    _read({quiet: 10, popular: 500})
    most_read.refresh()
    page = page_body(client, "/")
    ranked = page.split('class="front-block front-ranked"')[1].split("</section>")[0]
    assert _position(ranked, "Popular story") < _position(ranked, "Quiet story")

    _read({quiet: 5000})
    clock.advance(11 * 60)
    assert most_read.refresh(), "a new order, ten minutes on"
    page = page_body(client, "/")  # the stored home page was purged
    ranked = page.split('class="front-block front-ranked"')[1].split("</section>")[0]
    assert _position(ranked, "Quiet story") < _position(ranked, "Popular story")


@pytest.mark.django_db
def test_a_home_never_arranged_shows_the_most_read_once_readers_have_read(client):
    stories = [make_article(headline=f"Story {n}") for n in range(12)]
    assert "front-block front-ranked" not in page_body(client, "/"), "no counts, no block"
    _read({stories[0]: 900, stories[1]: 800})
    most_read.refresh()
    page = page_body(client, "/")
    assert "Most read" in page and "front-block front-ranked" in page
    assert page.count(">Story 0<") <= 1 and page.count(">Story 1<") <= 1, "never twice"
