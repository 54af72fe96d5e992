"""Newsletter sending benchmark: one edition to 100,000 subscribers.

A fresh database (SQLite in a temporary folder, or PostgreSQL with BENCH_DATABASE=postgres at
BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/newsroom_bench_newsletters,
which it empties) gets the subscribers and an edition of ten stories, started as an editor's
"Send now" starts it. A local SMTP server (its own process) takes the mail; the worker
(`manage.py worker --batch`, its own process) sends it in batches as in production, each
message's Delivery row written before it goes and settled after. Prints the time, e-mails a
second, the worker's peak memory (its maximum resident set size) and the CPU time the worker
and the SMTP server took a 1,000 messages (steadier than the time on a shared machine), and
checks that every subscriber's delivery was accepted and the server got that many messages.
Targets: under 10 minutes and under 200 MB.

The SMTP server is the least one can be, answering each command and counting the messages, so
that it is our sender that is measured; BENCH_SMTP=aiosmtpd uses aiosmtpd instead.

Knobs: BENCH_SUBSCRIBERS (100000), BENCH_DATABASE=postgres, BENCH_DATABASE_URL, BENCH_BATCH
(NEWSLETTER_BATCH_SIZE, default 500), BENCH_SMTP. Run by `make bench`.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SUBSCRIBERS = int(os.environ.get("BENCH_SUBSCRIBERS", 100_000))
BATCH = os.environ.get("BENCH_BATCH", "500")
POSTGRES = os.environ.get("BENCH_DATABASE") == "postgres"
POSTGRES_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_bench_newsletters"
)
SMTP = os.environ.get("BENCH_SMTP", "minimal")
TARGET_SECONDS, TARGET_MB = 600, 200

# The default sink: the least an SMTP server can be (answers every command, counts the messages)
# so the benchmark measures our sender. aiosmtpd in Python costs about 2 ms of CPU a message, as
# much as the worker, and on two cores it was the ceiling (BENCH_SMTP=aiosmtpd to use it).
SINK = """
import asyncio, signal, sys

class Sink(asyncio.Protocol):
    count = 0

    def connection_made(self, transport):
        self.transport, self.buffer, self.data = transport, b"", False
        transport.write(b"220 sink\\r\\n")

    def data_received(self, chunk):
        self.buffer += chunk
        while True:
            if self.data:
                end = self.buffer.find(b"\\r\\n.\\r\\n")
                if end < 0:
                    return
                self.buffer, self.data = self.buffer[end + 5 :], False
                Sink.count += 1
                self.transport.write(b"250 accepted\\r\\n")
                continue
            line, found, rest = self.buffer.partition(b"\\r\\n")
            if not found:
                return
            self.buffer, verb = rest, line[:4].upper()
            if verb == b"DATA":
                self.data, self.buffer = True, b"\\r\\n" + self.buffer
                self.transport.write(b"354 go on\\r\\n")
            elif verb == b"QUIT":
                self.transport.write(b"221 bye\\r\\n")
                self.transport.close()
            else:
                self.transport.write(b"250 ok\\r\\n")

async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Sink, "127.0.0.1", int(sys.argv[1]))
    print("ready", flush=True)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    server.close()
    print(Sink.count, flush=True)

asyncio.run(main())
"""

AIOSMTPD_SINK = """
import signal, sys, threading
from aiosmtpd.controller import Controller

class Sink:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Sink.count += 1
        return "250 Message accepted for delivery"

controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
stop.wait()
controller.stop()
print(Sink.count, flush=True)
"""

SEED = """
from django.utils import timezone
from newsletters import sending
from newsletters.models import Edition, Newsletter, Subscriber, Subscription
from tests.factories import make_article

now = timezone.now()
newsletter = Newsletter.objects.create(name="The Morning Briefing", slug="morning")
stories = [make_article().pk for _ in range(10)]
for start in range(0, {count}, 5000):
    made = Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{{n}}@example.org", confirmed_at=now)
        for n in range(start, min(start + 5000, {count}))
    )
    Subscription.objects.bulk_create(
        Subscription(subscriber=s, newsletter=newsletter) for s in made
    )
