"""Page benchmark: builds a realistic newsroom (10,000 articles, 50 topics, 100 authors,
100,000 replies) in a temporary folder, serves it with `granian` as `make serve` does, and loads
the home, article and topic pages with wrk, cached and uncached, beside a bare WSGI app serving
the same bytes under the same server (the floor). Prints requests/s, p50/p99 latency and the
ratio to the floor, then the query plans of the article page's queries.

Run with `make bench` (needs `wrk`: apt-get install wrk). Sizes: BENCH_ARTICLES, BENCH_REPLIES.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="newsroom-pages-"))
ARTICLES = int(os.environ.get("BENCH_ARTICLES", 10_000))
REPLIES = int(os.environ.get("BENCH_REPLIES", 100_000))
SECONDS = int(os.environ.get("BENCH_SECONDS", 5))
BASE_ENV = {
    "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    "ENV_FILE": "/nonexistent",
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "false",
    "DATABASE_URL": f"sqlite:///{WORK / 'bench.sqlite3'}",
    "MEDIA_ROOT": str(WORK / "media"),
    "STATIC_ROOT": str(WORK / "static"),
    "SERVE_MEDIA": "true",
    "LOG_LEVEL": "WARNING",
    "LOG_REQUESTS": "false",
}
os.environ.update(BASE_ENV | {"CACHE_URL": f"filecache://{WORK / 'cache'}"})

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402


def build() -> dict:
    from datetime import timedelta

    from articles.models import Article, Author, Byline, Topic
    from comments.models import Reply

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("load_demo", verbosity=0)
    now = timezone.now()
    topics = Topic.objects.bulk_create(
        Topic(
            name=f"Bench topic {n}", slug=f"bench-topic-{n}", show_in_nav=n < 3, nav_order=200 + n
        )
        for n in range(50)
    )
    authors = Author.objects.bulk_create(
        Author(name=f"Bench Author {n}", slug=f"bench-author-{n}") for n in range(100)
    )
    body = "".join(
        f"<p>Paragraph {n} of a benchmark article with some words.</p>" for n in range(8)
    )
    articles = Article.objects.bulk_create(
        Article(
            headline=f"Benchmark article number {n}",
            slug=f"benchmark-article-{n}",
            dek="A standfirst of ordinary length for a benchmark article.",
            body=body,
            primary_topic=topics[n % 50],
            status=Article.Status.PUBLISHED,
            publish_at=now - timedelta(minutes=n + 1),
        )
        for n in range(ARTICLES)
    )
    Byline.objects.bulk_create(
        Byline(article=a, author=authors[n % 100], order=0) for n, a in enumerate(articles)
    )
    per_article = max(REPLIES // max(ARTICLES, 1), 1)
    Reply.objects.bulk_create(
        (
            Reply(
                article=articles[(n // per_article) % ARTICLES],
                name=f"Reader {n}",
                email=f"reader{n}@example.org",
                body=f"Benchmark reply {n}.",
                status=Reply.Status.APPROVED,
            )
            for n in range(REPLIES)
        ),
        batch_size=5000,
    )
    return {
        "home": "/",
        "article": articles[0].get_absolute_url(),
        "topic": topics[0].get_absolute_url(),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(app: str, env: dict, cwd=ROOT) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/granian"), "--interface", "wsgi", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(os.cpu_count() or 1), "--no-ws",
         "--log-level", "error", app],
        cwd=cwd, env=os.environ | env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{app} did not start")


def load(url: str) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{SECONDS}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip

    def latency(label):
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency("50%"),
        "p99": latency("99%"),
    }


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    print(f"Building {ARTICLES:,} articles, 50 topics, 100 authors, {REPLIES:,} replies …")
    pages = build()
    client = Client()
    rows = []
    cached, cached_port = serve(
        "newsroom.wsgi:application", {"CACHE_URL": f"filecache://{WORK / 'cache'}"}
    )
    uncached, uncached_port = serve("newsroom.wsgi:application", {"CACHE_URL": "dummycache://", "PAGE_CACHE_SECONDS": "0"})  # fmt: skip
    try:
        for name, path in pages.items():
            body = WORK / f"{name}.html"
            body.write_bytes(client.get(path).content)
            bare, bare_port = serve(
                "bare:application", {"BARE_BODY": str(body)}, cwd=ROOT / "bench"
            )
            try:
                floor = load(f"http://127.0.0.1:{bare_port}/")
            finally:
                bare.terminate()
            for label, port in (("cached", cached_port), ("uncached", uncached_port)):
                load(f"http://127.0.0.1:{port}{path}")  # warm up
                result = load(f"http://127.0.0.1:{port}{path}")
                rows.append((name, label, result, floor))
    finally:
        cached.terminate()
        uncached.terminate()

    print(
        f"\n{'page':<8} {'mode':<9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'floor req/s':>12} {'ratio':>6}"
    )
    for name, label, r, floor in rows:
        print(f"{name:<8} {label:<9} {r['rps']:>9,.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} "
              f"{floor['rps']:>12,.0f} {r['rps'] / floor['rps']:>6.2f}")  # fmt: skip

    print("\nQuery plans of the article page (uncached):")
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        Client().get(pages["article"], HTTP_COOKIE="sessionid=bypass")
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = "; ".join(row[-1] for row in cursor.fetchall())
            print(f"- {sql[:70]}…\n    {plan}")
    print(f"\n(Work folder {WORK}; delete it when done.)")


if __name__ == "__main__":
    main()
