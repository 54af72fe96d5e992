"""An edition's message made into bytes once per batch; each subscriber's is those bytes with
their own parts filled in.

Building a MIME message with Python's e-mail package (folding each header, writing out each
line of both parts) costs the worker about 3 ms, more than anything else a message costs it:
at 100,000 subscribers, five minutes. So a batch builds the edition's message once, through the
same `rendering.email` as a single message, with stand-ins for what differs from one subscriber
to the next (the address, the two links, the Message-ID, the date); each subscriber's message
is then those bytes with the stand-ins replaced. It is the same message
(tests/test_newsletter_prepared.py compares the two), for a few string replacements.

Bytes can only be filled in where the parts went out as they are (7bit or 8bit). A part Django
had to encode (quoted-printable, for a line over 998 bytes, such as a very long introduction)
may split a stand-in across lines or forbid a longer line; such an edition, and any message
whose filled-in line would pass the limit, is built the ordinary way instead.
"""

from email.utils import formatdate

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address

from newsletters import links, rendering
from newsletters.models import Edition, Subscriber

TO, MESSAGE_ID, DATE = "reader@stand-in.invalid", "<__MESSAGE_ID__>", "__DATE__"
LINE_LIMIT = 998  # bytes in a line of a message (RFC 5322), its end aside
ENCODED = (b"Content-Transfer-Encoding: quoted-printable", b"Content-Transfer-Encoding: base64")


class Flattened:
    """What Django's mail backends ask of a MIME message (its bytes, its character set) for a
    message already made into bytes."""

    def __init__(self, data: bytes):
        self.data = data

    def as_bytes(self, unixfrom=False, linesep="\n") -> bytes:
        return self.data.replace(b"\n", linesep.encode())

    def as_string(self, unixfrom=False, linesep="\n") -> str:
        return self.as_bytes(linesep=linesep).decode()

    def get_charset(self):
        return None  # as for any multipart message: each part names its own


class PreparedEmail(EmailMultiAlternatives):
    """A subscriber's message whose MIME form was filled in rather than built: the backends
    that send the MIME form (SMTP, console, file) send those bytes; those that read the parts
    (body, alternatives, headers) find them as in any message."""

    flattened = b""

    def message(self):
        return Flattened(self.flattened)


class Prepared:
    """The edition's message for a batch: `message(subscriber)` gives each subscriber's."""

    def __init__(self, rendered: rendering.Rendered, edition: Edition):
        self.rendered, self.edition = rendered, edition
        stand_in = rendering.email(
            rendered,
            to=TO,
            leave=rendering.LEAVE,
            preferences=rendering.PREFERENCES,
            message_id=MESSAGE_ID,
            headers={"Date": DATE},
        )
        data = stand_in.message().as_bytes()
        self.data = data if self.fillable(data) else None

    def fillable(self, data: bytes) -> bool:
        """Every stand-in is there, whole, as often as it was put in, in parts sent as they are."""
        bodies = self.rendered.text + self.rendered.html
        expected = {
            TO: 1,
            MESSAGE_ID: 1,
            DATE: 1,
            rendering.LEAVE: 1 + bodies.count(rendering.LEAVE),  # and List-Unsubscribe
            rendering.PREFERENCES: bodies.count(rendering.PREFERENCES),
        }
        if any(encoded in data for encoded in ENCODED):
            return False
        return all(data.count(stand_in.encode()) == n for stand_in, n in expected.items())

    def message(self, subscriber: Subscriber, *, connection=None) -> EmailMultiAlternatives:
        leave, preferences = links.leave_url(subscriber), links.preferences_url(subscriber)
        email = rendering.email(
            self.rendered,
            to=subscriber.email,
            leave=leave,
            preferences=preferences,
            message_id=rendering.message_id(self.edition, subscriber),
            connection=connection,
        )
        if self.data is None:
            return email
        values = {
            TO: sanitize_address(subscriber.email, settings.DEFAULT_CHARSET),
            MESSAGE_ID: email.extra_headers["Message-ID"],
            DATE: formatdate(localtime=settings.EMAIL_USE_LOCALTIME),
            rendering.LEAVE: leave,
            rendering.PREFERENCES: preferences,
        }
        data = self.data
        for stand_in, value in values.items():
            data = data.replace(stand_in.encode(), value.encode())
        if max(map(len, data.split(b"\n"))) > LINE_LIMIT:
            return email
        prepared = PreparedEmail(
            subject=email.subject,
            body=email.body,
            to=email.to,
            headers=email.extra_headers,
            alternatives=email.alternatives,
            connection=connection,
        )
        prepared.flattened = data
        return prepared
