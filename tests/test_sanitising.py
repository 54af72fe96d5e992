"""Article bodies are cleaned on save, however they are saved."""

import pytest

from articles.richtext import sanitize_body
from tests.factories import make_article

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<p onclick="steal()">Hello <script>alert("x")</script>'
    '<img src="x" onerror="alert(1)"><a href="javascript:alert(2)">click</a>'
    '<iframe src="https://evil.example"></iframe><style>body{display:none}</style></p>'
)


def test_script_and_event_handlers_never_reach_the_page(client):
    article = make_article(body=HOSTILE)
    page = client.get(article.get_absolute_url()).content.decode()
    body = page.split('class="story-body"')[1].split("</div>")[0]
    for forbidden in ("<script", "onerror", "onclick", "javascript:", "<iframe", "<style", "<img"):
        assert forbidden not in body, forbidden
    assert "Hello" in body


def test_body_is_stored_clean_even_when_saved_outside_the_admin():
    article = make_article(body=HOSTILE)
    article.refresh_from_db()
    assert "<script" not in article.body and "onerror" not in article.body


def test_editor_markup_survives_sanitising():
    html = (
        "<h2>Heading</h2><p><strong>bold</strong> <em>italic</em> "
        '<a href="https://example.org/report">link</a></p>'
        "<ul><li>one</li></ul><ol><li>two</li></ol><blockquote><p>quote</p></blockquote>"
    )
    assert sanitize_body(html) == html


def test_the_body_editors_own_blocks_survive_sanitising():
    html = (
        '<figure data-picture="42" data-align="wide"><img src="/media/renditions/42/full.jpg" '
        'alt="Boats" width="640" height="427"><figcaption>The harbour<small>Jane Doe/AP</small>'
        "</figcaption></figure>"
        '<figure data-embed="https://www.youtube.com/watch?v=abc">'
        '<a href="https://www.youtube.com/watch?v=abc">https://www.youtube.com/watch?v=abc</a>'
        "</figure>"
        '<blockquote class="pull-quote"><p>Quote text</p><cite>Attribution</cite></blockquote>'
        "<table><caption>Results</caption><tbody><tr><th><p>Party</p></th></tr>"
        "<tr><td><p>Greens</p></td></tr></tbody></table><hr>"
    )
    # A cell of one paragraph keeps its words alone (the editor reads them back into one).
    stored = html.replace("<p>Party</p>", "Party").replace("<p>Greens</p>", "Greens")
    assert sanitize_body(html) == stored
    assert sanitize_body(stored) == stored


def test_a_pull_quote_keeps_its_class_and_no_other():
    assert sanitize_body('<blockquote class="pull-quote big"><p>Q</p></blockquote>') == (
        '<blockquote class="pull-quote"><p>Q</p></blockquote>'
    )
    assert "big" not in sanitize_body('<blockquote class="big"><p>Q</p></blockquote>')
