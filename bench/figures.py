"""Story figures benchmark: what the readers' beacon costs.

1. The cached article page under `make serve`'s server (granian's ASGI interface, the
   production application, a worker per core), loaded with wrk: alone, then with the beacons
   its readers send at the default sampling (one body-less POST to /figures/view for every
   FIGURES_SAMPLE_RATE views, as the page's script sends it), five runs of each alternated
   (medians), and at one beacon per view. Prints page views/s of each and the ratio to the
   page alone (target: within 10 % at the default rate). Both loads go to the same server
   over the same kept-alive connections, as from behind Varnish (TRUSTED_PROXIES=127.0.0.1,
   each request with an X-Forwarded-For): each beacon from another reader's address, so every
   one is counted, none held back as a client's repeated view (figures/repeats.py). On a
   shared machine the views/s move with the other work; the server's CPU time per view
   (its processes' user and system time, from /proc) moves much less, and its ratio is the
   throughput ratio a machine of its own would see.
2. The beacon endpoint alone: requests/s under wrk, and its app time in process (no network),
   median and 99th percentile: as the servers answer it, before Django (figures/front.py), and
   through Django's whole stack (the development server's way).
3. The fold (figures/fold.py) of 1,000,000 sampled views waiting in Redis, over the demo's
   articles, 24 hours and 500 referring hosts: seconds, and the hourly rows written.

The counts go to Redis (production): BENCH_REDIS_URL, default redis://127.0.0.1:6379/13, which
this benchmark empties. BENCH_PORT (default 8130) is the server's port. Knobs: BENCH_SECONDS,
BENCH_FOLD_VIEWS. Needs wrk (apt-get install wrk). Run by `make bench`.
"""

import http.client
import itertools
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages  # the same server, settings and load as the page benchmark

REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
PORT = int(os.environ.get("BENCH_PORT", 8130))
VIEWS = int(os.environ.get("BENCH_FOLD_VIEWS", 1_000_000))
RATE = 10  # FIGURES_SAMPLE_RATE's default
PAIRS = 5
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


def environment(work: Path) -> dict:
    return pages.dataset_env(work, "demo") | {
        "CACHE_URL": REDIS,
        "FIGURES_SAMPLE_RATE": str(RATE),
        "TRUSTED_PROXIES": "127.0.0.1",
    }


def beacon_query(port: int) -> str:
    """The query string of the seed article's beacon, as its page's script writes it."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", pages.SEED_ARTICLE)
    page = connection.getresponse().read().decode()
    article = re.search(r'data-article="(\d+)"', page).group(1)
    key = re.search(r'data-key="(\w+)"', page).group(1)
    return f"a={article}&k={key}&r=news.example.com"


def script(work: Path, port: int, query: str, every: int) -> Path:
    """A wrk script: the article page, and every `every`-th request a reader's beacon (0:
    never, 1: only beacons), each from another reader's address: 65,536 of them for each of
    wrk's threads, in a block of 10.0.0.0/8 that each wrk run is given (`load`). Every request
    is written before the load starts, beacons as pages, so that wrk spends no more on one
    than on the other. BENCH_BEACON=json sends the JSON body pages cached before the body-less
    beacon send instead."""
    path = work / f"mix-{every}.lua"
    if os.environ.get("BENCH_BEACON") == "json":
        target, headers, body = "/figures/view", '["Content-Type"] = "text/plain",', _json(query)
    else:
        target, headers, body = f"/figures/view?{query}", "", ""
    path.write_text(
        f"""
local n = 0
local page = wrk.format("GET", "{pages.SEED_ARTICLE}", {{
  ["Host"] = "127.0.0.1:{port}",
  ["User-Agent"] = "{BROWSER}",
  ["X-Forwarded-For"] = "198.51.100.7",
}})
local beacons = {{}}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread", threads)
end
function init(args)
  local block = (tonumber(args[1]) * 4 + thread) % 256
  if {every} == 0 then return end
  for i = 0, 65535 do
    beacons[i] = wrk.format("POST", "{target}", {{
      ["Host"] = "127.0.0.1:{port}",
      ["Origin"] = "http://127.0.0.1:{port}",
      ["Sec-Fetch-Site"] = "same-origin",
      ["User-Agent"] = "{BROWSER}",
      ["X-Forwarded-For"] = "10." .. block .. "." .. math.floor(i / 256) .. "." .. i % 256,
      {headers}
    }}, '{body}')
  end
