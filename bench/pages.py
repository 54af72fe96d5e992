"""Page benchmark. Builds two newsrooms in a temporary folder (the demo content, and the demo
plus 10,000 articles, 50 topics, 100 authors and 100,000 replies), serves each with granian as
`make serve` does (the production WSGI application, 2 workers per 2 cores), and loads the home,
article and topic pages with wrk from a second process: cached (file cache shared by the
workers) and uncached (`CACHE_URL=dummycache://`). Beside them it measures a bare WSGI app
serving the same bytes under the same server (the floor) and a stock Wagtail 8 article page
(`bench/wagtail/`). Prints requests/s, p50/p99 latency, the median time to first byte, the
ratios, the article page's query count and query plans.

Run with `make bench` (needs `wrk`: apt-get install wrk). Knobs: BENCH_ARTICLES,
BENCH_REPLIES, BENCH_SECONDS, BENCH_DATABASE=postgres (PostgreSQL at 127.0.0.1 instead of
SQLite), BENCH_WAGTAIL=0 (skip Wagtail, which needs its own virtualenv: made once in
.cache/bench-wagtail from the package index).
"""

import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv/bin/python")
ARTICLES = int(os.environ.get("BENCH_ARTICLES", 10_000))
REPLIES = int(os.environ.get("BENCH_REPLIES", 100_000))
SECONDS = int(os.environ.get("BENCH_SECONDS", 5))
POSTGRES = os.environ.get("BENCH_DATABASE") == "postgres"
WORKERS = os.cpu_count() or 1
SEED_ARTICLE = "/world/european-discussions-ukraines-postwar-security/"
PAGES = {"home": "/", "article": SEED_ARTICLE, "topic": "/world/"}
SETTINGS = {
    "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    "ENV_FILE": "/nonexistent",
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "false",
    "SERVE_MEDIA": "true",
    "LOG_LEVEL": "WARNING",
    "LOG_REQUESTS": "false",
}


def dataset_env(work: Path, dataset: str) -> dict:
    if POSTGRES:
        database = f"postgres://postgres@127.0.0.1:5432/newsroom_bench_{dataset}"
    else:
        database = f"sqlite:///{work / dataset}.sqlite3"
    return SETTINGS | {
        "DATABASE_URL": database,
        "MEDIA_ROOT": str(work / f"media-{dataset}"),
        "STATIC_ROOT": str(work / "static"),
        "CACHE_URL": f"filecache://{work / f'cache-{dataset}'}?max_entries=20000",
        "PURGE_SEQUENCE_FILE": str(work / f"cache-{dataset}/purge-sequence"),
    }


# --- run inside a child process with the dataset's settings ---------------------------------


def build(dataset: str) -> None:
    """Migrate, load the demo, and for the big dataset add the bulk articles and replies."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from articles.models import Article, Author, Byline, Topic
    from comments.models import Reply

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("load_demo", verbosity=0)
    if dataset == "demo":
        return
    now = timezone.now()
    # Topics, authors and articles of their own: the demo's pages show the same articles on
    # both databases, so the figures compare the same pages over 15 or 10,015 articles.
    topics = Topic.objects.bulk_create(
        Topic(name=f"Bench topic {n}", slug=f"bench-topic-{n}") for n in range(50)
    )
    authors = Author.objects.bulk_create(
        Author(name=f"Bench Author {n}", slug=f"bench-author-{n}") for n in range(100)
    )
    body = "".join(
        f"<p>Paragraph {n} of a benchmark article with some words.</p>" for n in range(8)
    )
    articles = Article.objects.bulk_create(
        (
            Article(
                headline=f"Benchmark article number {n}",
                slug=f"benchmark-article-{n}",
                standfirst="A standfirst of ordinary length for a benchmark article.",
                body=body,
                primary_topic=topics[n % 50],
                status=Article.Status.PUBLISHED,
                # Older than the demo's articles, which stay the newest on the front page.
                publish_at=now - timedelta(days=3, minutes=n),
            )
            for n in range(ARTICLES)
        ),
        batch_size=2000,
    )
    Byline.objects.bulk_create(
        (Byline(article=a, author=authors[n % 100], order=0) for n, a in enumerate(articles)),
        batch_size=5000,
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
    from comments.counts import count_replies

    for start in range(0, len(articles), 1000):
        count_replies([a.pk for a in articles[start : start + 1000]])
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def plans() -> None:
    """The article page's queries (page cache off) and how the database runs each."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client()
    with override_settings(PAGE_CACHE_SECONDS=0):
        client.get(SEED_ARTICLE)
        with CaptureQueriesContext(connection) as queries:
            client.get(SEED_ARTICLE)
    print(f"\nThe article page makes {len(queries.captured_queries)} queries (page cache off):")
    explain = "EXPLAIN" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            sql = query["sql"]
            cursor.execute(f"{explain} {sql}")
            plan = "; ".join(str(row[-1]).strip() for row in cursor.fetchall())
            print(f"- {sql[:80]}…\n    {plan[:400]}")


