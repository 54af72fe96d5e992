"""Live pages: the page and its endpoint for new updates with 10 updates and with 500, in
process and uncached (the views' own cost: a cached answer makes no query at all), with their
queries. Target: 500 updates cost the same as 10. Run with `make bench`."""

import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
work = Path(tempfile.mkdtemp(prefix="newsroom-bench-live-"))
os.environ.update(
    DJANGO_SETTINGS_MODULE="newsroom.settings",
    ENV_FILE="/nonexistent",
    DEBUG="false",
    SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",  # noqa: S106
    ALLOWED_HOSTS="testserver",
    SECURE_SSL_REDIRECT="false",
    DATABASE_URL=f"sqlite:///{work / 'bench.sqlite3'}",
    MEDIA_ROOT=str(work / "media"),
    STATIC_ROOT=str(work / "static"),
    PAGE_CACHE_SECONDS="0",
    LOG_LEVEL="WARNING",
)

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
logging.disable(logging.INFO)  # no request log lines among the figures

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Article, Topic  # noqa: E402
from live.models import LiveUpdate  # noqa: E402

RUNS = 200


def live_page(n: int) -> Article:
    now = timezone.now()
    article = Article.objects.create(
        headline=f"Live with {n} updates",
        slug=f"live-{n}",
        body="<p>The summary.</p>",
        primary_topic=Topic.objects.get(slug="live-markets"),
        status=Article.Status.PUBLISHED,
        publish_at=now - timedelta(days=1),
        live_from=now - timedelta(days=1),
    )
    LiveUpdate.objects.bulk_create(
        LiveUpdate(
            article=article,
            headline=f"Update {k}" if k % 3 == 0 else "",
            body=f"<p>What happened at step {k}, told in a sentence or two of news.</p>",
            posted_at=now - timedelta(minutes=k),
            is_key_point=k in (5, 50, 150),
        )
        for k in range(n)
    )
    return article


def measure(client, url) -> tuple[float, int]:
    client.get(url)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times) * 1000, len(queries)


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("load_demo", verbosity=0)
    client = Client()
    print(f"Live pages, in process, uncached (median of {RUNS}):")
    print(f"  {'':<28}{'10 updates':>16}{'500 updates':>16}")
    small, large = live_page(10), live_page(500)
    since = (timezone.now() - timedelta(minutes=3, seconds=30)).isoformat().replace("+", "%2B")
    rows = [
        ("the page", lambda a: a.get_absolute_url()),
        ("its last page", lambda a: a.get_absolute_url() + "?page=25"),
        ("an update's link", lambda a: f"{a.get_absolute_url()}?update={a.live_updates.last().pk}"),
        ("endpoint, 3 new", lambda a: f"{a.get_absolute_url()}updates/?since={since}"),
        ("endpoint, none new", lambda a: f"{a.get_absolute_url()}updates/?since=2099-01-01"),
    ]
    for name, url in rows:
        figures = [measure(client, url(article)) for article in (small, large)]
        cells = "".join(f"{ms:>9.2f} ms, {q} q" for ms, q in figures)
        print(f"  {name:<28}{cells}")


if __name__ == "__main__":
    main()
