"""`make serve`, as docs/operations.md gives it: set up, then serve in production mode. Run against a
database, static and media folders and a cache of its own, so the checkout is left alone."""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLEARED = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CACHE_URL", "STATIC_ROOT"}


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - 127.0.0.1 only
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@contextlib.contextmanager
def serving(target: str, port: int, folder: Path, **settings: str):
    """`make <target> PORT=port` as docs/operations.md runs it, with its database, static and media
    folders and cache in `folder` (the checkout is left alone), once /healthz answers; stopped
    with its process group afterwards. Yields the server's process and its log's path."""
    env = {k: v for k, v in os.environ.items() if k not in CLEARED} | {
        "DATABASE_URL": f"sqlite:///{folder / 'serve.sqlite3'}",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "CACHE_URL": f"filecache://{folder / 'pages'}",
        "PURGE_SEQUENCE_FILE": str(folder / "purge-sequence"),
        **settings,
    }
    log_path = folder / f"{target}.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            ["make", "--no-print-directory", target, f"PORT={port}"],  # noqa: S607 - as the docs
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 240
            while True:
                try:
                    if _get(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                assert server.poll() is None, log_path.read_text()[-5000:]
                assert time.monotonic() < deadline, log_path.read_text()[-5000:]
                time.sleep(0.5)
            yield server, log_path
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def test_make_serve_serves_pages_and_hashed_static_files_in_production_mode(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    with serving("serve", port, tmp_path) as (server, log_path):
        status, _, home = _get(f"{base}/")
        assert status == 200, home[-2000:]
        assert "European Discussions on Ukraine’s Postwar Security" in home
        assert ".topbar" in home, "the stylesheet is written into the page"
        icon = re.search(r'href="(/static/icons/favicon\.[0-9a-f]{12}\.svg)"', home)
        assert icon, "the page names a hashed static file"
        status, headers, svg = _get(base + icon[1])
        assert status == 200 and "<svg" in svg
        assert "max-age=315360000" in headers.get("Cache-Control", "")

        status, _, missing = _get(f"{base}/no-such-page/")
        assert status == 404
        assert "We can’t find that page" in missing  # the site's page: DEBUG is off

        deadline = time.monotonic() + 30
        while "The daily jobs are scheduled." not in log_path.read_text():
            assert time.monotonic() < deadline, "a worker runs beside the server"
            time.sleep(0.5)
    deadline = time.monotonic() + 15
    while _session(server.pid):  # the worker, granian and its workers all stop
        assert time.monotonic() < deadline, _session(server.pid)
        time.sleep(0.5)


def _session(sid: int) -> str:
    command = ["ps", "-o", "pid=,args=", "-s", str(sid)]
    listed = subprocess.run(command, capture_output=True, text=True, check=False)
    return listed.stdout.strip()


def _free_pair() -> int:
    """A free port whose next one is free too (`make serve-varnish` serves the app there)."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        try:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.varnish
@pytest.mark.skipif(
    not shutil.which("varnishd"),
    reason="needs Debian's varnish and varnish-modules (CI's .ci/run installs them)",
)
def test_make_serve_varnish_serves_pages_from_varnish(tmp_path):
    """The documented command itself, as whoever runs it (root here: Varnish then reads its
    configuration as its own unprivileged user)."""
    port = _free_pair()
    base = f"http://127.0.0.1:{port}"
    with serving("serve-varnish", port, tmp_path) as (_, log_path):
        caches = []
        for _ in range(3):
            status, headers, home = _get(f"{base}/")
            assert status == 200, home[-2000:]
            caches.append(headers.get("X-Cache"))
        assert "European Discussions on Ukraine’s Postwar Security" in home
        assert caches[-1] == "HIT", caches
    deadline = time.monotonic() + 45
    while _answers(port) or _answers(port + 1):  # Varnish and the app both stop
        still = [p for p in (port, port + 1) if _answers(p)]
        assert time.monotonic() < deadline, f"{still} answer: {log_path.read_text()[-3000:]}"
        time.sleep(0.5)