# --- the parent process ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(granian: str, app: str, env: dict, cwd, stderr=subprocess.DEVNULL):
    """Serve `app` with granian as `make serve` does; (the process, its port). `stderr`: where
    its logs go (nowhere unless told)."""
    port = free_port()
    process = subprocess.Popen(
        [
            granian,
            "--interface",
            "asgi" if "asgi" in app else "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(WORKERS),
            "--blocking-threads",
            "1",
            "--no-ws",
            "--log-level",
            "error",
            app,
        ],
        cwd=cwd,
        env=os.environ | env,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{app} did not start")


def load(port: int, path: str) -> dict:
    url = f"http://127.0.0.1:{port}{path}"
    subprocess.run(["wrk", "-t2", "-c32", "-d2s", url], capture_output=True, check=True)  # warm
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{SECONDS}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(label):
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    if "Non-2xx" in out:
        raise SystemExit(f"{url} answered errors under load:\n{out}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency("50%"),
        "p99": latency("99%"),
        "ttfb": first_byte(port, path),
    }


def first_byte(port: int, path: str, times: int = 200) -> float:
    """Median milliseconds from sending a request to the first byte of the answer, one
    request at a time on a kept-alive connection (an idle server)."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()  # returns once the status line and headers arrive
        samples.append((time.perf_counter() - start) * 1000)
        response.read()
    connection.close()
    return statistics.median(samples)


def child(command: str, env: dict) -> None:
    subprocess.run([PYTHON, __file__, command], env=os.environ | env, cwd=ROOT, check=True)


def wagtail(work: Path) -> dict | None:
    """A stock Wagtail 8 site (`wagtail start` and an article page) serving the seed article."""
    process, port, path = wagtail_server(work)
    try:
        return {"path": path, **load(port, path)}
    finally:
        process.terminate()


def wagtail_server(work: Path) -> tuple[subprocess.Popen, int, str]:
    """Build the stock Wagtail 8 site in `work` and serve it: (the process, its port, the
    seed article's path)."""
    venv = ROOT / ".cache/bench-wagtail"
    python = venv / "bin/python"
    if not python.exists():
        print("Making .cache/bench-wagtail (Wagtail 8 and granian) …")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "wagtail==8.0.1", "granian"],
            check=True,
        )
    site = work / "wagtail"
    site.mkdir()
    subprocess.run(
        [str(venv / "bin/wagtail"), "start", "benchsite", str(site)],
        check=True,
        capture_output=True,
    )
    shutil.copytree(ROOT / "bench/wagtail/news", site / "news")
    base = site / "benchsite/settings/base.py"
    base.write_text(base.read_text().replace('"home",', '"home",\n    "news",', 1))
    (site / "benchsite/settings/local.py").write_text(
        'SECRET_KEY = "bench-only"\nALLOWED_HOSTS = ["*"]\n'
    )
    env = {"DJANGO_SETTINGS_MODULE": "benchsite.settings.production"}
    manage = [str(python), "manage.py"]
    for command in (["makemigrations", "news"], ["migrate"], ["collectstatic", "--noinput"]):
        subprocess.run([*manage, *command, "-v0"], cwd=site, env=os.environ | env, check=True)
    script = ROOT / "bench/wagtail/setup_page.py"
    seed = ROOT / "newsroom/demo/seed-article.txt"
    code = f"import sys; sys.argv = ['', {str(seed)!r}]; exec(open({str(script)!r}).read())"
    made = subprocess.run(
        [*manage, "shell", "-c", code],
        cwd=site,
        env=os.environ | env,
        check=True,
        capture_output=True,
        text=True,
    )
    path = made.stdout.strip().splitlines()[-1]
    process, port = serve(str(venv / "bin/granian"), "benchsite.wsgi:application", env, site)
    return process, port, path


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="newsroom-pages-"))
    granian = str(ROOT / ".venv/bin/granian")
    datasets = {
        "demo": "demo content (15 articles)",
        "10k": f"{ARTICLES:,} articles, {REPLIES:,} replies",
    }
    rows, floors = [], {}
    for dataset in datasets:
        env = dataset_env(work, dataset)
        if POSTGRES:
            name = env["DATABASE_URL"].rsplit("/", 1)[1]
            for tool in ("dropdb --if-exists", "createdb"):
                subprocess.run(
                    [*tool.split(), "-h", "127.0.0.1", "-U", "postgres", name], check=True
                )
        print(f"Building {datasets[dataset]} …", flush=True)
        child("build-" + dataset, env)
        cached, cached_port = serve(granian, "newsroom.asgi:application", env, ROOT)
        uncached, uncached_port = serve(
            granian, "newsroom.asgi:application", env | {"CACHE_URL": "dummycache://"}, ROOT
        )
        try:
            for name, path in PAGES.items():
                if dataset == "10k":  # the floor: the same bytes from a bare WSGI app
                    body = work / f"{name}.html"
                    connection = http.client.HTTPConnection("127.0.0.1", cached_port)
                    connection.request("GET", path)
                    body.write_bytes(connection.getresponse().read())
                    connection.close()
                    bare, bare_port = serve(
                        granian, "bare:application", {"BARE_BODY": str(body)}, ROOT / "bench"
                    )
                    try:
                        floors[name] = load(bare_port, "/")
                    finally:
                        bare.terminate()
                for mode, port in (("cached", cached_port), ("uncached", uncached_port)):
                    rows.append((name, dataset, mode, load(port, path)))
        finally:
            cached.terminate()
            uncached.terminate()
    reference = wagtail(work) if os.environ.get("BENCH_WAGTAIL", "1") != "0" else None

    print(
        f"\n{WORKERS} granian workers, wrk -t2 -c32 -d{SECONDS}s on the same machine, "
        f"{'PostgreSQL' if POSTGRES else 'SQLite'}."
    )
    print(
        f"{'page':<8} {'data':<5} {'mode':<9} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'TTFB ms':>8} {'÷ bare':>7} {'÷ Wagtail':>9}"
    )
    by = {(name, dataset, mode): r for name, dataset, mode, r in rows}
    for (name, dataset, mode), r in by.items():
        wag = f"{r['rps'] / reference['rps']:>9.1f}" if reference and name == "article" else " " * 9
        print(
            f"{name:<8} {dataset:<5} {mode:<9} {r['rps']:>8,.0f} {r['p50']:>7.2f} {r['p99']:>7.2f} "
            f"{r['ttfb']:>8.2f} {r['rps'] / floors[name]['rps']:>7.2f} {wag}"
        )
    for name, floor in floors.items():
        print(
            f"{name:<8} bare  floor     {floor['rps']:>8,.0f} {floor['p50']:>7.2f} "
            f"{floor['p99']:>7.2f} {floor['ttfb']:>8.2f}"
        )
    if reference:
        print(
            f"Wagtail 8 article page (stock, {reference['path']}): {reference['rps']:,.0f} req/s, "
            f"p50 {reference['p50']:.2f} ms, p99 {reference['p99']:.2f} ms, "
            f"TTFB {reference['ttfb']:.2f} ms"
        )
    print("\nHow much slower each page is at 10,000 articles than on the demo (1.00 = as fast):")
    for name in PAGES:
        for mode in ("cached", "uncached"):
            slower = by[(name, "demo", mode)]["rps"] / by[(name, "10k", mode)]["rps"]
            print(f"  {name:<8} {mode:<9} {slower:.2f}")
    child("plans", dataset_env(work, "10k"))
    print(f"\n(Work folder {work}; delete it when done.)")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
        {"build-demo": lambda: build("demo"), "build-10k": lambda: build("10k"), "plans": plans}[
            sys.argv[1]
        ]()
    else:
        main()
