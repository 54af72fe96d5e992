"""Background work through Django's task framework (the django-tasks backport, with its
database backend: the queue is a table, so no new service runs and nothing queued is lost).

The project's tasks: the apps' own (renditions after an upload, notices to moderators), the
purge retries (`newsroom.pagecache.shared.retry_purges`), and `daily` here, which sends
`daily_jobs` for each app's nightly work. A worker runs them: `manage.py worker`, which also
keeps the daily run scheduled and starts a new worker when one dies. A task whose worker died
while running it is queued again once TASK_LEASE_SECONDS have passed since it started
(`requeue_abandoned`). While no worker runs, tasks wait in the table; readers' pages never wait
for one.
"""

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.core.management import call_command
from django.dispatch import Signal
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task, TaskResultStatus

logger = logging.getLogger(__name__)

# Minutes before each new attempt of a task that failed (a mail server or a cache down).
RETRY_MINUTES = (1, 5, 30, 120, 720)
DAILY_AT = time(3, 30)  # the newsroom's time zone: the quietest hour

# Sent once a night by `daily`; receivers do their app's nightly work and return a line for
# the log. A receiver that fails is logged and the others still run.
daily_jobs = Signal()

# Sent when `manage.py worker` starts; receivers queue their app's recurring work unless it is
# queued already (a task that queues its own next run needs a first one).
worker_starting = Signal()


def retry_later(task_: Task, attempt: int, *args, what: str, error: object) -> bool:
    """Enqueue `task_` again after the next delay, or log that it gave up; `attempt` is the
    one that just failed. Returns whether another attempt was scheduled."""
    if attempt > len(RETRY_MINUTES):
        logger.error("gave up on %s after %d attempts: %s", what, attempt, error)
        return False
    minutes = RETRY_MINUTES[attempt - 1]
    later = task_.using(run_after=timezone.now() + timedelta(minutes=minutes))
    later.enqueue(*args, attempt=attempt + 1)
    logger.warning(
        "%s failed (attempt %d: %s); trying again in %d min", what, attempt, error, minutes
    )
    return True


def mail_or_retry(
    subject: str, body: str, to: list[str], *, retry: Task, attempt: int, args: tuple, what: str
) -> bool:
    """Send one plain-text message from DEFAULT_FROM_EMAIL; while the mail server fails, queue
    `retry(*args)` for later (`retry_later`). Returns whether it was sent."""
    try:
        send_mail(subject, body, None, to)
    except Exception as error:  # what the mail server said goes to the log
        retry_later(retry, attempt, *args, what=what, error=error)
        return False
    logger.info("%s sent", what)
    return True


@task()
def send_email(subject: str, body: str, to: list[str], attempt: int = 1) -> bool:
    """One message, retried while the mail server fails (a password-reset link, say)."""
    return mail_or_retry(
        subject,
        body,
        to,
        retry=send_email,
        attempt=attempt,
        args=(subject, body, to),
        what=f"e-mail “{subject}”",
    )


@task()
def daily() -> None:
    """The nightly work of every app (`daily_jobs`), then finished tasks' records dropped after
    a week (failed ones after 30 days); then the next night's run is queued."""
    for receiver, result in daily_jobs.send_robust(sender=None):
        if isinstance(result, Exception):
            logger.error("daily job %s failed: %r", receiver.__qualname__, result)
        else:
            logger.info("daily job: %s", result)
    call_command(
        "prune_db_task_results", "--min-age-days=7", "--failed-min-age-days=30", verbosity=0
    )
    schedule_daily()


def next_daily_run(now: datetime | None = None) -> datetime:
    now = timezone.localtime(now)
    at = now.replace(hour=DAILY_AT.hour, minute=DAILY_AT.minute, second=0, microsecond=0)
    return at if at > now else at + timedelta(days=1)


def schedule_daily() -> bool:
    """Queue the next daily run unless one is queued already; returns whether it queued one."""
    from django_tasks_db.models import DBTaskResult  # a model: not loadable before the apps

    waiting = DBTaskResult.objects.filter(
        task_path=daily.module_path, status=TaskResultStatus.READY
    )
    if waiting.exists():
        return False
    daily.using(run_after=next_daily_run()).enqueue()
    return True


def requeue_abandoned(now: datetime | None = None) -> int:
    """Queue again the tasks still marked running TASK_LEASE_SECONDS after they started: their
    worker was killed mid-task (a task is run at least once, so one cut short runs again).
    Returns how many."""
    from django_tasks_db.models import DBTaskResult

    started_before = (now or timezone.now()) - timedelta(seconds=settings.TASK_LEASE_SECONDS)
    abandoned = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=started_before
    )
    count = 0
    for result in abandoned:
        # Only if no other worker took it back meanwhile.
        if abandoned.filter(pk=result.pk).update(status=TaskResultStatus.READY):
            count += 1
            logger.warning(
                "task %s (%s) was still running %d s after it started on worker %s; queued again",
                result.pk,
                result.task_path,
                settings.TASK_LEASE_SECONDS,
                (result.worker_ids or ["?"])[-1],
            )
    return count
