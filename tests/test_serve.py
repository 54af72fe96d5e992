"""`make serve`, as the README gives it: set up, then serve in production mode. Run against a
database, static and media folders and a cache of its own, so the checkout is left alone."""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLEARED = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CACHE_URL", "STATIC_ROOT"}


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - 127.0.0.1 only
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_make_serve_serves_pages_and_hashed_static_files_in_production_mode(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in CLEARED} | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "CACHE_URL": f"filecache://{tmp_path / 'pages'}",
        "PURGE_SEQUENCE_FILE": str(tmp_path / "purge-sequence"),
    }
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"PORT={port}"],  # noqa: S607 - as the README
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                if _get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.5)

        status, _, home = _get(f"{base}/")
        assert status == 200, home[-2000:]
        assert "European Discussions on Ukraine’s Postwar Security" in home
        stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', home)
        assert stylesheet, "the page names a hashed stylesheet"
        status, headers, css = _get(base + stylesheet[1])
        assert status == 200
        assert "max-age=315360000" in headers.get("Cache-Control", "")
        assert ".topbar" in css

        status, _, missing = _get(f"{base}/no-such-page/")
        assert status == 404
        assert "We can’t find that page" in missing  # the site's page: DEBUG is off

        deadline = time.monotonic() + 30
        while "The daily jobs are scheduled." not in (tmp_path / "serve.log").read_text():
            assert time.monotonic() < deadline, "a worker runs beside the server"
            time.sleep(0.5)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    deadline = time.monotonic() + 15
    while _session(server.pid):  # the worker, granian and its workers all stop
        assert time.monotonic() < deadline, _session(server.pid)
        time.sleep(0.5)


def _session(sid: int) -> str:
    command = ["ps", "-o", "pid=,args=", "-s", str(sid)]
    listed = subprocess.run(command, capture_output=True, text=True, check=False)
    return listed.stdout.strip()
