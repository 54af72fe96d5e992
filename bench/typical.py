"""The article page as readers meet it, side by side in one run with a stock Wagtail 8 page.

1. The hit as shipped: `make serve`'s server with request logs on (the default; written to a
   file, as a server's logs are kept), against the bare app serving the same bytes under the
   same server (bench/bare.py), as WSGI and as ASGI (the interface `make serve` runs), and the
   same server with request logs off. wrk -t2 -c32
   on each, one after the other.
2. The cold miss: no cache at all (`CACHE_URL=dummycache://`), every request renders the whole
   page; wrk beside Wagtail's page, which Wagtail renders each time too.
3. The typical miss: the page asked right after a reply to its article was approved, so that
   the page and its replies' fragment are purged and the article's story and the site's
   header and footer are kept. Only one such miss follows each approval, so these are timed
   one request at a time (each after an approval made by this script, with the site's own
   moderation service; the reply approved before is rejected then, so that every page shows
   as many replies), alternating with cold misses each after an approval too, beside
   Wagtail timed the same way.

Run by `make bench` (needs wrk: apt-get install wrk). Knobs: BENCH_SECONDS, BENCH_MISSES
(how many requests each timed one at a time, 200), BENCH_WAGTAIL=0 (no Wagtail).
"""

import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages  # the same server, dataset and load as the page benchmark

MISSES = int(os.environ.get("BENCH_MISSES", 200))
LOGS_ON = {"LOG_REQUESTS": "true", "LOG_LEVEL": "INFO"}