edition = Edition.objects.create(newsletter=newsletter, subject="Morning", stories=stories)
sending.start(edition)
"""

CHECK = """
from newsletters.models import Delivery, Edition
edition = Edition.objects.get()
print(edition.status, Delivery.objects.filter(status="accepted").count(), Delivery.objects.count())
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(work: Path, port: int) -> dict:
    database = POSTGRES_URL if POSTGRES else f"sqlite:///{work / 'bench.sqlite3'}"
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "ENV_FILE": "/nonexistent",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database,
        "CACHE_URL": "locmemcache://",
        "MEDIA_ROOT": str(work / "media"),
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "NEWSLETTER_BATCH_SIZE": BATCH,
        "NEWSLETTER_SEND_RATE": "100000",
        "LOG_LEVEL": "WARNING",
        "LOG_REQUESTS": "false",
    }


def cpu_seconds(pid: int) -> float:
    """The user and system CPU time a running process has used (Linux's /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(result.stdout + result.stderr)
    return result.stdout


def fresh_database(env: dict) -> None:
    if POSTGRES:
        name = POSTGRES_URL.rsplit("/", 1)[1]
        for tool in ("dropdb --if-exists", "createdb"):
            subprocess.run([*tool.split(), "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    manage(env, "migrate", "--no-input")


def main(work: Path) -> None:
    port = free_port()
    env = environment(work, port)
    print(
        f"Newsletters: one edition to {SUBSCRIBERS:,} subscribers "
        f"({'PostgreSQL' if POSTGRES else 'SQLite'}, batches of {BATCH})",
        flush=True,
    )
    fresh_database(env)
    began = time.monotonic()
    manage(env, "shell", "-c", SEED.format(count=SUBSCRIBERS))
    print(f"  subscribers and edition made in {time.monotonic() - began:.0f} s", flush=True)

    sink = subprocess.Popen(
        [PYTHON, "-c", AIOSMTPD_SINK if SMTP == "aiosmtpd" else SINK, str(port)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    if sink.stdout.readline().strip() != "ready":
        sys.exit("the SMTP server did not start")
    try:
        began = time.monotonic()
        worker = subprocess.Popen(
            [PYTHON, "manage.py", "worker", "--batch", "--verbosity=0"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(worker.pid, 0)
        seconds = time.monotonic() - began
        if status:
            sys.exit(f"the worker failed ({status})")
        sink_cpu = cpu_seconds(sink.pid)
    finally:
        sink.send_signal(signal.SIGTERM)
        received = int(sink.communicate(timeout=30)[0].strip().splitlines()[-1])
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    edition_status, accepted, deliveries = manage(env, "shell", "-c", CHECK).split()[-3:]
    rate = SUBSCRIBERS / seconds
    print(
        f"  sent in {seconds:.1f} s: {rate:,.0f} e-mails/s; worker's peak memory {peak_mb:.0f} MB"
    )
    worker_cpu = usage.ru_utime + usage.ru_stime
    print(
        f"  CPU a 1,000 e-mails: the worker {worker_cpu * 1000 / SUBSCRIBERS:.2f} s, "
        f"the SMTP server ({SMTP}) {sink_cpu * 1000 / SUBSCRIBERS:.2f} s"
    )
    print(
        f"  edition {edition_status}; {int(accepted):,} accepted of {int(deliveries):,} "
        f"deliveries; the server received {received:,} messages"
    )
    ok = (
        edition_status == "sent"
        and int(accepted) == SUBSCRIBERS == received
        and seconds < TARGET_SECONDS
        and peak_mb < TARGET_MB
    )
    print(
        f"  target (every message once, < {TARGET_SECONDS // 60} min, < {TARGET_MB} MB): "
        f"{'met' if ok else 'MISSED'}"
    )


if __name__ == "__main__":
    folder = Path(tempfile.mkdtemp(prefix="newsroom-bench-newsletters-"))
    try:
        main(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
