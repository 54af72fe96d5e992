"""Lighthouse scores of every kind of reader's page, served by `make serve`, with the mobile and
desktop presets, in Debian's Chromium. Each page is audited several times (`--runs`, 3 by
default: the machine is shared) and the table gives the median of each figure, with the load
average before and after.

Run with `make lighthouse` (`make lighthouse LIGHTHOUSE_ARGS="--runs 5 --pages home,article"`).
It installs Lighthouse 12 (pinned below: 13 needs a newer Node.js) into .cache/lighthouse once,
from the npm registry, then needs no network: the site is served on 127.0.0.1 and Chromium is
started with its background networking off. Each page is read twice before it is audited, so
Lighthouse gets it from the page cache, as readers do.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_VERSION = "12.8.2"
PREFIX = ROOT / ".cache/lighthouse"
CLI = PREFIX / "node_modules/lighthouse/cli/index.js"
CHROMIUM = "/usr/bin/chromium"
PAGES = {  # one of each kind of reader's page in the demo content
    "home": "/",
    "article": "/world/european-discussions-ukraines-postwar-security/",
    "live article": "/live-markets/markets-live-shares-slip-ahead-of-the-rates-decision/",
    "story with pictures and embeds": "/weather/storm-crosses-the-coast-hour-by-hour/",
    "section": "/world/",
    "topic": "/europe/",
    "author": "/authors/amara-okafor/",
    "search results": "/search/?q=housing",
    "latest": "/latest/",
    "footer page": "/pages/about/",
}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = " ".join(
    [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
)


def install() -> None:
    installed = PREFIX / "node_modules/lighthouse/package.json"
    if installed.exists() and json.loads(installed.read_text())["version"] == LIGHTHOUSE_VERSION:
        return
    PREFIX.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "npm",
            "install",
            "--prefix",
            str(PREFIX),
            "--no-audit",
            "--no-fund",
            "--silent",
            f"lighthouse@{LIGHTHOUSE_VERSION}",
        ],
        check=True,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"PORT={port}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    stop(server)
    sys.exit("make serve did not answer /healthz within three minutes")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def audit(url: str, preset: str, folder: Path) -> dict:
    report = folder / f"{preset}.json"
    command = [
        "node",
        str(CLI),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    for _ in range(3):  # on a busy machine a trace is now and then lost (NO_NAVSTART): again
        report.unlink(missing_ok=True)
        done = subprocess.run(command, env=os.environ | {"CHROME_PATH": CHROMIUM})
        result = json.loads(report.read_text()) if report.exists() else {}
        if done.returncode == 0 and "runtimeError" not in result:
            break
    else:
        sys.exit(f"Lighthouse failed three times on {url} ({preset})")
    scores = {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}
    failing = [
        f"{a['id']} ({a['score']})"
        for a in result["audits"].values()
        if a.get("score") is not None and a["score"] < 0.9 and a.get("scoreDisplayMode") == "binary"
    ]
    metrics = result["audits"]
    scores["fcp"] = metrics["first-contentful-paint"]["numericValue"] / 1000
    scores["lcp"] = metrics["largest-contentful-paint"]["numericValue"] / 1000
    scores["cls"] = metrics["cumulative-layout-shift"]["numericValue"]
    scores["failing"] = tuple(failing)
    return scores


def median_of(runs: list[dict]) -> dict:
    """Each figure's median over the runs; the audits that failed in any of them."""
    figures = {
        key: statistics.median(run[key] for run in runs) for key in runs[0] if key != "failing"
    }
    figures["failing"] = sorted({audit for run in runs for audit in run["failing"]})
    return figures


def load() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def warm(url: str) -> None:
    for _ in range(2):
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our http://127.0.0.1
            response.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="audits of each page and preset")
    parser.add_argument("--port", type=int, help="serve on this port (default: a free one)")
    parser.add_argument("--pages", help=f"a comma-separated choice of: {', '.join(PAGES)}")
    parser.add_argument("--presets", default="mobile,desktop", help="mobile, desktop or both")
    options = parser.parse_args()
    pages = {p: PAGES[p] for p in options.pages.split(",")} if options.pages else PAGES
    presets = options.presets.split(",")
    if not shutil.which("node") or not Path(CHROMIUM).exists():
        sys.exit("make lighthouse needs Node.js and Debian's chromium (apt-get install chromium)")
    install()
    port = options.port or free_port()
    server = serve(port)
    rows = []
    load_before = load()
    try:
        with tempfile.TemporaryDirectory() as folder:
            for page, path in pages.items():
                url = f"http://127.0.0.1:{port}{path}"
                warm(url)
                for preset in presets:
                    runs = [audit(url, preset, Path(folder)) for _ in range(options.runs)]
                    rows.append((page, preset, median_of(runs)))
    finally:
        stop(server)
    print(f"\nLighthouse {LIGHTHOUSE_VERSION}, Chromium at {CHROMIUM}, `make serve` on 127.0.0.1")
    print(f"median of {options.runs} runs; load average before {load_before}, after {load()}")
    print(
        "| page | preset | performance | accessibility | best practices | SEO | FCP | LCP | CLS |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for page, preset, s in rows:
        print(
            f"| {page} | {preset} | {s['performance']:.0f} | {s['accessibility']:.0f} | "
            f"{s['best-practices']:.0f} | {s['seo']:.0f} | {s['fcp']:.2f} s | {s['lcp']:.2f} s | "
            f"{s['cls']:.3g} |"
        )
    for page, preset, s in rows:
        if s["failing"]:
            print(f"{page} ({preset}) failing audits: {', '.join(s['failing'])}")


if __name__ == "__main__":
    main()
