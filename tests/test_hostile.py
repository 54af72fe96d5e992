"""The site served as `make serve` serves it, under attack over real sockets: clients that send a
request's body a byte a second, junk cookies, made-up query strings, and an app worker killed
outright. (Run in a folder of its own, with a short body deadline so the suite stays quick.)"""

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.core import signing

from tests.test_serve import serving

ROOT = Path(__file__).resolve().parent.parent
VCL = ROOT / "deploy/varnish/newsroom.vcl"
SECRET_KEY = "hostile-tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
BODY_SECONDS = 2
ARTICLE = "/world/european-discussions-ukraines-postwar-security/"
SLOW_CLIENTS = 50


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, timeout: float = 10) -> tuple[int, float, str]:
    """Status, seconds taken and text of a GET on a new connection."""
    start = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": "localhost"})
        response = connection.getresponse()
        text = response.read().decode()
    finally:
        connection.close()
    return response.status, time.monotonic() - start, text


@pytest.fixture(scope="module")
def served():
    """`make serve` on a free port, in a temporary folder, with a short body deadline."""
    work = Path(tempfile.mkdtemp(prefix="newsroom-hostile-"))
    port = _free_port()
    try:
        with serving(
            "serve", port, work, SECRET_KEY=SECRET_KEY, REQUEST_BODY_SECONDS=str(BODY_SECONDS)
        ) as (server, log_path):
            yield port, server, log_path
    finally:
        shutil.rmtree(work, ignore_errors=True)


class SlowClients:
    """Connections posting a reply of 100,000 bytes, one byte a second. Each remembers what
    the server answered and when the connection ended."""

    def __init__(self, port: int, path: str, count: int = SLOW_CLIENTS):
        self.started = time.monotonic()
        self.sockets = []
        for _ in range(count):
            client = socket.create_connection(("127.0.0.1", port), timeout=5)
            client.sendall(
                f"POST {path} HTTP/1.1\r\nHost: localhost\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                "Content-Length: 100000\r\n\r\nb".encode()
            )
            client.setblocking(False)
            self.sockets.append(client)
        self.answers: dict[int, tuple[float, bytes]] = {}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._trickle, daemon=True)
        self.thread.start()

    def _trickle(self) -> None:
        while not self.stopping.wait(1):
            for number, client in enumerate(self.sockets):
                if number in self.answers:
                    continue
                try:
                    answer = client.recv(4096)
                except BlockingIOError:
                    answer = None
                except OSError:
                    answer = b""
                if answer is not None:
                    self.answers[number] = (time.monotonic() - self.started, answer)
                    continue
                try:
                    client.send(b"o")
                except OSError:
                    self.answers[number] = (time.monotonic() - self.started, b"")

    def close(self) -> None:
        self.stopping.set()
        self.thread.join()
        for client in self.sockets:
            client.close()


def _answers_within_a_second(port: int, path: str, what: str) -> None:
    status, seconds, _ = _get(port, path)
    assert status == 200, f"{what} answered {status}"
    assert seconds < 1, f"{what} took {seconds:.1f} s"


def _reply_path(port: int) -> str:
    status, _, page = _get(port, ARTICLE)
    assert status == 200
    return re.search(r'action="(/replies/articles/\d+/)', page)[1]


def test_slow_request_bodies_cannot_hold_the_workers(served):
    port, _, _ = served
    reply_path = _reply_path(port)
    assert _get(port, "/")[0] == 200  # the home page is now in the cache
    slow = SlowClients(port, reply_path)
    try:
        time.sleep(0.5)
        for n in range(4):
            _answers_within_a_second(port, "/", "the cached home page")
            _answers_within_a_second(port, f"/search/?q=slow{n}", "an uncached page")
            time.sleep(0.4)
        deadline = time.monotonic() + BODY_SECONDS + 5
        while len(slow.answers) < SLOW_CLIENTS and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        slow.close()
    assert len(slow.answers) == SLOW_CLIENTS, "every slow connection was ended"
    for seconds, answer in slow.answers.values():
        assert BODY_SECONDS - 0.5 < seconds < BODY_SECONDS + 4, seconds
        assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer[:100]


def test_a_body_that_arrives_in_time_is_read_whole(served):
    port, _, _ = served
    reply_path = _reply_path(port)
    started = signing.dumps(time.time() - 30, key=SECRET_KEY, salt="newsroom.replies.form-started")
    body = (
        f"name=Ada+Reader&email=ada%40example.org&website=&homepage=&parent=&started={started}"
        f"&body={'A+considered+reply+sent+in+two+parts.+' * 20}"
    ).encode()
    client = socket.create_connection(("127.0.0.1", port), timeout=10)
    with client:
        client.sendall(
            f"POST {reply_path} HTTP/1.1\r\nHost: localhost\r\n"
            f"Origin: http://localhost\r\nSec-Fetch-Site: same-origin\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body[:100]
        )
        time.sleep(BODY_SECONDS / 2)
        client.sendall(body[100:])
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode()
    assert head.startswith("HTTP/1.1 302"), answer[:2000]
    assert f"location: {ARTICLE}#reply-" in head.lower()


