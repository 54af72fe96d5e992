"""Newsletter sending benchmark: one edition to 100,000 subscribers.

A fresh database (SQLite in a temporary folder, or PostgreSQL with BENCH_DATABASE=postgres at
BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/newsroom_bench_newsletters,
which it empties) gets the subscribers and an edition of ten stories, started as an editor's
"Send now" starts it. A local SMTP server (aiosmtpd, in its own process) takes the mail; the
worker (`manage.py worker --batch`, its own process) sends it in batches as in production, one
Delivery row per message written before and settled after. Prints the time, e-mails a second
and the worker's peak memory (its maximum resident set size), and checks that every
subscriber's delivery was accepted and the server got that many messages.
Targets: under 10 minutes and under 200 MB.

Knobs: BENCH_SUBSCRIBERS (100000), BENCH_DATABASE=postgres, BENCH_DATABASE_URL, BENCH_BATCH
(NEWSLETTER_BATCH_SIZE, default 500). Run by `make bench`.
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
TARGET_SECONDS, TARGET_MB = 600, 200

SINK = """
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
        [PYTHON, "-c", SINK, str(port)], stdout=subprocess.PIPE, text=True, cwd=ROOT
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
    finally:
        sink.send_signal(signal.SIGTERM)
        received = int(sink.communicate(timeout=30)[0].strip().splitlines()[-1])
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    edition_status, accepted, deliveries = manage(env, "shell", "-c", CHECK).split()[-3:]
    rate = SUBSCRIBERS / seconds
    print(
        f"  sent in {seconds:.1f} s: {rate:,.0f} e-mails/s; worker's peak memory {peak_mb:.0f} MB"
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
