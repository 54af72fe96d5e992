"""Property-based tests (hypothesis) of the pure rules that input meets: the article body's
sanitiser, the replies' moderation policy and how a reply is shown. Hypothesis generates the inputs, including
hostile markup, and shrinks any failure to its smallest example."""

import html
import re
from dataclasses import replace
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from articles.richtext import sanitize_body
from comments.display import reply_text
from comments.models import Reply, Rule
from comments.moderation import Policy, Submission, assess

# What the body editor can make (articles/richtext.py), written out independently here.
ALLOWED_TAGS = {
    "p",
    "h2",
    "h3",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "br",
    "figure",
    "figcaption",
    "img",
    # A picture's credit, a pull quote's attribution, a rule, tables.
    "small",
    "cite",
    "hr",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "rel"},
    "ol": {"start", "type", "data-type"},
    "img": {"src", "alt", "width", "height", "data-file"},
    "figure": {"class", "data-picture", "data-align", "data-embed"},
    "blockquote": {"class"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
ANY_TAG_ATTRIBUTES = {"title", "lang"}  # plain text, kept on any allowed tag
SAFE_SCHEMES = ("http://", "https://", "mailto:")
SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:")

TAGS = [
    *ALLOWED_TAGS,
    "script",
    "style",
    "iframe",
    "img",
    "svg",
    "math",
    "object",
    "embed",
    "form",
    "input",
    "textarea",
    "base",
    "meta",
    "link",
    "h1",
    "div",
    "span",
    "table",
    "td",
    "u",
    "b",
    "i",
    "figure",
    "figcaption",
    "noscript",
    "template",
    "xmp",
    "select",
    "option",
    "video",
    "audio",
    "details",
    "title",
]
ATTRIBUTES = [
    "href",
    "src",
    "style",
    "onclick",
    "onerror",
    "onload",
    "onmouseover",
    "class",
    "id",
    "title",
    "rel",
    "target",
    "formaction",
    "srcdoc",
    "xlink:href",
    "data",
    "action",
    "name",
    "alt",
    "width",
    "srcset",
]
VALUES = st.one_of(
    st.sampled_from(
        [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "jav&#x09;ascript:x",
            "java\nscript:x",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:x",
            "https://example.org/",
            "http://example.org/a?b=1&c=2",
            "mailto:ed@example.org",
            "/rel",
            "#top",
            "alert(1)",
            "expression(alert(1))",
            "url(javascript:alert(1))",
            '"><script>',
            "/media/images/a.jpg",
            "//tracker.example/p.gif",
            "https://tracker.example/p.gif",
        ]
    ),
    st.text(max_size=20),
)


@st.composite
def markup(draw):
    """Hostile HTML: nested allowed and forbidden tags with attributes, stray text, comments,
    entities and broken tags."""
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["open", "close", "text", "junk"]))
        if kind == "open":
            tag = draw(st.sampled_from(TAGS))
            attrs = draw(st.lists(st.tuples(st.sampled_from(ATTRIBUTES), VALUES), max_size=3))
            quoted = "".join(f' {name}="{value}"' for name, value in attrs)
            parts.append(f"<{tag}{quoted}>")
        elif kind == "close":
            parts.append(f"</{draw(st.sampled_from(TAGS))}>")
        elif kind == "text":
            parts.append(draw(st.text(max_size=30)))
        else:
            parts.append(
                draw(
                    st.sampled_from(
                        [
                            "<!--",
                            "-->",
                            "<![CDATA[",
                            "]]>",
                            "&lt;",
                            "&#60;",
                            "<",
                            ">",
                            "<<",
                            "</",
                            "/>",
                            "\x00",
                            "&amp;",
                            "<?xml?>",
                            "<!doctype html>",
                        ]
                    )
                )
            )
    return "".join(parts)


class Elements(HTMLParser):
    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


@settings(max_examples=300, deadline=None)
@given(markup())
def test_sanitised_body_holds_only_the_editors_markup(raw):
    clean = sanitize_body(raw)
    for tag, attrs in Elements(clean).tags:
        assert tag in ALLOWED_TAGS, (raw, clean)
        if tag == "img":
            assert "src" in dict(attrs), ("a picture without an address is removed", raw, clean)
        for name, value in attrs:
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()) | ANY_TAG_ATTRIBUTES, (raw, clean)
            if name == "href":
                # As a browser reads it: spaces and control characters out, then the scheme.
                address = "".join((value or "").split()).lower()
                scheme = SCHEME.match(address)
                assert not scheme or address.startswith(SAFE_SCHEMES), (raw, clean)
            if name == "src":
                # Pictures only from the site's own media: no body calls another host.
                assert value.startswith("/media/") and not value.startswith("//"), (raw, clean)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_plain_text_survives_sanitising_as_text(text):
    """An editor's words are never lost: text without markup comes through, whitespace aside."""
    text = text.replace("<", " ").replace("&", " ").replace("\x00", "")
    shown = html.unescape(re.sub(r"<[^>]*>", "", sanitize_body(text)))
    assert "".join(shown.split()) == "".join(text.split())


