"""The logs an operator reads: one JSON object a line, each request's with its id, which every
other line of that request carries too and the response sends back."""

import io
import json
import logging
import os
import re
import threading
import time

import pytest

from articles.models import Article
from newsroom import logs
from newsroom.logs import JsonFormatter, RequestIdFilter, TextFormatter, background
from newsroom.logs.background import BackgroundHandler, flush, request_record
from tests.factories import make_article
from tests.test_settings import _manage, assert_refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """What the console handler would write, in JSON, for every logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = logging.getLogger("newsroom.requests").level
    logging.getLogger("newsroom.requests").setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    logging.getLogger("newsroom.requests").setLevel(previous)


def request_lines(lines):
    return [line for line in lines if line["logger"] == "newsroom.requests"]


def test_each_request_is_one_json_line_with_its_fields(client, log_lines):
    url = make_article().get_absolute_url()
    first, second = client.get(url), client.get(url)
    miss, hit = request_lines(log_lines())
    assert miss["method"] == "GET" and miss["path"] == url and miss["status"] == 200
    assert (miss["cache"], hit["cache"]) == ("miss", "hit")
    assert isinstance(miss["ms"], float) and miss["level"] == "INFO"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", miss["time"])
    assert miss["request_id"] == first["X-Request-ID"] and re.fullmatch(
        r"[0-9a-f]{32}", first["X-Request-ID"]
    )
    assert hit["request_id"] == second["X-Request-ID"] != first["X-Request-ID"]
    assert "user" not in miss, "readers are never named"


def test_staff_are_logged_by_their_id(editor_client, editor, log_lines):
    editor_client.get("/admin/")
    (line,) = request_lines(log_lines())
    assert line["user"] == editor.pk


def test_every_line_of_a_request_carries_its_id(editor_client, log_lines):
    article = make_article(status=Article.Status.DRAFT, publish_at=None)
    response = editor_client.post(f"/admin/articles/article/{article.pk}/preview-links/", {})
    desk = [line for line in log_lines() if line["logger"] == "newsroom.audit"]
    assert desk and desk[0]["request_id"] == response["X-Request-ID"]


def test_a_proxys_request_id_is_used_only_when_proxies_are_trusted(client, settings, log_lines):
    url = make_article().get_absolute_url()
    assert client.get(url, HTTP_X_REQUEST_ID="lb-4711")["X-Request-ID"] != "lb-4711"
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # the test client connects from there
    assert client.get(url, HTTP_X_REQUEST_ID="lb-4711")["X-Request-ID"] == "lb-4711"
    made = client.get(url, HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made), "not an id: a new one"
    assert [line["request_id"] for line in request_lines(log_lines())][1] == "lb-4711"


def test_text_logs_stay_readable():
    record = logging.LogRecord("newsroom.audit", logging.INFO, "", 0, "Published: %s", ("X",), None)
    record.request_id = "abc123"
    assert TextFormatter().format(record).endswith("INFO newsroom.audit: Published: X [abc123]")


def test_a_wrong_log_format_stops_the_site_naming_the_variable():
    assert_refused("LOG_FORMAT must be json or text, not 'xml'", LOG_FORMAT="xml")


def test_production_writes_json_and_development_text():
    read = "import logging; print(type(logging.getLogger().handlers[0].formatter).__name__)"
    production = _manage(
        "shell", "-c", read, DEBUG="false", SECRET_KEY="x" * 60, ALLOWED_HOSTS="example.org"
    )
    development = _manage("shell", "-c", read, DEBUG="true")
    assert production.stdout.strip().endswith("JsonFormatter"), production.stderr
    assert development.stdout.strip().endswith("TextFormatter"), development.stderr


@pytest.fixture
def written():
    """The site's own logging as configured: only the background handler on the root logger,
    writing JSON to a stream of the test's (`stream`, replaceable before the first line)."""
    root = logging.getLogger()
    configured, queued_on = root.handlers[:], background._handler
    handler = BackgroundHandler(io.StringIO())
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root.handlers[:] = [handler]
    requests = logging.getLogger("newsroom.requests")
    previous = requests.level
    requests.setLevel(logging.INFO)
    yield handler
    handler.close()
    root.handlers[:] = configured
    background._handler = queued_on
    requests.setLevel(previous)


def lines_of(handler):
    flush()
    return [json.loads(line) for line in handler.stream.getvalue().splitlines()]


def test_each_request_line_is_written_by_the_writer_thread_in_order(client, written):
    url = make_article().get_absolute_url()
    ids = [client.get(url)["X-Request-ID"] for _ in range(3)]
    logging.getLogger("newsroom.audit").warning("After the pages")
    lines = lines_of(written)
    assert [line.get("request_id") for line in lines[:3]] == ids
    assert [line["cache"] for line in lines[:3]] == ["miss", "hit", "hit"]
    assert lines[3]["message"] == "After the pages", "other lines keep their place"
    assert written.thread.name == "newsroom-log-writer" and written.thread.is_alive()


def test_a_request_line_reads_the_same_written_either_way():
    """The writer's short way for a request's line writes what the formatter writes for it."""
    formatter = JsonFormatter()
    for fields in (
        ("GET", "/wörld/«a»/", 200, 1.5, "hit", "abc", None),
        ("POST", '/replies/1/"x"', 302, 12.0, "-", "", 7),
        ("GET", "/", 304, 0.0, "miss", "lb-4711", None),
    ):
        created = 1_765_000_000.25
        record = request_record(created, *fields)
        assert formatter.format_request(created, *fields) == formatter.format(record)


def test_a_blocked_log_stream_does_not_hold_the_request(client, written):
    released = threading.Event()

    class BlockedStream(io.StringIO):
        def write(self, text):
            released.wait(10)  # a pipe nobody reads, a full disk
            return super().write(text)

    written.stream = BlockedStream()
    url = make_article().get_absolute_url()
    client.get(url)
    time.sleep(0.3)  # the writer has woken and is stuck writing the first line
    started = time.perf_counter()
    for _ in range(20):
        assert client.get(url).status_code == 200
    took = time.perf_counter() - started
    released.set()
    assert took < 2, f"20 cached pages took {took:.1f} s behind a blocked log"
    assert len([line for line in lines_of(written) if line["logger"] == "newsroom.requests"]) == 21


def test_lines_still_queued_are_written_when_the_process_ends():
    script = (
        "import logging; "
        "from newsroom.logs.background import log_request_line; "
        "[log_request_line('GET', f'/page-{n}/', 200, 0.1, 'hit', f'id{n}') "
        "for n in range(2000)]; "
        "logging.getLogger('newsroom.audit').warning('The last line')"
    )
    result = _manage(
        "shell",
        "-c",
        script,
        DEBUG="false",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="example.org",
        LOG_REQUESTS="true",
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert [line.get("path") for line in lines[:2000]] == [f"/page-{n}/" for n in range(2000)]
    assert lines[-1]["message"] == "The last line"


def test_request_ids_made_in_a_forked_worker_are_its_own():
    """Servers fork their workers from one process: each makes ids no other makes."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker
        os.write(writer, logs.request_id(None).encode())
        os._exit(0)
    os.waitpid(pid, 0)
    in_worker = os.read(reader, 64).decode()
    here = [logs.request_id(None) for _ in range(3)]
    assert len({in_worker, *here}) == 4
    assert all(re.fullmatch(r"[0-9a-f]{32}", made) for made in [in_worker, *here])
    assert in_worker[:20] != here[0][:20], "the worker's ids begin with its own prefix"
