"""A hostile WordPress export cannot hang the import: posts, comments and titles made of
thousands of unclosed, nested or repeated tags and shortcodes convert in time proportional to
their length (before, 112 KB of unclosed tags took 5 s and 280 KB 27 s, growing as the square)."""

import io
import re
import signal
import time
from contextlib import contextmanager

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.test_wordpress_import import EXPORT
from wordpress.content import BodyConverter, comment_text, plain_text
from wordpress.markup import parse

SIZE = 300_000
# Each takes well under half a second here; the bound leaves room for a loaded machine.
BOUND = 5.0


def repeated(unit: str) -> str:
    return (unit * (SIZE // len(unit) + 1))[:SIZE]


HOSTILE = {
    "unclosed links": repeated("<a "),
    "open links": repeated('<a href="https://old.example.org/x">'),
    "unclosed captions": repeated("[caption "),
    "captions never closed": repeated("[caption]"),
    "captions around unclosed links": repeated("[caption]<a "),
    "unclosed figures": repeated("<figure "),
    "figures in paragraphs": repeated("<p><figure>"),
    "nested blocks": repeated("<div>"),
    "nested tables": repeated("<table>"),
    "unclosed comments": repeated("<!-- wp:"),
    "unclosed pictures": repeated('<img src="'),
    "one long shortcode name": "[" + "a" * SIZE,
    "attributes of one caption": repeated('[caption x="'),
    "spaces in a paragraph": "a" + " " * SIZE + "b",
    "made-up attributes": "<a " + " ".join(f"x{n}" for n in range(SIZE // 7)) + ">",
    "quoted made-up attributes": "<a " + " ".join(f'x{n}=">"' for n in range(SIZE // 11)),
    "made-up attributes after a script's own comment": '<script><!--<script></script><i x="'
    + "</script><a "
    + " ".join(f"x{n}" for n in range(SIZE // 7)),
    "paragraphs": repeated("<p>x"),
    "shortcode pairs": repeated("[x][/x]"),
}


class TooLong(Exception):
    pass


@contextmanager
def at_most(seconds: float):
    """Stop what runs inside after `seconds` (a regression fails, rather than hanging)."""

    def stop(signum, frame):
        raise TooLong(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def timed(convert, text) -> float:
    start = time.perf_counter()
    with at_most(2 * BOUND):
        convert(text)
    return time.perf_counter() - start


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_body_comment_or_title_converts_in_bounded_time(name):
    text = HOSTILE[name]
    bodies = BodyConverter(lambda key, wp_id: None, {"old.example.org"})
    for convert in (bodies.convert, comment_text, plain_text):
        took = timed(convert, text)
        assert took < BOUND, f"{convert.__name__}: {took:.1f} s for {len(text):,} characters"


def test_a_link_with_thousands_of_made_up_attributes_keeps_its_address_and_words():
    made_up = " ".join(f"x{n}" for n in range(50_000))
    body = f'<p>See <a href="https://example.com/notices" {made_up}>our notices</a>.</p>'
    bodies = BodyConverter(lambda key, wp_id: None, {"old.example.org"})
    with at_most(2 * BOUND):
        html = bodies.convert(body).html
        text = comment_text(body)
    assert html == '<p>See <a href="https://example.com/notices">our notices</a>.</p>'
    assert text == "See our notices (https://example.com/notices)."


@pytest.mark.parametrize(
    "before",
    [
        "",
        '<a x=">" ',
        '<script><!--<script></script><i x="</script>',
        "<!-- a --!>",
        "<textarea><a x='</textarea>",
        "<!DOCTYPE html><svg><![CDATA[",
        '<a x=\xa0"',
    ],
)
def test_no_tag_reaches_the_parser_with_more_than_a_hundred_attributes(before):
    made_up = " ".join(f"x{n}" for n in range(1000))
    root = parse(f"{before}<a href='/kept' {made_up}>words</a>")
    assert max(len(element.attrib) for element in root.iter()) <= 100
    if "<script>" not in before:  # a script's text goes, up to its first end tag
        assert "words" in root.text_content()


def test_a_post_nested_deeper_than_the_parser_goes_is_cut_there_and_says_so():
    bodies = BodyConverter(lambda key, wp_id: None, {"old.example.org"})
    deep = bodies.convert("<p>Kept</p>" + "<span>" * 3000 + "lost" + "</span>" * 3000)
    assert deep.html == "<p>Kept</p>" and deep.cut_short
    fine = bodies.convert("<p>Kept</p>" + "<span>" * 300 + "kept too" + "</span>" * 300)
    assert "kept too" in fine.html and not fine.cut_short


def test_a_document_wrapper_inside_a_post_cuts_nothing_short():
    bodies = BodyConverter(lambda key, wp_id: None, {"old.example.org"})
    assert bodies.convert("<!DOCTYPE html><p>Words</p>").html == "<p>Words</p>"
    assert bodies.convert("<p>Words</p><!DOCTYPE").html == "<p>Words</p>"
    converted = bodies.convert("<p>One</p></body></html>\n\n<p>Two</p><html><body><p>Three</p>")
    assert converted.html == "<p>One</p>\n<p>Two</p>\n<p>Three</p>"
    assert plain_text("Before</html> after") == "Before after"


@pytest.mark.django_db
def test_an_export_with_a_hostile_post_imports_without_hanging(tmp_path):
    hostile = repeated("[caption]<a ") + "\n\n" + repeated("<p><figure>") + "<span>" * 3000
    text = EXPORT.read_text(encoding="utf-8").replace("last week.", f"last week.\n\n{hostile}")
    text = text.replace("our notices</a>.", "our notices</a>." + repeated("<a "))
    (tmp_path / "export.xml").write_text(text, encoding="utf-8")
    start = time.perf_counter()
    out = io.StringIO()
    with at_most(12 * BOUND):
        call_command("import_wordpress", str(tmp_path / "export.xml"), stdout=out)
    assert time.perf_counter() - start < 6 * BOUND
    assert re.search(
        r"tags nested more than 2,048 deep: the rest left out \(1\):\n    post 10 ", out.getvalue()
    ), "the editors are told"
    storm = Article.objects.get(slug="storm-closes-harbour")
    assert "<p>The harbour master closed the port at dawn as winds reached 70 mph.<br>" in (
        storm.body
    )
    assert Article.objects.count() == 7