def one_at_a_time(port: int, path: str, times: int) -> list[float]:
    """Milliseconds for each of `times` requests, one at a time on a kept-alive connection;
    every answer must be a 200."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        samples.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
    connection.close()
    return samples


def reply_count(page: bytes) -> int:
    found = re.search(rb'class="reply-count" href="#replies">(\d+) repl', page)
    return int(found.group(1)) if found else 0


def per_second(samples: list[float]) -> float:
    return 1000 / statistics.median(samples)


def misses_after_approvals(port: int, cold_port: int) -> dict[str, list[float]]:
    """Approve a reply to the seed article, then ask for its page, `MISSES` times from the
    page cache (the typical miss) and, alternating, from the server with no cache (a cold
    miss, after an approval too, so that both read the database as it is then)."""
    import django

    sys.path.insert(0, str(pages.ROOT))
    django.setup()
    from articles.models import Article
    from comments.models import Reply
    from comments.moderation import approve, reject

    article = Article.objects.get(slug=pages.SEED_ARTICLE.strip("/").split("/")[-1])
    shown = []

    def approve_one(n):
        # The one approved before is hidden again, so that every page counts as many replies.
        if shown:
            reject(Reply.objects.filter(pk=shown.pop()), by=None)
        reply = Reply.objects.create(
            article=article,
            name=f"Bench reader {n}",
            email=f"bench-{n}@example.org",
            body=f"Bench reply {n}.",
            status=Reply.Status.PENDING,
        )
        approve(Reply.objects.filter(pk=reply.pk), by=None)
        shown.append(reply.pk)

    one_at_a_time(port, pages.SEED_ARTICLE, 5)  # the page, its story and chrome are kept
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", pages.SEED_ARTICLE)
    approve_one.first = reply_count(connection.getresponse().read())
    connection.close()
    connections = {
        "typical": http.client.HTTPConnection("127.0.0.1", port, timeout=30),
        "cold": http.client.HTTPConnection("127.0.0.1", cold_port, timeout=30),
    }
    times = {name: [] for name in connections}
    for n in range(MISSES):
        for name, connection in connections.items():
            approve_one(f"{name}-{n}")
            start = time.perf_counter()
            connection.request("GET", pages.SEED_ARTICLE)
            page = connection.getresponse().read()
            times[name].append((time.perf_counter() - start) * 1000)
            if reply_count(page) != approve_one.first + 1:
                raise SystemExit(f"the page after an approval ({name}) does not count it")
    return times


def main():
    work = Path(tempfile.mkdtemp(prefix="newsroom-typical-"))
    granian = str(pages.ROOT / ".venv/bin/granian")
    env = pages.dataset_env(work, "demo") | LOGS_ON
    print("Building the demo content …", flush=True)
    pages.child("build-demo", env)
    log_file = (work / "requests.log").open("w")
    shipped, shipped_port = pages.serve(
        granian, "newsroom.asgi:application", env, pages.ROOT, stderr=log_file
    )
    cold, cold_port = pages.serve(
        granian,
        "newsroom.asgi:application",
        env | {"CACHE_URL": "dummycache://"},
        pages.ROOT,
        stderr=subprocess.DEVNULL,
    )
    wagtail = None
    try:
        connection = http.client.HTTPConnection("127.0.0.1", shipped_port)
        connection.request("GET", pages.SEED_ARTICLE)
        (work / "article.html").write_bytes(connection.getresponse().read())
        connection.close()
        bare_env = {"BARE_BODY": str(work / "article.html")}
        bench_folder = pages.ROOT / "bench"
        bare, bare_port = pages.serve(granian, "bare:application", bare_env, bench_folder)
        bare_asgi, bare_asgi_port = pages.serve(
            granian, "bare:asgi_application", bare_env, bench_folder
        )
        quiet, quiet_port = pages.serve(
            granian, "newsroom.asgi:application", env | {"LOG_REQUESTS": "false"}, pages.ROOT
        )
        try:
            floor = pages.load(bare_port, "/")
            floor_asgi = pages.load(bare_asgi_port, "/")
            hit = pages.load(shipped_port, pages.SEED_ARTICLE)
            hit_quiet = pages.load(quiet_port, pages.SEED_ARTICLE)
        finally:
            bare.terminate()
            bare_asgi.terminate()
            quiet.terminate()
        cold_load = pages.load(cold_port, pages.SEED_ARTICLE)
        child = subprocess.run(
            [pages.PYTHON, __file__, "misses", str(shipped_port), str(cold_port)],
            env=os.environ | env,
            cwd=pages.ROOT,
            capture_output=True,
            text=True,
        )
        if child.returncode:
            raise SystemExit(f"the typical misses failed:\n{child.stderr[-3000:]}")
        misses = json.loads(child.stdout.strip().splitlines()[-1])
        typical_times, cold_times = misses["typical"], misses["cold"]
        if os.environ.get("BENCH_WAGTAIL", "1") != "0":
            process, port, path = pages.wagtail_server(work)
            try:
                wagtail = {
                    "load": pages.load(port, path),
                    "times": one_at_a_time(port, path, MISSES),
                }
            finally:
                process.terminate()
    finally:
        shipped.terminate()
        cold.terminate()
        shipped.wait(timeout=15)
        log_file.close()
    lines = (work / "requests.log").read_text().splitlines()
    logged = sum('"logger": "newsroom.requests"' in line for line in lines)

    print(
        f"\nThe seed article, {pages.WORKERS} granian workers, SQLite, "
        f"wrk -t2 -c32 -d{pages.SECONDS}s:"
    )
    print(f"  hit as shipped (request logs on)  {hit['rps']:>9,.0f} req/s  p50 {hit['p50']:.2f} ms")
    print(
        f"  bare app, the same bytes          {floor['rps']:>9,.0f} req/s  "
        f"p50 {floor['p50']:.2f} ms"
    )
    print(f"  hit ÷ bare                        {hit['rps'] / floor['rps']:>9.2f}")
    print(
        f"  bare app as ASGI (make serve's)   {floor_asgi['rps']:>9,.0f} req/s  "
        f"p50 {floor_asgi['p50']:.2f} ms"
    )
    print(f"  hit ÷ bare ASGI app               {hit['rps'] / floor_asgi['rps']:>9.2f}")
    print(
        f"  hit, request logs off             {hit_quiet['rps']:>9,.0f} req/s  "
        f"p50 {hit_quiet['p50']:.2f} ms"
    )
    print(f"  hit with logs off ÷ bare          {hit_quiet['rps'] / floor['rps']:>9.2f}")
    print(f"  request lines written by the shipped server: {logged:,}")
    print(
        f"  cold miss (no cache)              {cold_load['rps']:>9,.0f} req/s  "
        f"p50 {cold_load['p50']:.2f} ms"
    )
    if wagtail:
        w = wagtail["load"]
        print(f"  Wagtail 8 (stock)                 {w['rps']:>9,.0f} req/s  p50 {w['p50']:.2f} ms")
        print(f"  cold miss ÷ Wagtail               {cold_load['rps'] / w['rps']:>9.2f}")
    print(f"\nOne request at a time, median of {MISSES} (req/s = 1000 ÷ median ms):")
    rows = [
        ("cold miss (no cache)", cold_times),
        ("typical miss (after an approval)", typical_times),
    ]
    if wagtail:
        rows.append(("Wagtail 8 (stock)", wagtail["times"]))
    for name, times in rows:
        print(
            f"  {name:<33} {per_second(times):>7,.0f} req/s  "
            f"median {statistics.median(times):.2f} ms"
        )
    if wagtail:
        w = per_second(wagtail["times"])
        print(f"  typical miss ÷ Wagtail            {per_second(typical_times) / w:>7.2f}")
        print(f"  cold miss ÷ Wagtail               {per_second(cold_times) / w:>7.2f}")
    print(f"\n(Work folder {work}; delete it when done.)")


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[1] == "misses":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
        print(json.dumps(misses_after_approvals(int(sys.argv[2]), int(sys.argv[3]))))
    else:
        main()