@pytest.mark.varnish
def test_slow_request_bodies_through_varnish_never_reach_the_app(served, tmp_path_factory):
    if not shutil.which("varnishd"):
        pytest.skip("needs Debian's varnish and varnish-modules (CI's .ci/run installs them)")
    app_port, _, _ = served
    # Readable by the user Varnish's compiler runs as (pytest's own folders are private).
    work = Path(tempfile.mkdtemp(prefix="newsroom-varnish-"))
    work.chmod(0o755)
    (work / "newsroom.vcl").write_text(
        VCL.read_text().replace('.port = "8001";', f'.port = "{app_port}";')
    )
    port = _free_port()
    varnish = subprocess.Popen(
        [
            shutil.which("varnishd"),
            "-F",
            "-f",
            str(work / "newsroom.vcl"),
            "-a",
            f"127.0.0.1:{port}",
            "-n",
            str(work / "state"),
            "-s",
            "malloc,32m",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                assert varnish.poll() is None and time.monotonic() < deadline, "varnishd starts"
                time.sleep(0.1)
        reply_path = _reply_path(port)
        slow = SlowClients(port, reply_path)
        try:
            # Longer than the app would wait for a body: Varnish holds it, the app never sees it.
            for n in range(8):
                _answers_within_a_second(port, "/", "the home page")
                _answers_within_a_second(port, f"/search/?q=varnish{n}", "an uncached page")
                _answers_within_a_second(port, f"/admin/login/?n={n}", "the desk's sign-in page")
                time.sleep(0.4)
            assert not slow.answers, "Varnish keeps waiting for the bodies, and nothing else"
        finally:
            slow.close()

        client = socket.create_connection(("127.0.0.1", port), timeout=10)
        with client:
            client.sendall(
                f"POST {reply_path} HTTP/1.1\r\nHost: localhost\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                "Content-Length: 3000000\r\n\r\nbody=".encode()
            )
            assert client.recv(4096).startswith(b"HTTP/1.1 413"), "too large: refused unread"
    finally:
        varnish.terminate()
        varnish.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


def _workers(server: subprocess.Popen) -> tuple[int, set[int]]:
    """granian's main process and its workers, among the processes `make serve` started."""
    listed = subprocess.run(
        ["ps", "-o", "pid=,ppid=,args=", "-s", str(server.pid)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = [line.split(None, 2) for line in listed.splitlines()]
    granian = {
        int(pid): int(ppid)
        for pid, ppid, args in rows
        if Path(args.split()[0]).name.startswith("python") and "bin/granian" in args
    }
    main = next(pid for pid, ppid in granian.items() if ppid not in granian)
    return main, {pid for pid, ppid in granian.items() if ppid == main}


def test_a_killed_app_worker_is_replaced_and_the_site_keeps_answering(served):
    port, server, log_path = served
    main, workers = _workers(server)
    assert workers, "granian runs workers"
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 20
    resets = 0
    while True:
        try:
            status, _, _ = _get(port, "/")
        except ConnectionResetError:  # a connection the killed worker had already taken
            resets += 1
            assert resets <= 2, "connections keep being reset after the crash"
            time.sleep(0.2)
            continue
        assert status == 200, "the other workers answer meanwhile"
        assert server.poll() is None, log_path.read_text()[-3000:]
        now_main, now = _workers(server)
        if len(now) == len(workers) and victim not in now:
            break
        assert time.monotonic() < deadline, f"no new worker: {now} {log_path.read_text()[-3000:]}"
        time.sleep(0.5)
    assert now_main == main, "the same server, its worker replaced"
    for _ in range(10):
        assert _get(port, "/")[0] == 200
    assert _get(port, "/search/?q=after")[0] == 200


def _fetch(port: int, path: str, **headers):
    """Status, headers (names in any case) and body of a GET on a new connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": "localhost", **headers})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def _logged_cache(log_path: Path, request_id: str) -> str:
    """What the served app's log says of the cache for one request (found by its id)."""
    for _ in range(20):
        for line in log_path.read_text().splitlines():
            if request_id in line and '"cache"' in line:
                return re.search(r'"cache": "(\w+)"', line)[1]
        time.sleep(0.1)
    raise AssertionError(f"no log line for request {request_id}")


def test_junk_cookies_get_the_cached_page(served):
    port, _, log_path = served
    _fetch(port, ARTICLE)
    status, headers, plain = _fetch(port, ARTICLE)
    assert status == 200 and _logged_cache(log_path, headers["X-Request-ID"]) == "hit"
    for cookie in ("sessionid=x", "messages=x", "sessionid=x; messages=y; csrftoken=z"):
        status, headers, body = _fetch(port, ARTICLE, Cookie=cookie)
        assert (status, body) == (200, plain), cookie
        assert "Set-Cookie" not in headers and headers["Cache-Control"].startswith("public")
        assert _logged_cache(log_path, headers["X-Request-ID"]) == "hit", cookie


def test_made_up_query_strings_fill_nothing(served):
    port, _, log_path = served
    pages = log_path.parent / "pages"
    for path in ("/", ARTICLE):
        assert _fetch(port, path)[0] == 200
    stored = len(list(pages.rglob("*")))
    for n in range(1000):
        for path in ("/", ARTICLE):
            status, headers, _ = _fetch(port, f"{path}?x={n}")
            assert (status, headers["Location"]) == (301, path)
    assert len(list(pages.rglob("*"))) == stored, "nothing new in the page cache"
    assert _fetch(port, "/?x=1")[0] == 301, "still answered, never stored"