end
request = function()
  n = n + 1
  if {every} > 0 and n % {every} == 0 then return beacons[(n / {every}) % 65536] end
  return page
end
"""
    )
    return path


def _json(query: str) -> str:
    fields = dict(part.split("=", 1) for part in query.split("&"))
    return f'{{"a": {fields["a"]}, "k": "{fields["k"]}", "r": "{fields["r"]}"}}'


def server_cpu(pid: int) -> float:
    """CPU seconds (user and system) the server and its worker processes have used (Linux)."""
    seconds, pids = 0.0, [pid]
    while pids:
        process = pids.pop()
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rpartition(")")[2].split()
            seconds += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for task in Path(f"/proc/{process}/task").iterdir():
                pids += [int(child) for child in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue  # gone meanwhile
    return seconds


_blocks = itertools.count()


def load(port: int, lua: Path, server: int) -> tuple[float, float]:
    """(requests/s, the server's CPU µs per request) of one wrk run with `lua`."""
    url = f"http://127.0.0.1:{port}/"
    command = ["wrk", "-t2", "-c32", "-s", str(lua)]
    subprocess.run(
        [*command, "-d2s", url, "--", str(next(_blocks))], capture_output=True, check=True
    )  # warm
    cpu = server_cpu(server)
    out = subprocess.run(
        [*command, f"-d{pages.SECONDS}s", url, "--", str(next(_blocks))],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    cpu = server_cpu(server) - cpu
    if "Non-2xx" in out:
        raise SystemExit(f"errors under load:\n{out}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), cpu / requests * 1e6


# --- run inside a child process with the benchmark's settings --------------------------------


def app_time() -> None:
    """The beacon's time through the whole Django stack, in process: no network, no server."""
    import io

    import django

    sys.path.insert(0, str(pages.ROOT))
    django.setup()
    from figures.beacon import article_key
    from newsroom.wsgi import application, django_application

    query = f"a=1&k={article_key(1)}&r=news.example.com"

    def environ(n: int):
        return {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/figures/view",
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8130",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_X_FORWARDED_FOR": f"10.{n // 62500 % 250}.{n // 250 % 250}.{n % 250 + 1}",
            "HTTP_HOST": "127.0.0.1:8130",
            "HTTP_ORIGIN": "http://127.0.0.1:8130",
            "HTTP_SEC_FETCH_SITE": "same-origin",
            "HTTP_USER_AGENT": BROWSER,
            "wsgi.input": io.BytesIO(b""),
            "wsgi.url_scheme": "http",
        }

    for label, app in (("before Django", application), ("through Django", django_application)):
        statuses, samples = set(), []
        for n in range(5500):
            start = time.perf_counter()
            answer = app(environ(n), lambda status, headers, seen=statuses: seen.add(status))
            b"".join(answer)
            if n >= 500:
                samples.append((time.perf_counter() - start) * 1e6)
        samples.sort()
        print(
            f"Beacon app time in process, {label} ({', '.join(statuses)}): median "
            f"{statistics.median(samples):.0f} µs, p99 {samples[int(len(samples) * 0.99)]:.0f} "
            f"µs over {len(samples)} beacons"
        )


def fold_million() -> None:
    """VIEWS sampled views waiting in Redis as beacons leave them, then one fold."""
    import django

    sys.path.insert(0, str(pages.ROOT))
    django.setup()
    from datetime import UTC, datetime

    from articles.models import Article
    from figures import fold, store
    from figures.models import HourlyReferrer, HourlyViews

    redis_store = store.current()
    articles = list(Article.objects.values_list("pk", flat=True))
    now = int(time.time()) // 3600 * 3600
    start = time.perf_counter()
    pipe = redis_store.client.pipeline(transaction=False)
    for n in range(VIEWS):
        hour = datetime.fromtimestamp(now - 3600 * (n % 24), tz=UTC)
        stamp = int(hour.timestamp())
        pipe.hincrby(
            redis_store._hash(stamp), f"{articles[n % len(articles)]}|h{n % 500}.example", RATE
        )
        pipe.sadd(redis_store.hours_key, stamp)
        if n % 20_000 == 19_999:
            pipe.execute()
    pipe.execute()
    written = time.perf_counter() - start
    start = time.perf_counter()
    folded = fold.fold()
    seconds = time.perf_counter() - start
    print(
        f"Fold of {VIEWS:,} sampled views ({len(articles)} articles, 24 hours, 500 hosts; "
        f"written to Redis in {written:.1f} s): {seconds:.2f} s, {folded}; "
        f"{HourlyViews.objects.count():,} hourly rows, {HourlyReferrer.objects.count():,} "
        "referrer rows"
    )


# --- the parent process ----------------------------------------------------------------------


def main():
    work = Path(tempfile.mkdtemp(prefix="newsroom-figures-"))
    env = environment(work)
    busy = os.getloadavg()[0]
    subprocess.run(["redis-cli", "-u", REDIS, "flushdb"], check=True, capture_output=True)
    print("Building the demo newsroom …", flush=True)
    pages.child("build-demo", env)
    server = serve(env)
    try:
        query = beacon_query(PORT)
        alone_runs, sampled_runs, alone_cpu, sampled_cpu = [], [], [], []
        for _ in range(PAIRS):  # alternated: the machine's load moves between runs
            rate, cpu = load(PORT, script(work, PORT, query, 0), server.pid)
            alone_runs.append(rate)
            alone_cpu.append(cpu)
            # A beacon after every RATE views: one request in RATE + 1.
            rate, cpu = load(PORT, script(work, PORT, query, RATE + 1), server.pid)
            sampled_runs.append(rate * RATE / (RATE + 1))
            sampled_cpu.append(cpu * (RATE + 1) / RATE)  # per view, its beacon's share included
        alone, sampled = statistics.median(alone_runs), statistics.median(sampled_runs)
        every = load(PORT, script(work, PORT, query, 2), server.pid)[0] / 2
        beacons, beacon_cpu = load(PORT, script(work, PORT, query, 1), server.pid)
    finally:
        server.terminate()
        server.wait()
    print(
        f"\n{pages.WORKERS} granian workers, wrk -t2 -c32 -d{pages.SECONDS}s on the same machine "
        f"(load average before: {busy:.1f}), counts in Redis."
    )
    print(
        f"Runs alone: {', '.join(f'{r:,.0f}' for r in alone_runs)}; with beacons: "
        f"{', '.join(f'{r:,.0f}' for r in sampled_runs)} views/s (medians below)"
    )
    print(f"Cached article page alone:                    {alone:>8,.0f} views/s")
    print(
        f"… with a beacon every {RATE} views (the default): {sampled:>8,.0f} views/s "
        f"({sampled / alone:.2f} of alone)"
    )
    print(
        f"… with a beacon for every view:               {every:>8,.0f} views/s ({every / alone:.2f})"
    )
    print(f"Beacon endpoint alone:                        {beacons:>8,.0f} beacons/s")
    page_cpu, view_cpu = statistics.median(alone_cpu), statistics.median(sampled_cpu)
    print(
        f"Server CPU per request: a cached page {page_cpu:.0f} µs, a beacon {beacon_cpu:.0f} µs; "
        f"per view with a beacon every {RATE} views {view_cpu:.0f} µs: the page alone's "
        f"throughput on a machine of its own would be {page_cpu / view_cpu:.2f} of alone"
    )
    subprocess.run([pages.PYTHON, __file__, "app-time"], env=os.environ | env, check=True)
    subprocess.run(["redis-cli", "-u", REDIS, "flushdb"], check=True, capture_output=True)
    subprocess.run([pages.PYTHON, __file__, "fold"], env=os.environ | env, check=True)
    subprocess.run(["redis-cli", "-u", REDIS, "flushdb"], check=True, capture_output=True)
    print(f"\n(Work folder {work}; delete it when done.)")


def serve(env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(pages.ROOT / ".venv/bin/granian"),
            "--interface",
            "asgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(PORT),
            "--workers",
            str(pages.WORKERS),
            "--blocking-threads",
            "1",
            "--log-level",
            "error",
            "--no-ws",
            "newsroom.asgi:application",
        ],
        cwd=pages.ROOT,
        env=os.environ | env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", "/")
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"nothing answers on {PORT}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
        {"app-time": app_time, "fold": fold_million}[sys.argv[1]]()
    else:
        main()