words = st.lists(st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=8), max_size=4)
policies = st.builds(
    Policy,
    moderate_all=st.booleans(),
    max_links=st.integers(0, 5),
    watched_words=words.map(tuple),
    blocked_words=words.map(tuple),
    held_senders=st.lists(st.emails(), max_size=2).map(tuple),
    blocked_senders=st.lists(st.emails(), max_size=2).map(tuple),
    hold_first_replies=st.booleans(),
    approve_known_repliers=st.booleans(),
)
submissions = st.builds(
    Submission,
    name=st.text(max_size=100),
    email=st.one_of(st.emails(), st.text(max_size=40)),
    body=st.one_of(st.text(max_size=500), markup()),
    website=st.text(max_size=50),
    honeypot=st.one_of(st.just(""), st.text(max_size=10)),
    seconds_to_fill=st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
    duplicate=st.booleans(),
    rate_limited=st.booleans(),
    approved_before=st.booleans(),
)
HOLDING_RULES = {Rule.HELD_SENDER, Rule.LINKS, Rule.WATCHED_WORD, Rule.FIRST_REPLY, Rule.TOO_FAST}
SPAM_RULES = {Rule.HONEYPOT, Rule.BLOCKED_SENDER, Rule.BLOCKED_WORD}


@settings(max_examples=500, deadline=None)
@given(submissions, policies, st.integers(0, 10))
def test_moderation_policy_always_decides_and_explains(submission, policy, min_seconds):
    decision = assess(submission, policy=policy, min_seconds=min_seconds)
    rules = set(decision.rules)

    assert rules <= set(Rule.values)
    assert len(decision.reasons) == len(decision.rules)
    # Every outcome but a plain approval says why.
    assert decision.rules or decision.status == Reply.Status.APPROVED
    assert len(decision.rules_field) <= Reply._meta.get_field("rules").max_length
    assert set(decision.words) <= set(policy.watched_words) | set(policy.blocked_words)

    if submission.rate_limited or submission.duplicate:
        assert decision.refused and decision.refusal
        return
    assert decision.status in {Reply.Status.SPAM, Reply.Status.PENDING, Reply.Status.APPROVED}
    if submission.honeypot.strip():
        assert decision.status == Reply.Status.SPAM
    if decision.status == Reply.Status.SPAM:
        assert rules <= SPAM_RULES
    elif decision.status == Reply.Status.APPROVED:
        assert not rules & (SPAM_RULES | HOLDING_RULES)
        assert not policy.moderate_all or (
            policy.approve_known_repliers and submission.approved_before
        )
    else:
        assert rules <= HOLDING_RULES | {Rule.PREMODERATION}


@settings(max_examples=200, deadline=None)
@given(submissions, policies, words)
def test_more_watched_or_blocked_words_never_let_a_reply_through_sooner(submission, policy, extra):
    before = assess(submission, policy=policy)
    stricter = replace(
        policy,
        watched_words=policy.watched_words + tuple(extra),
        blocked_words=policy.blocked_words + tuple(extra),
    )
    after = assess(submission, policy=stricter)
    order = {None: 0, Reply.Status.SPAM: 1, Reply.Status.PENDING: 2, Reply.Status.APPROVED: 3}
    if not before.refused:
        assert order[after.status] <= order[before.status]


reply_texts = st.lists(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from(
            [
                "https://example.org/",
                'http://a.example/?q=<b>&x="1"',
                "www.example.org",
                "ed@example.org",
                "javascript:alert(1)",
                "<script>alert(1)</script>",
                "\r\n",
                "\n",
                'https://example.org/"onmouseover="alert(1)',
                "(https://example.org/a)",
                "&amp;",
            ]
        ),
    ),
    max_size=10,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(reply_texts)
def test_a_reply_shows_as_text_with_only_safe_links_and_breaks(text):
    shown = reply_text(text)
    for tag, attrs in Elements(shown).tags:
        assert tag in {"a", "br"}, (text, shown)
        for name, value in attrs:
            assert name in {"href", "rel"}, (text, shown)
            if name == "href":
                assert value.startswith(("http://", "https://", "mailto:")), (text, shown)
