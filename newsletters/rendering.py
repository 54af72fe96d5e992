"""An edition as e-mail: an HTML part that mail clients show well (tables for layout, inline
styles, light and dark colours that both read, alt text) and a plain-text part, with the
footer's "why you get this", preferences and unsubscribe links, and the one-click unsubscribe
headers (RFC 8058).

An edition is rendered once (`render`); each subscriber's message only fills in their own two
links (`message`), so sending to many costs a string replacement each, not a template. The
links are our own, unchanged: no tracking pixel, no rewritten links. Pictures are our JPEG
renditions at absolute addresses (WebP is not shown by every client); none before they exist.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string

from articles.models import Article
from newsletters import links
from newsletters.models import Edition, Subscriber
from newsroom import mail

PICTURE_WIDTH = 552  # the card's 600 pixels less its padding
LEAVE, PREFERENCES = "__LEAVE_URL__", "__PREFERENCES_URL__"


@dataclass(frozen=True)
class Picture:
    url: str
    width: int
    height: int
    alt: str


@dataclass(frozen=True)
class Story:
    headline: str
    standfirst: str
    section: str
    url: str
    picture: Picture | None


@dataclass(frozen=True)
class Rendered:
    """An edition's message with its subscriber's links still to fill in."""

    subject: str
    html: str
    text: str


def absolute(url: str) -> str:
    return url if urlsplit(url).scheme else mail.absolute(url)


def picture(article: Article) -> Picture | None:
    """The lead picture's 3:2 rendition at least PICTURE_WIDTH wide (else the widest)."""
    image = article.hero_image
    rows = image.rendition("card", "JPEG") if image else []
    if not rows:
        return None
    width, height, url = next((row for row in rows if row[0] >= PICTURE_WIDTH), rows[-1])
    shown = min(width, PICTURE_WIDTH)
    return Picture(absolute(url), shown, round(height * shown / width), image.alt_text)


def stories(edition: Edition) -> list[Story]:
    """The edition's stories that readers may still see, in the edition's order."""
    found = Article.objects.published().for_listing().in_bulk(edition.stories)
    return [
        Story(
            headline=article.headline,
            standfirst=article.standfirst,
            section=article.primary_topic.name if article.primary_topic_id else "",
            url=absolute(article.get_absolute_url()),
            picture=picture(article),
        )
        for pk in edition.stories
        if (article := found.get(pk)) is not None
    ]


def render(edition: Edition) -> Rendered:
    newsletter = edition.newsletter
    shown = stories(edition)
    context = {
        "subject": edition.subject,
        "site_name": settings.SITE_NAME,
        "newsletter_name": newsletter.name,
        "intro": edition.intro,
        "intro_html": linebreaksbr(edition.intro, autoescape=True),  # escaped, its lines kept
        "preheader": edition.intro or (shown[0].headline if shown else ""),
        "stories": shown,
        "why": (
            f"You get {newsletter.name} because you signed up for it at "
            f"{settings.SITE_NAME} ({settings.SITE_URL})."
        ),
        "preferences_url": PREFERENCES,
        "leave_url": LEAVE,
    }
    return Rendered(
        subject=edition.subject,
        html=render_to_string("newsletters/email/edition.html", context),
        text=render_to_string("newsletters/email/edition.txt", context),
    )


def message_id(edition: Edition, subscriber: Subscriber) -> str:
    """The same for every attempt to send this edition to this subscriber."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<edition-{edition.pk}.{subscriber.pk}@{domain}>"


def message(
    rendered: Rendered, edition: Edition, subscriber: Subscriber, *, connection=None
) -> EmailMultiAlternatives:
    """`rendered` for one subscriber: their links, the one-click headers, a stable Message-ID
    (as `newsletters.prepared` fills it in for a batch)."""
    return email(
        rendered,
        to=subscriber.email,
        leave=links.leave_url(subscriber),
        preferences=links.preferences_url(subscriber),
        message_id=message_id(edition, subscriber),
        connection=connection,
    )


def email(
    rendered: Rendered,
    *,
    to: str,
    leave: str,
    preferences: str,
    message_id: str,
    headers: dict[str, str] | None = None,
    connection=None,
) -> EmailMultiAlternatives:
    """`rendered` with these links and addresses filled in (`message` for a subscriber; the
    prepared message of `newsletters.prepared` with stand-ins)."""

    def filled(body: str) -> str:
        return body.replace(LEAVE, leave).replace(PREFERENCES, preferences)

    headers = mail.one_click_headers(leave) | {"Message-ID": message_id} | (headers or {})
    return mail.message(
        subject=rendered.subject,
        text=filled(rendered.text),
        html=filled(rendered.html),
        to=to,
        headers=headers,
        connection=connection,
    )
