"""The newsletters' daily editions: each list's edition built and sent at its `send_at` in the
site's time zone (the sending itself is `newsletters.sending`'s tasks).

The daily run (`send_digests`) queues its own next run; the worker queues the first when it
starts (`newsroom.tasks.worker_starting`) and the daily jobs queue one if none waits, as the
figures' fold does.
"""

import logging
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus

from newsletters import digest, sending
from newsletters.models import Edition, Newsletter

logger = logging.getLogger(__name__)

# An edition that went, goes or was cancelled this close to a list's daily time is that
# day's edition; past it, a day whose time was missed (no worker ran) is skipped.
LATE_LIMIT = timedelta(hours=6)
# The daily run looks again at least this often, so a list's new time is kept the same day.
LOOK_AGAIN = timedelta(minutes=15)


def moment(newsletter: Newsletter, now: datetime) -> datetime:
    """Today's time for `newsletter` in the site's time zone."""
    local = timezone.localtime(now)
    return local.replace(
        hour=newsletter.send_at.hour,
        minute=newsletter.send_at.minute,
        second=0,
        microsecond=0,
    )


def has_edition_near(newsletter: Newsletter, at: datetime) -> bool:
    near = (at - LATE_LIMIT, at + LATE_LIMIT)
    return (
        newsletter.editions.exclude(status=Edition.Status.DRAFT)
        .filter(Q(send_after__range=near) | Q(started_at__range=near))
        .exists()
    )


def daily_lists():
    return Newsletter.objects.exclude(send_at=None).exclude(kind=Newsletter.Kind.ALERTS)


@task()
def send_digests() -> str:
    """Build and send each list's edition whose daily time has come, unless it has one."""
    now = timezone.now()
    sent = []
    for newsletter in daily_lists():
        at = moment(newsletter, now)
        if at <= now < at + LATE_LIMIT and not has_edition_near(newsletter, at):
            edition = digest.build(newsletter, now=now, send_after=at)
            sending.start(edition, now=now)
            sent.append(newsletter.name)
    schedule_digests()
    return f"daily editions started: {', '.join(sent) or 'none'}"


def next_run(now: datetime) -> datetime:
    times = []
    for newsletter in daily_lists():
        at = moment(newsletter, now)
        times.append(at if at > now else at + timedelta(days=1))
    return min([*times, now + LOOK_AGAIN])


def schedule_digests(**kwargs) -> str:
    """Queue the next daily run unless one is queued already."""
    from django_tasks_db.models import DBTaskResult  # a model: not loadable before the apps

    waiting = DBTaskResult.objects.filter(
        task_path=send_digests.module_path, status=TaskResultStatus.READY
    )
    if waiting.exists():
        return "the newsletters' daily run is queued"
    send_digests.using(run_after=next_run(timezone.now())).enqueue()
    return "the newsletters' daily run is queued again"
