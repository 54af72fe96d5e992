"""Junk cookies against the page cache: requests/s of a cached article with no cookie, and with
a made-up `sessionid`, `messages` or both, at the app (granian with the ASGI adapter and the
page-cache front, as `make serve` runs it) and through Varnish (deploy/varnish/newsroom.vcl).
Each cookie's rate should be at least 0.9 of the plain one: no cookie makes a reader's page a
miss.

Run by `make bench` (needs wrk, varnish, varnish-modules). Knobs: BENCH_SECONDS.
"""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages  # the same settings, demo data and granian as the page benchmark
import readpath  # wait_for

COOKIES = {
    "no cookie": "",
    "sessionid=junk": "sessionid=junk",
    "messages=junk": "messages=junk",
    "both, and others": "sessionid=junk; messages=junk; csrftoken=junk; theme=dark",
}


def rate(port: int, path: str, cookie: str) -> float:
    url = f"http://127.0.0.1:{port}{path}"
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    subprocess.run(["wrk", "-t2", "-c32", "-d2s", *headers, url], capture_output=True, check=True)
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{pages.SECONDS}s", *headers, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"{url} with {cookie!r} answered errors:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def start_varnish(work: Path, app_port: int, port: int) -> subprocess.Popen:
    folder = work / "varnish"
    folder.mkdir()
    folder.chmod(0o755)
    vcl = (pages.ROOT / "deploy/varnish/newsroom.vcl").read_text()
    (folder / "newsroom.vcl").write_text(vcl.replace('.port = "8001";', f'.port = "{app_port}";'))
    process = subprocess.Popen(
        [
            shutil.which("varnishd"),
            "-F",
            "-f",
            str(folder / "newsroom.vcl"),
            "-a",
            f"127.0.0.1:{port}",
            "-n",
            str(folder / "state"),
            "-s",
            "malloc,64m",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    readpath.wait_for(port)
    return process


def main():
    for tool in ("wrk", "varnishd"):
        if not shutil.which(tool):
            raise SystemExit(
                f"{tool} is not installed: apt-get install wrk varnish varnish-modules"
            )
    work = Path(tempfile.mkdtemp(prefix="newsroom-hostile-"))
    work.chmod(0o755)  # Varnish's compiler runs as a user of its own
    env = pages.dataset_env(work, "demo")
    print("Building the demo content …", flush=True)
    pages.child("build-demo", env)
    varnish_port = pages.free_port()
    app_env = env | {"CACHE_PURGE_URLS": f"http://127.0.0.1:{varnish_port}/", "NUM_PROXIES": "1"}
    app, app_port = pages.serve(
        str(pages.ROOT / ".venv/bin/granian"), "newsroom.asgi:application", app_env, pages.ROOT
    )
    varnish = None
    try:
        readpath.wait_for(app_port)
        varnish = start_varnish(work, app_port, varnish_port)
        print(
            f"\nA cached article ({pages.SEED_ARTICLE}), wrk -t2 -c32 -d{pages.SECONDS}s, "
            f"{pages.WORKERS} granian workers:\n"
        )
        print(f"{'cookie':<20} {'app req/s':>10} {'ratio':>6} {'Varnish req/s':>14} {'ratio':>6}")
        plain = {}
        for label, cookie in COOKIES.items():
            app_rate = rate(app_port, pages.SEED_ARTICLE, cookie)
            varnish_rate = rate(varnish_port, pages.SEED_ARTICLE, cookie)
            plain = plain or {"app": app_rate, "varnish": varnish_rate}
            print(
                f"{label:<20} {app_rate:>10,.0f} {app_rate / plain['app']:>6.2f} "
                f"{varnish_rate:>14,.0f} {varnish_rate / plain['varnish']:>6.2f}"
            )
    finally:
        for process in (varnish, app):
            if process:
                process.terminate()
                process.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
