"""The hourly fold and the most-read ranking: counts are added into hourly rows (twice folded,
twice added), the ranking comes from the last 24 hours of published stories, and the pages
showing it are purged once (the `most-read` tag) when its order changes, at most every ten
minutes, never for a view."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from figures import fold, most_read, tasks
from figures.models import HourlyViews, MostRead
from figures.tags import MOST_READ
from newsroom.pagecache import sequence
from tests.factories import make_article
from tests.figures_helpers import beacon

pytestmark = pytest.mark.django_db


def _hour(hours_ago=0):
    now = timezone.now() - timedelta(hours=hours_ago)
    return now.replace(minute=0, second=0, microsecond=0)


def _viewed(article, views, hours_ago=0):
    HourlyViews.objects.create(article=article, hour=_hour(hours_ago), views=views)


def _purged(since: int) -> set[str]:
    return sequence.purged_since(since, sequence.current()) or set()


def test_the_fold_adds_to_the_hour_already_folded(client, settings):
    settings.FIGURES_SAMPLE_RATE = 1
    article = make_article()
    beacon(client, article.pk, host="a.example")
    assert str(fold.fold()) == "1 views folded into 2 hourly rows"
    beacon(client, article.pk, host="a.example")
    beacon(client, article.pk)
    fold.fold()
    assert HourlyViews.objects.get(article=article).views == 3
    assert fold.fold().views == 0, "a count is folded once"


def test_the_ranking_is_the_last_24_hours_of_published_stories():
    old, recent, draft, busiest = (make_article() for _ in range(4))
    draft.status = draft.Status.DRAFT
    draft.save()
    _viewed(old, 900, hours_ago=30)
    _viewed(recent, 50, hours_ago=2)
    _viewed(draft, 800)
    _viewed(busiest, 70, hours_ago=23)
    _viewed(busiest, 40)
    assert most_read.ranking() == [(busiest.pk, 110), (recent.pk, 50)]


def test_a_new_order_purges_the_most_read_tag_once_at_most_every_ten_minutes(clock):
    first, second = make_article(), make_article()
    _viewed(first, 100)
    _viewed(second, 10)
    before = sequence.current()
    assert most_read.refresh() is True
    assert _purged(before) == {MOST_READ}
    assert [a.pk for a in most_read.stories()] == [first.pk, second.pk]

    HourlyViews.objects.filter(article=second).update(views=500)
    clock.advance(9 * 60)
    before = sequence.current()
    assert most_read.refresh() is False, "nine minutes after a change: kept back"
    assert sequence.current() == before
    assert [a.pk for a in most_read.stories()] == [first.pk, second.pk]

    clock.advance(60)
    assert most_read.refresh() is True
    assert _purged(before) == {MOST_READ}
    assert [a.pk for a in most_read.stories()] == [second.pk, first.pk]


def test_views_that_leave_the_order_as_it_was_purge_nothing(clock):
    first, second = make_article(), make_article()
    _viewed(first, 100)
    _viewed(second, 10)
    most_read.refresh()
    clock.advance(3600)
    HourlyViews.objects.filter(article=first).update(views=150)
    before = sequence.current()
    assert most_read.refresh() is False
    assert sequence.current() == before
    assert MostRead.objects.get(article=first).views == 150


def test_views_counted_purge_nothing(client):
    article = make_article()
    before = sequence.current()
    for _ in range(5):
        beacon(client, article.pk)
    fold.fold()
    assert sequence.current() == before


def test_a_story_unpublished_leaves_the_ranking_at_once():
    shown, withdrawn = make_article(), make_article()
    _viewed(shown, 10)
    _viewed(withdrawn, 100)
    most_read.refresh()
    withdrawn.status = withdrawn.Status.DRAFT
    withdrawn.save()
    assert most_read.stories() == [shown]


def test_the_task_folds_ranks_and_queues_its_next_run(client, settings, purges_sent):
    settings.FIGURES_SAMPLE_RATE = 1
    article = make_article()
    beacon(client, article.pk)
    outcome = tasks.fold_and_rank.call()
    assert outcome == "1 views folded into 2 hourly rows; most read changed"
    assert [a.pk for a in most_read.stories()] == [article.pk]
    queued = DBTaskResult.objects.filter(task_path=tasks.fold_and_rank.module_path)
    assert queued.count() == 1
    assert queued.get().run_after > timezone.now() + timedelta(minutes=9)
    assert tasks.schedule() == "the figures' fold is queued"
    assert queued.count() == 1
