"""Bad input over HTTP, in every field and parameter a reader controls: a clear 4xx or a calm
page, never a 500, never reflected unescaped, and what a reader typed is shown back."""

import html
import re
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from comments.models import Reply
from newsroom.rendering import inline
from newsroom.rendering.inline import inlined
from tests.factories import make_article, make_author, make_reply, make_topic, reply_data

pytestmark = pytest.mark.django_db

# Classic cross-site scripting vectors (OWASP's filter evasion cheat sheet and its kin).
XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//xss.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert&#40;1&#41;</script></svg>",
    "<body onload=alert('XSS')>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="jAvAsCrIpT&colon;alert(1)">x</a>',
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<embed src="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<style>@import 'javascript:alert(1)';</style>",
    '<div style="background:url(javascript:alert(1))">',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<<SCRIPT>alert("XSS");//<</SCRIPT>',
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
    "<img src=`x`onerror=alert(1)>",
    '<video><source onerror="alert(1)">',
    "<form action=javascript:alert(1)><button>go</button></form>",
    '<base href="https://evil.example/">',
    "{{7*7}}{% debug %}<script>alert(1)</script>",
    "<!--<script>alert(1)//-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    'https://example.org/"><script>alert(1)</script>',
    'https://example.org/" onmouseover="alert(1)',
    "javascript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
]
SQL = [
    "' OR 1=1 --",
    "'; DROP TABLE comments_reply; --",
    '" OR ""="',
    "%' AND 1=0 UNION SELECT password FROM auth_user --",
    "1); DELETE FROM articles_article WHERE (1=1",
]
BOGUS_PAGES = ["0", "-1", "abc", "1e3", "2.5", "99999999999999999999999999", "9" * 5000, " ", "１"]


class ActiveContent(HTMLParser):
    """Whatever in a page could run script: event-handler attributes, script addresses, inline
    scripts and styles (data blocks aside, and the site's own stylesheet and scripts written into
    the page, which the policy lets in by their hashes) and the elements that load or redirect
    on their own."""

    LOADERS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}
    ADDRESSES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc"}

    def __init__(self, page):
        super().__init__()
        self.found = []
        self._inline = None  # "script" or "style" while in one, and its text so far
        self._text = []
        self._own = {inlined(name).text for name in (inline.STYLESHEET, *inline.SCRIPTS)}
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.LOADERS or (tag == "meta" and "http-equiv" in attrs):
            self.found.append(tag)
        src = attrs.get("src") or ""
        if tag == "script" and src and (not src.startswith("/") or src.startswith("//")):
            self.found.append(f"script from {src}")
        if "javascript" in (attrs.get("style") or "").lower():
            self.found.append(f"{tag} style=")
        for name, value in attrs.items():
            address = "".join((value or "").split()).lower()
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in self.ADDRESSES and address.startswith(("javascript:", "data:", "vbscript:")):
                self.found.append(f"{tag} {name}={value}")
        runs = tag == "script" and "src" not in attrs and "json" not in attrs.get("type", "")
        self._inline = tag if runs or tag == "style" else None
        self._text = []

    def handle_data(self, data):
        if self._inline:
            self._text.append(data)

    def handle_endtag(self, tag):
        text = "".join(self._text)
        if self._inline and text not in self._own and (self._inline == "style" or text.strip()):
            self.found.append(f"inline {self._inline}: {text[:60]}")
        self._inline, self._text = None, []


def assert_not_reflected(page: str, vector: str):
    """The vector appears, if at all, as text: no tag, attribute or script of its own."""
    if any(c in vector for c in "<>\"'"):
        assert vector not in page, vector
    assert ActiveContent(page).found == [], vector


@pytest.mark.parametrize("vector", XSS)
def test_the_check_catches_each_vector_when_it_is_not_escaped(vector):
    page = f'<p>{vector}</p><input value="{vector}"><a href="{vector}">x</a>'
    with pytest.raises(AssertionError):
        assert_not_reflected(page, vector)
    assert_not_reflected(f"<p>{html.escape(vector)}</p>", vector)


@pytest.fixture
def article(settings):
    settings.REPLY_RATE_LIMIT = (100_000, 60)
    return make_article(headline="Bad input", topics=[make_topic(slug="world")])


def _post(client, article, **fields):
    return client.post(reverse("comments:post", args=[article.pk]), reply_data(**fields))


