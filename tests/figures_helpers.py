"""Shared steps of the figures' tests: a beacon as a reader's browser sends it."""

import json

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


def beacon(client, article_id, *, host="", key=None, headers=None, body=None):
    data = (
        body
        if body is not None
        else json.dumps({"a": article_id, "k": key or article_key(article_id), "r": host})
    )
    return client.post(
        "/figures/view",
        data=data,
        content_type="text/plain;charset=UTF-8",
        **(SAME_ORIGIN | (headers or {})),
    )
