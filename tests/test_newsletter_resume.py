"""A worker killed in the middle of sending an edition: the worker started again takes the send
up where it stopped, and every subscriber gets the edition exactly once. The message the mail
server was holding when the worker died (its data never acknowledged, so never delivered) is
sent again; none before it is. The worker runs as its own process, against its own SQLite
file and a real SMTP server (aiosmtpd), as in tests/test_worker_supervisor.py."""

import asyncio
import os
import signal
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import smtp_server
from tests.test_purge_receivers import _run, migrated_database  # noqa: F401
from tests.test_worker_supervisor import _children, _start_worker, _stop, _wait_for

pytestmark = pytest.mark.django_db

READERS = 60
STALL_AT = 30
SEED = f"""
from django.utils import timezone
from newsletters import sending
from newsletters.models import Edition, Newsletter, Subscriber, Subscription
newsletter = Newsletter.objects.create(name="The Morning Briefing", slug="morning")
for n in range({READERS}):
    reader = Subscriber.objects.create(email=f"reader{{n}}@example.org", confirmed_at=timezone.now())
    Subscription.objects.create(subscriber=reader, newsletter=newsletter)
edition = Edition.objects.create(newsletter=newsletter, subject="Morning")
sending.start(edition)
"""


class StallingInbox:
    """Keeps every message but the STALL_AT-th, whose data it never answers (the worker is
    killed meanwhile): that one was never delivered."""

    def __init__(self):
        self.delivered: list[str] = []
        self.seen = 0
        self.stalled = False

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.seen == STALL_AT:
            self.stalled = True
            await asyncio.Event().wait()  # until the connection is gone
        self.delivered.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


@pytest.fixture
def stalling_smtp():
    inbox = StallingInbox()
    with smtp_server(inbox) as port:
        yield port, inbox


def _deliveries(database: Path) -> Counter:
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT status FROM newsletters_delivery")
        return Counter(status for (status,) in rows)


def _edition_status(database: Path) -> str:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT status FROM newsletters_edition").fetchone()[0]


@pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
    reason="finds the worker's child process in /proc (Linux)",
)
def test_a_worker_killed_mid_send_is_replaced_and_every_reader_gets_the_edition_once(
    migrated_database,  # noqa: F811
    tmp_path,
    stalling_smtp,
):
    database = tmp_path / "worker.sqlite3"
    database.write_bytes(migrated_database.read_bytes())
    port, inbox = stalling_smtp
    _run("shell", "-c", SEED, database=database)
    supervisor = _start_worker(
        database,
        EMAIL_URL=f"smtp://127.0.0.1:{port}",
        EMAIL_TIMEOUT="60",
        TASK_LEASE_SECONDS="6",
        NEWSLETTER_BATCH_SIZE="100",
        NEWSLETTER_SEND_RATE="1000",
    )
    try:
        (first,) = _wait_for(lambda: _children(supervisor.pid), 30, "a worker started")
        _wait_for(lambda: inbox.stalled, 60, "the worker reached the 30th message")
        assert len(inbox.delivered) == STALL_AT - 1
        os.kill(first, signal.SIGKILL)
        _wait_for(lambda: [c for c in _children(supervisor.pid) if c != first], 30, "a new worker")
        _wait_for(lambda: _edition_status(database) == "sent", 90, "the edition was sent")
    finally:
        output = _stop(supervisor)
    assert "ended with code -9; starting a new one" in output
    addresses = Counter(inbox.delivered)
    assert sorted(addresses) == sorted(f"reader{n}@example.org" for n in range(READERS))
    assert set(addresses.values()) == {1}, "nobody got it twice"
    assert _deliveries(database) == Counter({"accepted": READERS})