@pytest.mark.parametrize("field", ["name", "email", "website", "body"])
def test_xss_vectors_in_every_reply_field_are_escaped_or_refused(client, article, field):
    kept = 0
    for i, vector in enumerate(XSS + SQL):
        response = _post(
            client,
            article,
            **{field: vector, "body": f"Reply {i}"} | ({"body": vector} if field == "body" else {}),
        )
        assert response.status_code in (302, 400), (vector, response.status_code)
        if response.status_code == 400:
            page = response.content.decode()
            assert_not_reflected(page, vector)
            # Refused, and shown back as typed so nothing is lost.
            assert vector.strip() in html.unescape(page), vector
            assert "There was a problem" in page or "errorlist" in page
        else:
            kept += 1
    # Everything stored is shown to readers once approved: still only as text.
    Reply.objects.update(status=Reply.Status.APPROVED)
    page = client.get(article.get_absolute_url()).content.decode()
    for vector in XSS + SQL:
        assert_not_reflected(page, vector)
    assert kept == Reply.objects.count()
    if field in ("name", "body"):
        assert kept == len(XSS + SQL)  # free text: every vector is stored, and shown as text


def test_xss_and_sql_in_search_and_page_parameters_get_calm_pages(client, article):
    author = make_author(slug="ann")
    make_reply(article)
    pages = [
        "/search/",
        "/latest/",
        "/world/",
        f"/authors/{author.slug}/",
        article.get_absolute_url(),
    ]
    for vector in XSS + SQL:
        response = client.get("/search/", {"q": vector})
        assert response.status_code == 200
        assert_not_reflected(response.content.decode(), vector)
        for url in pages:
            for name in ("page", "replies", "replyto"):
                response = client.get(url, {"q": "bad", name: vector})
                assert response.status_code in (200, 301, 404), (url, name, vector)
                assert_not_reflected(response.content.decode(), vector)
                if response.status_code == 301:  # to the address without what it does not read
                    assert client.get(response["Location"]).status_code in (200, 404)


def test_sql_in_search_finds_nothing_and_harms_nothing(client, article):
    for vector in SQL:
        page = client.get("/search/", {"q": vector}).content.decode()
        assert "Bad input" not in page  # no injected "OR 1=1" matching everything
    assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("value", BOGUS_PAGES)
def test_bogus_page_numbers_get_a_404_or_the_page(client, article, value):
    make_reply(article)
    for url in ["/latest/", "/world/", "/search/?q=bad&", f"{article.get_absolute_url()}?"]:
        for name in ("page", "replies"):
            separator = "&" if url.endswith(("&", "?")) else "?"
            response = client.get(f"{url}{separator}{name}={value}")
            assert response.status_code in (200, 301, 404), (url, name, value)
            if response.status_code == 301:  # to the address without what it does not read
                assert client.get(response["Location"]).status_code in (200, 404)


def test_over_long_values_are_refused_or_shortened_calmly(client, article):
    response = client.get("/search/", {"q": "word " * 20_000})
    assert response.status_code == 200
    assert "shortened" in response.content.decode() or "first" in response.content.decode()
    assert client.get("/" + "a" * 5000 + "/").status_code == 404
    response = _post(client, article, name="N" * 10_000)
    assert response.status_code == 400
    assert "at most 100 characters" in response.content.decode()


@pytest.mark.parametrize("raw", ["%00", "%01%02%1b[31m", "%7f", "a%0d%0aSet-Cookie:%20x=1"])
def test_nul_and_control_bytes_in_parameters_and_paths(client, article, raw):
    for url in [f"/search/?q={raw}", f"/latest/?page={raw}", f"/{raw}/", f"/world/{raw}/"]:
        response = client.get(url)
        if response.status_code == 301:  # to the one spelling of the same query
            assert "\r" not in response["Location"] and "\n" not in response["Location"]
            response = client.get(response["Location"])
        assert response.status_code in (200, 400, 404), url
        assert "x=1" not in response.cookies


