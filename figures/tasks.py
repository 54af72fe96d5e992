"""The figures' background work: every FOLD_MINUTES, fold the waiting counts into hourly rows
(`figures/fold.py`) and rank the most-read stories again (`figures/most_read.py`).

The task queues its own next run; the worker queues the first when it starts
(`newsroom.tasks.worker_starting`), and the daily jobs queue one if none waits, so a chain
broken by a crash starts again by itself.
"""

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus

from figures import fold, most_read

logger = logging.getLogger(__name__)

FOLD_MINUTES = most_read.REFRESH_MINUTES


@task()
def fold_and_rank() -> str:
    folded = fold.fold()
    changed = most_read.refresh()
    schedule()
    outcome = f"{folded}; most read {'changed' if changed else 'unchanged'}"
    logger.info(outcome)
    return outcome


def schedule(**kwargs) -> str:
    """Queue the next fold in FOLD_MINUTES unless one is queued already."""
    from django_tasks_db.models import DBTaskResult  # a model: not loadable before the apps

    waiting = DBTaskResult.objects.filter(
        task_path=fold_and_rank.module_path, status=TaskResultStatus.READY
    )
    if waiting.exists():
        return "the figures' fold is queued"
    later = timezone.now() + timedelta(minutes=FOLD_MINUTES)
    fold_and_rank.using(run_after=later).enqueue()
    return "the figures' fold is queued again"
