"""The logs an operator reads: one JSON object a line, each request's with its id, which every
other line of that request carries too and the response sends back."""

import io
import json
import logging
import re

import pytest

from articles.models import Article
from newsroom.logs import JsonFormatter, RequestIdFilter, TextFormatter
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