@pytest.mark.parametrize("raw", ["%ff%fe", "%c3%28", "%e2%82", "%zz", "%", "%%41", "%u0041"])
def test_invalid_utf8_and_percent_encoding(client, article, raw):
    for url in ["/search/", "/latest/"]:
        response = client.get(url, QUERY_STRING=f"q={raw}&page={raw}")
        assert response.status_code in (200, 301, 404), (url, raw)
        response = client.get(url, QUERY_STRING=f"{raw}={raw}&page={raw}")
        assert response.status_code == 301 and response["Location"].startswith(f"{url}?page=")
        assert "&" not in response["Location"], "the made-up parameter is gone"
        assert client.get(response["Location"]).status_code in (200, 404), "and no loop"
    assert client.get(f"/{raw}/").status_code in (400, 404)
    body = f"name={raw}&email=ada%40example.org&body=Text+{raw}&started=".encode()
    for payload in (body, body.replace(b"%ff", b"\xff")):
        response = client.generic(
            "POST",
            reverse("comments:post", args=[article.pk]),
            payload,
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code in (302, 400), raw


def test_invalid_utf8_bytes_in_the_body_are_kept_visible(client, article):
    response = client.generic(
        "POST",
        reverse("comments:post", args=[article.pk]),
        b"name=Ada&email=not-an-address&body=caf\xe9 au lait&started=",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    # Bytes that are not UTF-8 are read as Latin-1 or replaced, never dropped with the rest.
    assert re.search(r"<textarea[^>]*>\s*caf. au lait</textarea>", response.content.decode())


@pytest.mark.parametrize("enforce_csrf", [False, True])
def test_oversized_form_gets_413_naming_the_limit(article, settings, enforce_csrf):
    client = Client(enforce_csrf_checks=enforce_csrf)
    url = reverse("comments:post", args=[article.pk])
    too_big = reply_data(body="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
    for response in (
        client.post(url, too_big),  # multipart
        client.post(url, urlencode(too_big), content_type="application/x-www-form-urlencoded"),
    ):
        assert response.status_code == 413
        page = response.content.decode()
        assert "too much to send" in page
        assert "2.0\xa0MB" in page
    assert not Reply.objects.exists()


def test_too_many_fields_get_413_naming_the_limit(client, article):
    fields = reply_data() | {f"extra{i}": "x" for i in range(1001)}
    response = client.post(
        reverse("comments:post", args=[article.pk]),
        urlencode(fields),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert "1000 fields" in response.content.decode()


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"])
def test_wrong_methods_on_readers_pages_get_405_with_a_page(client, article, method):
    for url in [
        "/",
        "/latest/",
        "/world/",
        article.get_absolute_url(),
        "/search/",
        "/feed/",
        "/sitemap.xml",
        "/healthz",
        "/static/js/share.js",
    ]:
        response = client.generic(method, url)
        assert response.status_code == 405, (method, url)
        assert response["Allow"] == "GET, HEAD"
        assert "can’t be done at this address" in response.content.decode()


def test_reading_the_posting_address_gets_405_naming_post(client, article):
    response = client.get(reverse("comments:post", args=[article.pk]))
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_readers_post_only_where_an_app_declares_it(article, monkeypatch):
    """The addresses taking readers' posts are the apps' `reader_post_paths`, read at start."""
    refused = "can’t be done at this address"
    assert refused in Client().post("/latest/").content.decode()
    articles = apps.get_app_config("articles")
    monkeypatch.setattr(articles, "reader_post_paths", ("/latest/",), raising=False)
    # A new server reads the declaration: the post reaches the view, which reads only.
    assert refused not in Client().post("/latest/").content.decode()
    monkeypatch.setattr(apps.get_app_config("comments"), "reader_post_paths", ())
    response = Client().post(reverse("comments:post", args=[article.pk]), reply_data())
    assert response.status_code == 405
    assert refused in response.content.decode()


def test_a_signed_in_reply_without_its_token_keeps_the_text_and_offers_a_fresh_form(
    article, editor
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(
        reverse("comments:post", args=[article.pk]),
        reply_data(body="Words I do not want to type twice."),
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "form had expired" in page
    assert "Words I do not want to type twice." in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    again = client.post(
        reverse("comments:post", args=[article.pk]),
        reply_data(body="Words I do not want to type twice.", csrfmiddlewaretoken=token),
    )
    assert again.status_code == 302
    assert Reply.objects.get().body == "Words I do not want to type twice."


def test_a_signed_in_report_without_its_token_gets_a_calm_403(article, editor):
    reply = make_reply(article)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(reverse("comments:report", args=[reply.pk]))
    assert response.status_code == 403
    assert "This form had expired" in response.content.decode()


def test_xss_vectors_in_the_desk_sign_in_are_escaped(client):
    for vector in XSS:
        response = client.post("/admin/login/", {"username": vector, "password": vector})
        assert response.status_code == 200
        assert_not_reflected(response.content.decode(), vector)


def test_a_file_sent_with_a_reply_is_refused_unread_past_the_limit(client, article, settings):
    big = SimpleUploadedFile("big.bin", b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
    response = client.post(
        reverse("comments:post", args=[article.pk]), reply_data() | {"attachment": big}
    )
    assert response.status_code == 413
    assert "at most 2.0\xa0MB" in response.content.decode()
    assert not Reply.objects.exists()


def test_the_admin_refuses_a_body_larger_than_a_picture_and_its_form(editor_client):
    response = editor_client.generic(
        "POST", "/admin/pictures/image/add/", b"x", CONTENT_LENGTH=str(23 * 1024 * 1024)
    )
    assert response.status_code == 413
    assert "at most 22.0\xa0MB, uploaded files included" in response.content.decode()
