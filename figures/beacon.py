"""The readers' beacon: one sampled page view, counted with nothing that names the reader.

A story page carries a small script (static/js/figures.js) that, in one view out of
FIGURES_SAMPLE_RATE, sends a POST with no body to `receive` here with `navigator.sendBeacon`,
the view in its query string (`?a=article id&k=its key&r=referring host`): the server reads
no body and parses no JSON. It counts it as FIGURES_SAMPLE_RATE views. The JSON body the
script sent before (`{"a": id, "k": key, "r": host}`, text/plain) is still taken, from pages
cached before the change. No cookie is read or set, no address or browser is stored: only the
article, the hour and the host the reader came from (a public site's only:
`figures/referrers.py`). The sampling is decided in the browser, so the views not sampled send
nothing at all. A client's view of a story is counted once in ten minutes at most
(`figures/repeats.py`): sending the beacon again and again, or forging it, does not push a
story up the most-read list.

What is not a same-origin beacon of the right shape is refused with a 4xx before anything is
counted: another method, another origin, another type, a body or a query over MAX_BODY_BYTES,
bad JSON or a bad query, an article id without its key (the key, the same on every page,
keeps made-up ids out of the counts). Robots (by their User-Agent), prefetches and readers
whose browser asks not to be tracked (`Sec-GPC: 1`, `DNT: 1`) are answered but not counted:
the page's script already sends nothing when the browser says so to scripts, but an
extension or a proxy may say it in the headers only.
"""

import functools
import json
import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote

import redis
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http import HttpResponse
from django.http.request import split_domain_port, validate_host
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.decorators.csrf import csrf_exempt

from figures import referrers, repeats, store
from newsroom.security.client import client_address

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 512
# Words in the User-Agents of crawlers, link previews, monitors and scripts: answered, never
# counted. Words, not a regular expression: a beacon is checked in a microsecond.
ROBOTS = (
    "bot", "crawl", "spider", "slurp", "scrap", "headless", "lighthouse", "preview", "monitor",
    "fetch", "check", "archiver", "curl", "wget", "python", "httpx", "java/", "go-http",
    "okhttp", "node", "axios", "phantom", "selenium", "puppeteer", "inspectiontool", "ptst/",
)  # fmt: skip
HOST = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?::\d{1,5})?"
)
# A body-less beacon's query string, as the page's script writes it.
QUERY = re.compile(r"a=(\d{1,19})&k=(\w{1,64})&r=([^&]*)", re.ASCII)

NOT_SAME_ORIGIN = "Only this site's own pages send views here."
NOT_A_BEACON = (
    "A view is sent as a POST with no body to /figures/view?a=id&k=key&r=host, or as a short "
    'text/plain JSON object: {"a": id, "k": key, "r": host}.'
)
TOO_LARGE = f"A view is at most {MAX_BODY_BYTES} bytes."
UNKNOWN_ARTICLE = "The article and its key do not match."


@functools.lru_cache(maxsize=8192)
def article_key(article_id: int) -> str:
    """The key a story page sends with its article id: the same for every reader."""
    return salted_hmac("figures.beacon", str(article_id)).hexdigest()[:16]


@dataclass(slots=True)
class Request:
    """What a beacon's answer depends on, read from Django's request or straight from the
    server's (`figures/front.py`), so that both answer alike. Not frozen: one is made for
    every beacon, and a frozen one takes three times as long to make."""

    method: str
    scheme: str
    host: str  # the Host header, checked against ALLOWED_HOSTS
    origin: str | None
    fetch_site: str | None
    purpose: str
    opted_out: bool  # Sec-GPC: 1 or DNT: 1
    user_agent: str
    content_type: str
    body: bytes  # at most MAX_BODY_BYTES + 1 read
    query: str = ""  # the view, in a beacon with no body
    client: str = ""  # the client's address (newsroom/security/client.py), held in memory only


def _same_origin(beacon: Request) -> bool:
    if beacon.fetch_site is not None and beacon.fetch_site != "same-origin":
        return False
    if beacon.origin is None:
        return beacon.fetch_site == "same-origin"
    return beacon.origin == f"{beacon.scheme}://{beacon.host}"


