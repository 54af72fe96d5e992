"""Lighthouse scores of the home and article pages, served by `make serve`, with the mobile
and desktop presets, in Debian's Chromium. Prints a table of the four category scores.

Run with `make lighthouse`. It installs Lighthouse 12 (pinned below: 13 needs a newer Node.js)
into .cache/lighthouse once, from the npm registry, then needs no network: the site is served on
127.0.0.1 and Chromium is started with its background networking off.
"""

import json
import os
import shutil
import signal
import socket
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
PAGES = {
    "home": "/",
    "article": "/world/european-discussions-ukraines-postwar-security/",
    "story with pictures and embeds": "/weather/storm-crosses-the-coast-hour-by-hour/",
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


def audit(url: str, preset: str, folder: Path) -> dict[str, int]:
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
    subprocess.run(command, check=True, env=os.environ | {"CHROME_PATH": CHROMIUM})
    result = json.loads(report.read_text())
    scores = {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}
    failing = [
        f"{a['id']} ({a['score']})"
        for a in result["audits"].values()
        if a.get("score") is not None and a["score"] < 0.9 and a.get("scoreDisplayMode") == "binary"
    ]
    metrics = result["audits"]
    scores["lcp"] = metrics["largest-contentful-paint"]["displayValue"]
    scores["cls"] = metrics["cumulative-layout-shift"]["displayValue"]
    scores["failing"] = ", ".join(failing) or "none"
    return scores


def main() -> None:
    if not shutil.which("node") or not Path(CHROMIUM).exists():
        sys.exit("make lighthouse needs Node.js and Debian's chromium (apt-get install chromium)")
    install()
    port = free_port()
    server = serve(port)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            for page, path in PAGES.items():
                for preset in ("mobile", "desktop"):
                    scores = audit(f"http://127.0.0.1:{port}{path}", preset, Path(folder))
                    rows.append((page, preset, scores))
    finally:
        stop(server)
    print(f"\nLighthouse {LIGHTHOUSE_VERSION}, Chromium at {CHROMIUM}, `make serve` on 127.0.0.1")
    print("| page | preset | performance | accessibility | best practices | SEO | LCP | CLS |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for page, preset, s in rows:
        print(
            f"| {page} | {preset} | {s['performance']} | {s['accessibility']} | "
            f"{s['best-practices']} | {s['seo']} | {s['lcp']} | {s['cls']} |"
        )
    for page, preset, s in rows:
        if s["failing"] != "none":
            print(f"{page} ({preset}) failing audits: {s['failing']}")


if __name__ == "__main__":
    main()
