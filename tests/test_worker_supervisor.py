"""The background worker keeps going: `manage.py worker` starts a new worker when its worker
is killed, stops cleanly on SIGTERM, waits out a locked database, and a task its dead worker
left running is run again once its lease is over: the e-mail arrives, once. The worker runs as
its own process, against its own SQLite file and a real SMTP server (aiosmtpd)."""

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsroom.tasks import send_email
from tests.conftest import smtp_server
from tests.factories import run_worker
from tests.test_purge_receivers import ROOT, _run, migrated_database  # noqa: F401

pytestmark = pytest.mark.django_db

SUBJECT = "Reset your password"
ENQUEUE = (
    "from newsroom.tasks import send_email; "
    f"send_email.enqueue({SUBJECT!r}, 'Follow the link.', ['ada@example.org'])"
)


def test_a_task_left_running_past_its_lease_is_run_again_and_a_recent_one_is_not(
    settings, mailoutbox
):
    settings.TASK_LEASE_SECONDS = 60
    abandoned = send_email.enqueue(SUBJECT, "Follow the link.", ["ada@example.org"])
    busy = send_email.enqueue("Still being sent", "…", ["bob@example.org"])
    now = timezone.now()
    for result, started in ((abandoned, now - timedelta(seconds=61)), (busy, now)):
        DBTaskResult.objects.filter(pk=result.id).update(
            status="RUNNING", started_at=started, worker_ids=["a-worker-that-died"]
        )
    run_worker()
    assert [m.subject for m in mailoutbox] == [SUBJECT]
    assert DBTaskResult.objects.get(pk=abandoned.id).status == "SUCCESSFUL"
    assert DBTaskResult.objects.get(pk=busy.id).status == "RUNNING", "within its lease: left"


class StallingInbox:
    """A mail server that takes the first message and then never answers it (the worker is
    killed meanwhile), and keeps every later one."""

    def __init__(self):
        self.messages, self.stalled = [], 0

    async def handle_DATA(self, server, session, envelope):
        if not self.stalled:
            self.stalled += 1
            await asyncio.Event().wait()  # until the connection is gone
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def stalling_smtp():
    inbox = StallingInbox()
    with smtp_server(inbox) as port:
        yield port, inbox


@pytest.fixture
def worker_database(migrated_database, tmp_path):  # noqa: F811
    database = tmp_path / "worker.sqlite3"
    database.write_bytes(migrated_database.read_bytes())
    return database


def _start_worker(database: Path, **env) -> subprocess.Popen:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL"}}
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker"],
        cwd=ROOT,
        env=clean | {"ENV_FILE": "/nonexistent", "DATABASE_URL": f"sqlite:///{database}"} | env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(n) for n in path.read_text().split()] if path.exists() else []


def _wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what} within {seconds} s")


def _status(database: Path) -> list[str]:
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult WHERE task_path = ?",
            ("newsroom.tasks.send_email",),
        )
        return [status for (status,) in rows]


def _stop(supervisor: subprocess.Popen) -> str:
    supervisor.send_signal(signal.SIGTERM)
    output, _ = supervisor.communicate(timeout=30)
    return output


@pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
    reason="finds the worker's child process in /proc (Linux)",
)
def test_a_worker_killed_mid_task_is_replaced_and_the_email_arrives_once(
    worker_database, stalling_smtp
):
    port, inbox = stalling_smtp
    _run("shell", "-c", ENQUEUE, database=worker_database)
    supervisor = _start_worker(
        worker_database,
        EMAIL_URL=f"smtp://127.0.0.1:{port}",
        EMAIL_TIMEOUT="60",
        TASK_LEASE_SECONDS="3",
    )
    try:
        (first,) = _wait_for(lambda: _children(supervisor.pid), 30, "a worker started")
        _wait_for(lambda: inbox.stalled, 60, "the worker began sending")
        os.kill(first, signal.SIGKILL)
        (second,) = _wait_for(
            lambda: [c for c in _children(supervisor.pid) if c != first], 30, "a new worker"
        )
        _wait_for(lambda: inbox.messages, 60, "the e-mail arrived after the lease")
        time.sleep(4)  # past another lease: the task is not run a third time
        assert [m.content.count(SUBJECT.encode()) for m in inbox.messages] == [1]
        assert _status(worker_database) == ["SUCCESSFUL"]
        assert _children(supervisor.pid) == [second]
    finally:
        output = _stop(supervisor)
    assert supervisor.returncode == 0
    assert "ended with code -9; starting a new one" in output
    assert "queued again" in output
    assert not Path(f"/proc/{second}").exists(), "SIGTERM stopped the worker too"


@pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
    reason="finds the worker's child process in /proc (Linux)",
)
def test_the_worker_waits_out_a_locked_database_and_goes_on(worker_database):
    supervisor = _start_worker(worker_database, EMAIL_URL="consolemail://")
    try:
        (worker,) = _wait_for(lambda: _children(supervisor.pid), 30, "a worker started")
        time.sleep(3)  # polling the queue by now
        lock = sqlite3.connect(worker_database, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")
        time.sleep(25)  # longer than the database's own wait for a lock (20 s)
        lock.execute("ROLLBACK")
        lock.close()
        _run("shell", "-c", ENQUEUE, database=worker_database)
        _wait_for(lambda: _status(worker_database) == ["SUCCESSFUL"], 60, "the task ran")
        assert _children(supervisor.pid) == [worker], "the same worker, never restarted"
    finally:
        output = _stop(supervisor)
    assert "locked" in output