def parse(body: bytes) -> tuple[int, str, str] | None:
    """(article id, key, referring host) from a beacon's body, or None if it is not one."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or set(data) != {"a", "k", "r"}:
        return None
    return _checked(data["a"], data["k"], data["r"])


def parse_query(query: str) -> tuple[int, str, str] | None:
    """(article id, key, referring host) from a body-less beacon's query string
    (`a=id&k=key&r=host`, in that order, the host URL-encoded), or None if it is not one."""
    if len(query) > MAX_BODY_BYTES or not (match := QUERY.fullmatch(query)):
        return None
    article, key, host = match.groups()
    return _checked(int(article), key, unquote(host) if "%" in host else host)


def _checked(article, key, host) -> tuple[int, str, str] | None:
    if not (isinstance(article, int) and not isinstance(article, bool) and 0 < article < 2**63):
        return None
    if not (isinstance(key, str) and isinstance(host, str) and len(host) <= 253):
        return None
    host = _referrer(host)
    return None if host is None else (article, key, host)


@functools.lru_cache(maxsize=1024)
def _referrer(host: str) -> str | None:
    """The referring host kept (`referrers.public_host`; "" for none), or None when it is not
    a host: the same few are sent again and again."""
    host = host.lower()
    if referrers.is_ip_literal(host):
        return ""
    if host and not HOST.fullmatch(host):
        return None
    return referrers.public_host(host)


def opted_out(gpc: str | None, dnt: str | None) -> bool:
    """Whether the request's headers ask not to be tracked (Global Privacy Control, Do Not
    Track)."""
    return (gpc or "").strip() == "1" or (dnt or "").strip() == "1"


@functools.lru_cache(maxsize=1024)
def is_robot(user_agent: str) -> bool:
    """Whether a User-Agent is a robot's (or missing): the same few are seen again and again."""
    agent = user_agent.lower()
    return not agent or any(word in agent for word in ROBOTS)


@functools.lru_cache(maxsize=64)
def _host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    domain, _ = split_domain_port(host)
    return validate_host(domain, allowed)


def _allowed_host(host: str) -> bool:
    return _host_allowed(host, tuple(settings.ALLOWED_HOSTS))


@functools.lru_cache(maxsize=4)
def _hour(stamp: int) -> datetime:
    return datetime.fromtimestamp(stamp, tz=UTC)


def count(beacon: Request, *, add=None) -> tuple[int, str]:
    """Count one sampled page view: (204, ""), or (4xx, why it is not one) and nothing counted;
    503 when the store cannot be reached. `add` takes the count (by default the store)."""
    if beacon.method != "POST":
        return 405, "Views are sent with POST."
    if not _allowed_host(beacon.host) or not _same_origin(beacon):
        return 403, NOT_SAME_ORIGIN
    if beacon.query:
        parsed = None if beacon.body else parse_query(beacon.query)
    elif beacon.content_type.split(";")[0].strip().lower() != "text/plain":
        return 415, NOT_A_BEACON
    elif len(beacon.body) > MAX_BODY_BYTES:
        return 413, TOO_LARGE
    else:
        parsed = parse(beacon.body)
    if parsed is None:
        return 400, NOT_A_BEACON
    article_id, key, host = parsed
    if not constant_time_compare(key, article_key(article_id)):
        return 400, UNKNOWN_ARTICLE
    if "prefetch" in beacon.purpose or "prerender" in beacon.purpose or beacon.opted_out:
        return 204, ""
    if is_robot(beacon.user_agent):
        return 204, ""
    if not repeats.recent.first(beacon.client, article_id):
        return 204, ""  # answered as any view: the client learns nothing of the limit
    hour = _hour(int(time.time()) // 3600 * 3600)
    try:
        (add or store.current().add)(article_id, hour, host, settings.FIGURES_SAMPLE_RATE)
    except (redis.RedisError, DatabaseError) as error:
        logger.warning("a view was not counted: %s", error)
        return 503, "The view could not be counted just now."
    return 204, ""


def _host(request) -> str:
    try:
        return request.get_host()
    except DisallowedHost:
        return ""


@csrf_exempt
def receive(request):
    """The beacon through Django (the development server, tests); production servers answer it
    before Django (`figures/front.py`)."""
    headers = request.headers
    beacon = Request(
        method=request.method,
        scheme=request.scheme,
        host=_host(request),
        origin=headers.get("Origin"),
        fetch_site=headers.get("Sec-Fetch-Site"),
        purpose=headers.get("Sec-Purpose", "") + headers.get("Purpose", ""),
        opted_out=opted_out(headers.get("Sec-GPC"), headers.get("DNT")),
        user_agent=headers.get("User-Agent", ""),
        content_type=request.META.get("CONTENT_TYPE", ""),
        body=request.read(MAX_BODY_BYTES + 1) if request.method == "POST" else b"",
        query=request.META.get("QUERY_STRING", ""),
        client=client_address(request),
    )
    status, message = count(beacon)
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
