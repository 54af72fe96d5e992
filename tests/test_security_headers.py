"""Security headers on every response, in development and in production mode."""

import base64
import hashlib
import re

import pytest

from tests.factories import make_article, make_topic

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def _policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _assert_secure(response):
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (name, response.request["PATH_INFO"])
    policy = _policy(response)
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    return policy


@pytest.fixture
def pages(db):
    topic = make_topic(slug="world", name="World")
    article = make_article(topics=[topic], headline="Headers everywhere")
    return [
        "/",
        "/latest/",
        f"/{topic.slug}/",
        article.get_absolute_url(),
        "/search/?q=headers",
        "/feed/",
        "/sitemap.xml",
        "/robots.txt",
        "/healthz",
        "/no-such-page/",
        "/admin/login/",
    ]


@pytest.mark.parametrize("debug", [False, True], ids=["production", "development"])
def test_every_public_response_carries_the_security_headers(client, settings, pages, debug):
    settings.DEBUG = debug
    for url in pages:
        response = client.get(url)
        assert response.status_code == (404 if url == "/no-such-page/" else 200), url
        if debug and response.status_code == 404:
            # Django's own debug page for a missing URL is the one exception, in development only.
            continue
        policy = _assert_secure(response)
        # Readers' pages have no inline script at all: no nonce that a cached copy could replay.
        assert not any(v.startswith("'nonce-") for v in policy["script-src"]), url
        if not url.startswith("/admin/"):
            assert "'unsafe-inline'" not in policy["style-src"], url


def test_static_files_carry_the_headers_too(client):
    response = client.get("/static/js/share.js")
    assert response.status_code == 200
    _assert_secure(response)


def test_a_cached_page_is_served_with_the_same_policy(client, db):
    article = make_article(headline="Twice")
    first = client.get(article.get_absolute_url())
    second = client.get(article.get_absolute_url())
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    _assert_secure(second)


def test_the_article_editor_runs_under_a_fresh_nonce(editor_client):
    """The body editor's import map is inline; it carries the nonce the header allows, and
    every response has its own."""
    nonces = []
    for _ in range(2):
        response = editor_client.get("/admin/articles/article/add/")
        assert response.status_code == 200
        policy = _assert_secure(response)
        allowed = [v for v in policy["script-src"] if v.startswith("'nonce-")]
        assert len(allowed) == 1
        nonce = allowed[0][len("'nonce-") : -1]
        page = response.content.decode()
        assert f'<script type="importmap" nonce="{nonce}">' in page
        # No inline script goes without the nonce (data blocks are not run, so they need none).
        for tag in re.findall(r"<script\b[^>]*>", page):
            runs = "src=" not in tag and "application/json" not in tag
            assert not runs or f'nonce="{nonce}"' in tag, tag
        # The editor injects its own stylesheet: inline styles, and only here.
        assert "'unsafe-inline'" in policy["style-src"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_production_settings_add_hsts_and_secure_cookies(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = False
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.CSRF_COOKIE_SECURE = True
    plain = client.get("/latest/")
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    secure = client.get("/latest/", headers={"x-forwarded-proto": "https"})
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    sign_in = client.get("/admin/login/", headers={"x-forwarded-proto": "https"})
    assert sign_in.cookies["csrftoken"]["secure"]


@pytest.mark.django_db
def test_the_stylesheet_and_scripts_written_into_a_page_run_by_their_hashes_alone(client):
    """Readers' pages carry the site's stylesheet and scripts in the page: the policy names
    each by its hash, so nothing else inline runs, and 'unsafe-inline' never appears."""
    page_url = make_article(headline="Written in").get_absolute_url()
    for url in (page_url, "/", "/no-such-page/"):
        response = client.get(url)
        policy = _assert_secure(response)
        page = response.content.decode()
        styles = re.findall(r"<style>(.*?)</style>", page, re.S)
        scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
        assert len(styles) == 1 and (scripts or url != page_url), url
        for directive, texts in (("style-src", styles), ("script-src", scripts)):
            assert "'unsafe-inline'" not in policy[directive]
            for text in texts:
                digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
                assert f"'sha256-{digest}'" in policy[directive], (url, directive)
