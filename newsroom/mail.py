"""What every e-mail to readers shares: links back to the site, signed so that they need no
account and cannot be forged or guessed, and the one-click unsubscribe of RFC 8058.

A signed link carries its purpose in the signature's salt, so a token made to confirm an
address cannot be replayed to unsubscribe another, and a time stamp, so that a purpose that
expires (a confirmation) can refuse an old one. Nothing is stored to check a token.
"""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives


def absolute(path: str) -> str:
    """The site's address for `path` (a link in an e-mail): SITE_URL, never the request's host."""
    return settings.SITE_URL + path


def sign(purpose: str, value: str) -> str:
    """A token for `value` that only `unsign` with the same purpose accepts."""
    return signing.TimestampSigner(salt=f"newsroom.mail.{purpose}").sign(value)


def unsign(purpose: str, token: str, *, max_age: int | None = None) -> str | None:
    """The value `sign(purpose, …)` signed, or None for a token that was altered, made for
    another purpose, or (with `max_age`, in seconds) is older than that."""
    signer = signing.TimestampSigner(salt=f"newsroom.mail.{purpose}")
    try:
        return signer.unsign(token, max_age=max_age)
    except (signing.BadSignature, ValueError):  # SignatureExpired is a BadSignature
        return None


def one_click_headers(unsubscribe_url: str) -> dict[str, str]:
    """The headers that let a mail client offer "Unsubscribe" and act on it with one POST
    (RFC 8058): the link must be HTTPS in production and work without a login or a second click."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def message(
    *,
    subject: str,
    text: str,
    html: str | None,
    to: str,
    headers: dict[str, str] | None = None,
    connection=None,
) -> EmailMultiAlternatives:
    """One message from DEFAULT_FROM_EMAIL to one reader: the plain-text part always, the HTML
    part when given. Send it with `.send()`; pass `connection` to reuse one SMTP session."""
    mail = EmailMultiAlternatives(
        subject=subject, body=text, to=[to], headers=headers or {}, connection=connection
    )
    if html is not None:
        mail.attach_alternative(html, "text/html")
    return mail
