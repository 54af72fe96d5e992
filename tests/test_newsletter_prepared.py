"""A batch fills each subscriber's message into the edition's message made once: what the mail
server gets is the message built for that subscriber alone (the same headers, parts and links),
for any address, and an edition whose parts had to be encoded is built message by message."""

import email
import email.policy

import pytest
from django.core import signing

from newsletters import links, prepared, rendering, sending
from newsletters.models import Edition
from tests.factories import make_article
from tests.newsletter_helpers import make_list, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition(settings):
    settings.NEWSLETTER_SEND_RATE = 1000
    settings.SITE_URL = "https://news.example.org"
    story = make_article(headline="Ferry & harbour — the day’s story")
    return Edition.objects.create(
        newsletter=make_list(name="The Morning Briefing"),
        subject="Your morning: ferries, élections",
        intro="Good morning.",
        stories=[story.pk],
    )


@pytest.fixture(autouse=True)
def same_second(monkeypatch):
    """Links carry the second they were signed in: the message built alone to compare with,
    a moment later, must carry the same."""
    stamp = signing.TimestampSigner().timestamp()
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda signer: stamp)


def _seen(message) -> tuple:
    """A message as a reader's mail client shows it: every header but the date (the boundary
    between parts is random too), each part's type, transfer encoding and content."""
    headers = sorted(
        (name, value.strip())
        for name, value in message.items()
        if name not in ("Date", "Content-Type")
    )
    parts = [
        (part.get_content_type(), part["Content-Transfer-Encoding"], part.get_content())
        for part in message.iter_parts()
    ]
    return message.get_content_type(), headers, parts


def _built_alone(edition, subscriber) -> tuple:
    alone = rendering.message(rendering.render(edition), edition, subscriber).message()
    sent = alone.as_bytes(linesep="\r\n")  # as Django's SMTP backend sends it
    return _seen(email.message_from_bytes(sent, policy=email.policy.default))


@pytest.mark.parametrize(
    "address", ["ada@example.org", "bob@bücher.example", "a.very.long.name.indeed@example.org"]
)
def test_the_server_gets_the_message_built_for_the_subscriber_alone(edition, mail_server, address):
    reader = subscribe(address, edition.newsletter)
    sending.start(edition)
    assert sending.send_batch(edition).accepted == 1
    (received,) = mail_server.messages
    assert _seen(received) == _built_alone(edition, reader)
    assert received["Date"], "dated when it went"
    assert f"<{links.leave_url(reader)}>" == received["List-Unsubscribe"].strip()


def test_each_subscriber_gets_their_own_links(edition, mail_server):
    ada, bob = (subscribe(f"{name}@example.org", edition.newsletter) for name in ("ada", "bob"))
    sending.send_batch(edition)
    for reader in (ada, bob):
        (received,) = mail_server.to(reader.email)
        text = received.get_body(("plain",)).get_content()
        html = received.get_body(("html",)).get_content()
        for link in (links.leave_url(reader), links.preferences_url(reader)):
            assert link in text and link in html


def test_an_edition_whose_parts_must_be_encoded_is_built_message_by_message(edition, mail_server):
    edition.intro = "A long morning. " * 70  # one line of over 998 bytes: quoted-printable
    edition.save()
    reader = subscribe("ada@example.org", edition.newsletter)
    made = prepared.Prepared(rendering.render(edition), edition)
    assert made.data is None, "stand-ins may be split across encoded lines"
    assert sending.send_batch(edition).accepted == 1
    (received,) = mail_server.messages
    assert _seen(received) == _built_alone(edition, reader)
    assert received.get_body(("plain",))["Content-Transfer-Encoding"] == "quoted-printable"
