"""The figures' hourly rows are kept FIGURES_RETENTION_DAYS, then deleted by the daily jobs;
a retention too short for a story's figures page stops the site with a clear message."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from figures.models import HourlyReferrer, HourlyViews
from tests.factories import make_article, run_worker
from tests.test_settings import assert_refused

pytestmark = pytest.mark.django_db


def _read(article, when, views=1):
    hour = when.replace(minute=0, second=0, microsecond=0)
    HourlyViews.objects.create(article=article, hour=hour, views=views)
    HourlyReferrer.objects.create(article=article, hour=hour, host="news.example.com", views=views)


def _night_comes():
    DBTaskResult.objects.filter(task_path="newsroom.tasks.daily", status="READY").update(
        run_after=timezone.now()
    )
    run_worker()


def test_the_daily_jobs_delete_hours_older_than_the_retention(settings, clock):
    settings.FIGURES_RETENTION_DAYS = 30
    article = make_article()
    _read(article, timezone.now() - timedelta(days=29), views=7)
    _read(article, timezone.now() - timedelta(days=31), views=9)
    run_worker()  # the daily jobs queued
    _night_comes()
    assert list(HourlyViews.objects.values_list("views", flat=True)) == [7]
    assert list(HourlyReferrer.objects.values_list("views", flat=True)) == [7]
    clock.advance(2 * 24 * 3600)  # two days on, the other is 31 days old in turn
    _night_comes()
    assert not HourlyViews.objects.exists() and not HourlyReferrer.objects.exists()


def test_the_default_keeps_400_days(settings):
    assert settings.FIGURES_RETENTION_DAYS == 400


def test_a_retention_shorter_than_a_fortnight_stops_the_site():
    at_least = "FIGURES_RETENTION_DAYS must be a whole number of days, at least 14"
    assert_refused(at_least, FIGURES_RETENTION_DAYS="7")
    assert_refused("got 'a year'", FIGURES_RETENTION_DAYS="a year")
