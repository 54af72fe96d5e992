"""`manage.py worker`: the background worker, kept running.

It supervises: the worker proper (django-tasks-db's `db_worker`) runs as a child process, and
when that dies (killed, out of memory, a bug) a new one starts after a short pause, logged.
SIGTERM or SIGINT stops both: the child finishes the task in hand first (a second signal stops
it at once). The child outlives "database is locked" by waiting and trying again. A task left
running by a worker that died is queued again once TASK_LEASE_SECONDS have passed since it
started (`newsroom.tasks.requeue_abandoned`), by whichever worker looks first.
"""

import ctypes
import logging
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import OperationalError, connections
from django_tasks_db.utils import is_locked_database_exception

from newsroom.tasks import requeue_abandoned, schedule_daily, worker_starting

logger = logging.getLogger("newsroom.worker")

FIRST_PAUSE_SECONDS = 1
LONGEST_PAUSE_SECONDS = 30
STEADY_SECONDS = 60  # a child that lived this long died of something new: pause briefly again


class Command(BaseCommand):
    help = (
        "Run background work: pictures' renditions, e-mail, purges to retry and the daily "
        "jobs (which it keeps scheduled). Run one or more beside the app servers; while none "
        "runs, the work waits in the database. A worker that dies is started again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", action="store_true", help="Do the work that is due, then stop."
        )
        parser.add_argument("--child", action="store_true", help="(used by the supervisor)")

    def handle(self, *args, batch=False, child=False, verbosity=1, **options):
        if not child:
            for receiver, result in worker_starting.send_robust(sender=None):
                if isinstance(result, Exception):
                    logger.error("%s failed: %r", receiver.__qualname__, result)
        if batch:
            requeue_abandoned()
            if schedule_daily():
                self.stdout.write("The daily jobs are scheduled.")
            self.run_worker(["--batch", "--no-startup-delay"], verbosity)
        elif child:
            self.run_worker([], verbosity)
        else:
            if schedule_daily():
                self.stdout.write("The daily jobs are scheduled.")
            Supervisor(verbosity).run()

    def run_worker(self, extra: list[str], verbosity: int) -> None:
        while True:
            try:
                call_command(
                    "db_worker", "--queue-name=*", "--no-reload", *extra, verbosity=verbosity
                )
                return
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                logger.warning("the database is locked (%s); the worker tries again", error)
                connections.close_all()
                time.sleep(1)


class Supervisor:
    """Runs `manage.py worker --child` and starts a new one whenever it ends, until stopped;
    meanwhile queues again the tasks whose workers died."""

    def __init__(self, verbosity: int):
        self.command = [
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            "worker",
            "--child",
            f"--verbosity={verbosity}",
        ]
        self.child: subprocess.Popen | None = None
        self.stopping = False
        self.lease_check_seconds = min(settings.TASK_LEASE_SECONDS / 2, 30)

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        pause = FIRST_PAUSE_SECONDS
        while not self.stopping:
            started = time.monotonic()
            self.child = subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
                self.command, start_new_session=True, preexec_fn=_die_with_parent
            )
            logger.info("worker started (pid %d)", self.child.pid)
            code = self.watch(self.child)
            if self.stopping:
                break
            if time.monotonic() - started > STEADY_SECONDS:
                pause = FIRST_PAUSE_SECONDS
            logger.error(
                "the worker (pid %d) ended with code %s; starting a new one in %d s",
                self.child.pid,
                code,
                pause,
            )
            self.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE_SECONDS)
        logger.info("worker stopped")

    def watch(self, child: subprocess.Popen) -> int:
        """Wait for the child to end, queuing abandoned tasks again now and then."""
        while True:
            try:
                return child.wait(timeout=self.lease_check_seconds)
            except subprocess.TimeoutExpired:
                pass
            if not self.stopping:
                self.requeue()

    def requeue(self) -> None:
        try:
            requeue_abandoned()
        except OperationalError as error:  # "database is locked": next time
            logger.warning("could not look for abandoned tasks (%s)", error)
        finally:
            connections.close_all()

    def sleep(self, seconds: float) -> None:
        until = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < until:
            time.sleep(0.1)

    def stop(self, signum, frame) -> None:
        """Pass the signal on as SIGTERM: the child finishes its task and ends (a second
        signal ends it at once)."""
        logger.warning("%s received: stopping the worker", signal.strsignal(signum))
        self.stopping = True
        if self.child is not None and self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)


def _die_with_parent() -> None:
    """In the child, before it starts: get SIGTERM if the supervisor itself is killed, so no
    worker is left behind unsupervised (Linux; elsewhere the child outlives it)."""
    if sys.platform == "linux":
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
