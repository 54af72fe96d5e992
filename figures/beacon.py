"""The readers' beacon: one sampled page view, counted with nothing that names the reader.

A story page carries a small script (static/js/figures.js) that, in one view out of
FIGURES_SAMPLE_RATE, sends `{"a": article id, "k": its key, "r": referring host}` with
`navigator.sendBeacon` to `receive` here; the server counts it as FIGURES_SAMPLE_RATE views.
No cookie is read or set, no address or browser is stored: only the article, the hour and the
host the reader came from. The sampling is decided in the browser, so the views not sampled
send nothing at all.

What is not a same-origin beacon of the right shape is refused with a 4xx before anything is
counted: another method, another origin, another type, a body over MAX_BODY_BYTES, bad JSON, an
article id without its key (the key, the same on every page, keeps made-up ids out of the
counts). Robots (by their User-Agent) and prefetches are answered but not counted.
"""

import json
import logging
import re
import time
from datetime import UTC, datetime

import redis
from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.decorators.csrf import csrf_exempt

from figures import store

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 512
# User-Agents of crawlers, link previews, monitors and scripts: answered, never counted.
ROBOTS = re.compile(
    r"bot|crawl|spider|slurp|scrap|headless|lighthouse|preview|monitor|fetch|check|archiver"
    r"|curl|wget|python|httpx|java/|go-http|okhttp|node|axios|phantom|selenium|puppeteer",
    re.IGNORECASE,
)
HOST = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?::\d{1,5})?"
)

NOT_SAME_ORIGIN = "Only this site's own pages send views here."
NOT_A_BEACON = 'A view is sent as a short text/plain JSON object: {"a": id, "k": key, "r": host}.'
TOO_LARGE = f"A view is at most {MAX_BODY_BYTES} bytes."
UNKNOWN_ARTICLE = "The article and its key do not match."


def article_key(article_id: int) -> str:
    """The key a story page sends with its article id: the same for every reader."""
    return salted_hmac("figures.beacon", str(article_id)).hexdigest()[:16]


def _answer(status: int, message: str = "") -> HttpResponse:
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def _same_origin(request) -> bool:
    site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if site is not None and site != "same-origin":
        return False
    if origin is None:
        return site == "same-origin"
    return origin == f"{request.scheme}://{request.get_host()}"


def parse(body: bytes) -> tuple[int, str, str] | None:
    """(article id, key, referring host) from a beacon's body, or None if it is not one."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or set(data) != {"a", "k", "r"}:
        return None
    article, key, host = data["a"], data["k"], data["r"]
    if not (isinstance(article, int) and not isinstance(article, bool) and 0 < article < 2**63):
        return None
    if not (isinstance(key, str) and isinstance(host, str) and len(host) <= 253):
        return None
    host = host.lower()
    if host and not HOST.fullmatch(host):
        return None
    return article, key, host


@csrf_exempt
def receive(request):
    """Count one sampled page view (204), or say why it is not one (4xx)."""
    if request.method != "POST":
        return _answer(405, "Views are sent with POST.")
    if not _same_origin(request):
        return _answer(403, NOT_SAME_ORIGIN)
    if request.content_type != "text/plain":
        return _answer(415, NOT_A_BEACON)
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return _answer(413, TOO_LARGE)
    parsed = parse(body)
    if parsed is None:
        return _answer(400, NOT_A_BEACON)
    article_id, key, host = parsed
    if not constant_time_compare(key, article_key(article_id)):
        return _answer(400, UNKNOWN_ARTICLE)
    purpose = request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", "")
    if "prefetch" in purpose or "prerender" in purpose:
        return _answer(204)
    agent = request.headers.get("User-Agent", "")
    if not agent or ROBOTS.search(agent):
        return _answer(204)
    hour = datetime.fromtimestamp(int(time.time()) // 3600 * 3600, tz=UTC)
    try:
        store.current().add(article_id, hour, host, settings.FIGURES_SAMPLE_RATE)
    except (redis.RedisError, DatabaseError) as error:
        logger.warning("a view was not counted: %s", error)
        return _answer(503, "The view could not be counted just now.")
    return _answer(204)
