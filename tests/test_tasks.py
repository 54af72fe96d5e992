"""Background work: the worker command, the daily jobs it keeps scheduled, and when they run.
(Renditions, the moderators' e-mail and purge retries are tested where their users see them:
test_images, test_email and test_cache_tags.)"""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import Reply
from newsroom.tasks import daily, next_daily_run
from tests.factories import make_article, make_reply, run_worker

pytestmark = pytest.mark.django_db


def _daily_runs():
    return DBTaskResult.objects.filter(task_path="newsroom.tasks.daily", status="READY")


def test_the_daily_jobs_run_at_half_past_three_in_the_newsrooms_time(settings):
    settings.TIME_ZONE = "Europe/London"
    night = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)  # 02:00 in London (summer time)
    assert next_daily_run(night) == datetime(2026, 7, 1, 2, 30, tzinfo=UTC)
    morning = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    assert next_daily_run(morning) == datetime(2026, 7, 2, 2, 30, tzinfo=UTC)


def test_a_worker_schedules_the_daily_jobs_once():
    said = io.StringIO()
    run_worker(stdout=said, verbosity=1)
    assert "The daily jobs are scheduled." in said.getvalue()
    run_worker()
    (scheduled,) = _daily_runs()
    assert scheduled.run_after == next_daily_run()
    assert scheduled.run_after > timezone.now(), "not run before its time"


def test_the_daily_jobs_forget_old_client_details_and_queue_the_next_day(settings):
    settings.REPLY_CLIENT_DETAILS_DAYS = 30
    article = make_article()
    old = make_reply(article, ip_hash="a" * 64, user_agent="Old browser")
    Reply.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    fresh = make_reply(article, ip_hash="b" * 64, user_agent="New browser")
    run_worker()
    _daily_runs().update(run_after=timezone.now())  # the night comes
    run_worker()
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.ip_hash, old.user_agent) == ("", "")
    assert (fresh.ip_hash, fresh.user_agent) == ("b" * 64, "New browser")
    assert DBTaskResult.objects.filter(task_path=daily.module_path, status="SUCCESSFUL").exists()
    (tomorrow,) = _daily_runs()
    assert tomorrow.run_after > timezone.now()


def test_the_daily_jobs_drop_records_of_finished_work_after_a_week():
    run_worker()
    _daily_runs().update(run_after=timezone.now())
    run_worker()  # one daily run done, one queued
    DBTaskResult.objects.filter(status="SUCCESSFUL").update(
        finished_at=timezone.now() - timedelta(days=8)
    )
    _daily_runs().update(run_after=timezone.now())
    run_worker()
    done = DBTaskResult.objects.filter(status="SUCCESSFUL")
    assert done.count() == 1, "the week-old record went; tonight's stays"
    assert done.get().finished_at > timezone.now() - timedelta(minutes=1)
