"""Shared steps of the figures' tests: a beacon as a reader's browser sends it."""

import itertools
import json
from urllib.parse import urlencode

from figures.beacon import article_key

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
SAME_ORIGIN = {
    "HTTP_ORIGIN": "http://testserver",
    "HTTP_SEC_FETCH_SITE": "same-origin",
    "HTTP_USER_AGENT": BROWSER,
}


_readers = itertools.count(1)


def a_reader() -> str:
    """Another reader's address (a documentation network's): a client's view of a story counts
    once in a while only (figures/repeats.py)."""
    n = next(_readers)
    return f"198.51.{n // 250 % 250}.{n % 250 + 1}"


def beacon(client, article_id, *, host="", key=None, headers=None, body=None, reader=None):
    """A beacon with a JSON body (as pages cached before the body-less beacon send it), from
    `reader`'s address, by default a new reader's."""
    data = (
        body
        if body is not None
        else json.dumps({"a": article_id, "k": key or article_key(article_id), "r": host})
    )
    return client.post(
        "/figures/view",
        data=data,
        content_type="text/plain;charset=UTF-8",
        **(SAME_ORIGIN | {"REMOTE_ADDR": reader or a_reader()} | (headers or {})),
    )


def bodiless(client, article_id, *, host="", key=None, query=None, headers=None, reader=None):
    """A reader's beacon as the page's script sends it: a POST with no body, the view in its
    query string."""
    query = (
        query
        if query is not None
        else urlencode({"a": article_id, "k": key or article_key(article_id), "r": host})
    )
    return client.generic(
        "POST",
        f"/figures/view?{query}",
        **(SAME_ORIGIN | {"REMOTE_ADDR": reader or a_reader()} | (headers or {})),
    )
