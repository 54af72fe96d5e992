"""Read-path benchmark: the shared cache in front, and reads while readers post replies.

1. Varnish (deploy/varnish/newsroom.vcl) in front of the app, against nginx serving the same
   article page as a static file: requests/s of each, same wrk run.
2. Reads spread over the pages linked from the home page (round-robin, through the app's own
   front, as `make serve` runs) while readers post replies to one article, each from its own
   address: 0, 2 and 6 a second, held for moderation (the default for a first reply) or
   approved at once (each purges that article's page). Prints each rate's median throughput
   over three runs, alternating with runs without posts, and its ratio to those.

Run by `make bench` after bench/pages.py (needs wrk, nginx-light, varnish, varnish-modules:
apt-get install wrk nginx-light varnish varnish-modules). Knobs: BENCH_SECONDS.
"""

import http.client
import itertools
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages  # the same server, datasets and load as the page benchmark

SECONDS = pages.SECONDS
RATES = (0, 2, 6)
PAIRS = 3
_numbers = itertools.count(1)
_run = f"{time.time():.0f}"


def wait_for(port: int) -> None:
    for _ in range(300):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing answers on {port}")


def get(port: int, path: str, headers=None) -> tuple[int, str, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response.status, body, dict(response.getheaders())


def varnish_against_nginx(work: Path, env: dict) -> dict:
    """Varnish in front of the app, and nginx serving the page as a file, loaded alike."""
    varnish_port, app_port, nginx_port = pages.free_port(), pages.free_port(), pages.free_port()
    app_env = env | {
        "CACHE_PURGE_URLS": f"http://127.0.0.1:{varnish_port}/",
        "TRUSTED_PROXIES": "127.0.0.1",
    }
    app = subprocess.Popen(
        [
            str(pages.ROOT / ".venv/bin/granian"),
            "--interface",
            "asgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(app_port),
            "--workers",
            str(pages.WORKERS),
            "--blocking-threads",
            "1",
            "--no-ws",
            "--log-level",
            "error",
            "newsroom.asgi:application",
        ],
        cwd=pages.ROOT,
        env=os.environ | app_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    folder = work / "varnish"
    folder.mkdir()
    folder.chmod(0o755)
    vcl = (pages.ROOT / "deploy/varnish/newsroom.vcl").read_text()
    (folder / "newsroom.vcl").write_text(vcl.replace('.port = "8001";', f'.port = "{app_port}";'))
    varnish = subprocess.Popen(
        [
            shutil.which("varnishd"),
            "-F",
            "-f",
            str(folder / "newsroom.vcl"),
            "-a",
            f"127.0.0.1:{varnish_port}",
            "-n",
            str(folder / "state"),
            "-s",
            "malloc,256m",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    static = work / "nginx"
    (static / "root").mkdir(parents=True)
    static.chmod(0o755)
    (static / "root").chmod(0o755)
    nginx = None
    try:
        wait_for(app_port)
        wait_for(varnish_port)
        _, body, _ = get(varnish_port, pages.SEED_ARTICLE)
        page = static / "root/index.html"
        page.write_text(body)
        page.chmod(0o644)
        (static / "nginx.conf").write_text(
            f"worker_processes {pages.WORKERS};\ndaemon off;\npid {static}/nginx.pid;\n"
            f"error_log {static}/error.log;\nevents {{ worker_connections 1024; }}\n"
            "http {\n  access_log off;\n  default_type text/html;\n"
            f"  server {{ listen 127.0.0.1:{nginx_port}; root {static}/root; }}\n}}\n"
        )
        nginx = subprocess.Popen(["nginx", "-c", str(static / "nginx.conf")])
        wait_for(nginx_port)
        return {
            "varnish": pages.load(varnish_port, pages.SEED_ARTICLE),
            "nginx": pages.load(nginx_port, "/"),
        }
    finally:
        for process in (nginx, varnish, app):
            if process:
                process.terminate()
                process.wait(timeout=10)


def linked_pages(port: int) -> list[str]:
    """The pages the home page links to, as a reader would follow them (35 at most)."""
    _, home, _ = get(port, "/")
    paths = []
    for href in re.findall(r'href="(/[^"#?]*)"', home):
        if href.startswith(("/static/", "/media/", "/feed", "/admin")) or href in paths:
            continue
        paths.append(href)
    return list(dict.fromkeys(["/", *paths]))[:35]


def poster(port: int, article_pk: int, rate: int, stop: threading.Event, sent: list) -> None:
    """Post `rate` replies a second to one article, each from an address of its own."""
    _, page, _ = get(port, pages.SEED_ARTICLE)
    started = re.search(r'name="started" value="([^"]+)"', page).group(1)
    time.sleep(2.1)  # a form filled faster than a person types is held: wait as a person would
    next_at = time.monotonic()
    while not stop.is_set():
        n = next(_numbers)  # every reply its own text and address, across runs
        body = urlencode(
            {
                "name": f"Reader {n}",
                "email": f"bench-{_run}-{n}@example.org",
                "body": f"Reply {n} of benchmark run {_run}, from a reader with views.",
                "started": started,
            }
        )
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request(
            "POST",
            f"/replies/articles/{article_pk}/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Sec-Fetch-Site": "same-origin",
                "X-Forwarded-For": f"127.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
            },
        )
        response = connection.getresponse()
        response.read()
        connection.close()
        sent.append(response.status)
        next_at += 1 / rate
        stop.wait(max(next_at - time.monotonic(), 0))


def reads_while_posting(work: Path, env: dict, approve: bool) -> dict[int, float]:
    script = work / "round-robin.lua"
    settings_env = env | {"TRUSTED_PROXIES": "127.0.0.1", "REPLY_RATE_LIMIT": "5/60"}
    child = [pages.PYTHON, __file__, "moderation", "approve" if approve else "hold"]
    subprocess.run(child, env=os.environ | settings_env, cwd=pages.ROOT, check=True)
    server, port = pages.serve(
        str(pages.ROOT / ".venv/bin/granian"), "newsroom.asgi:application", settings_env, pages.ROOT
    )
    try:
        paths = linked_pages(port)
        script.write_text(
            "local paths = {" + ", ".join(f'"{p}"' for p in paths) + "}\nlocal i = 0\n"
            "request = function()\n  i = i % #paths + 1\n"
            "  return wrk.format('GET', paths[i])\nend\n"
        )
        _, page, _ = get(port, pages.SEED_ARTICLE)
        article_pk = int(re.search(r'action="/replies/articles/(\d+)/', page).group(1))
        url = f"http://127.0.0.1:{port}/"
        subprocess.run(
            ["wrk", "-t2", "-c32", "-d2s", "-s", str(script), url], capture_output=True, check=True
        )
        # Runs without and with posts alternate, PAIRS times, and the medians are compared:
        # from one run to the next this machine varies more than the effect measured.
        results: dict[int, list[float]] = {rate: [] for rate in RATES}
        for _ in range(PAIRS):
            for rate in RATES:
                stop, sent = threading.Event(), []
                thread = None
                if rate:
                    args = (port, article_pk, rate, stop, sent)
                    thread = threading.Thread(target=poster, args=args)
                    thread.start()
                    time.sleep(3)  # its first replies are on their way
                out = subprocess.run(
                    ["wrk", "-t2", "-c32", f"-d{SECONDS}s", "-s", str(script), url],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                stop.set()
                if thread:
                    thread.join()
                    if not sent or any(status != 302 for status in sent):
                        raise SystemExit(f"posting failed: {sorted(set(sent))}")
                rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
                results[rate].append(rps)
        return {"pages": len(paths), **{r: statistics.median(v) for r, v in results.items()}}
    finally:
        server.terminate()


def set_moderation(mode: str) -> None:
    """Run in a child with the dataset's settings: approve clean replies at once, or hold
    every first reply (the default)."""
    import django

    sys.path.insert(0, str(pages.ROOT))
    django.setup()
    from comments.models import ModerationSettings

    options = ModerationSettings.load()
    options.moderate_all = False
    options.hold_first_replies = mode == "hold"
    options.save()


def main():
    for tool in ("wrk", "nginx", "varnishd"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is not installed: apt-get install wrk nginx-light varnish")
    work = Path(tempfile.mkdtemp(prefix="newsroom-readpath-"))
    work.chmod(0o755)  # Varnish's compiler and nginx's workers run as users of their own
    env = pages.dataset_env(work, "demo")
    print("Building the demo content …", flush=True)
    pages.child("build-demo", env)
    figures = varnish_against_nginx(work, env)
    v, n = figures["varnish"]["rps"], figures["nginx"]["rps"]
    print(f"\nThe seed article, wrk -t2 -c32 -d{SECONDS}s:")
    print(
        f"  Varnish in front of the app  {v:>9,.0f} req/s  p50 {figures['varnish']['p50']:.2f} ms"
    )
    print(f"  nginx, the page as a file    {n:>9,.0f} req/s  p50 {figures['nginx']['p50']:.2f} ms")
    print(f"  Varnish ÷ nginx              {v / n:>9.2f}")
    for approve in (False, True):
        reads = reads_while_posting(work, env, approve)
        kind = "approved at once" if approve else "held for moderation"
        print(f"\nReads over the {reads['pages']} pages linked from the home page, replies {kind}:")
        for rate in RATES:
            print(f"  {rate} replies/s  {reads[rate]:>9,.0f} req/s  {reads[rate] / reads[0]:.2f}")
    print(f"\n(Work folder {work}; delete it when done.)")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "moderation":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
        set_moderation(sys.argv[2])
    else:
        main()
