"""Sending an edition through a real SMTP server: to its list's receiving subscribers only,
in batches of NEWSLETTER_BATCH_SIZE over one connection each, at most NEWSLETTER_SEND_RATE a
second; a refused address is recorded with the server's answer and the others still get it;
a send taken up again skips everyone settled and sends again to the one left mid-send."""

import smtplib
import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django_tasks_db.models import DBTaskResult

from newsletters import sending
from newsletters.models import Delivery, Edition, Subscriber
from newsroom import configuration
from tests.factories import make_article, run_worker
from tests.newsletter_helpers import make_list, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition(settings):
    settings.NEWSLETTER_SEND_RATE = 1000
    newsletter = make_list(name="The Morning Briefing")
    story = make_article(headline="The day's story")
    return Edition.objects.create(newsletter=newsletter, subject="Morning", stories=[story.pk])


def _statuses(edition) -> dict[str, str]:
    return dict(edition.deliveries.values_list("subscriber__email", "status"))


def test_an_edition_goes_once_to_each_receiving_subscriber_of_its_list_only(edition, mail_server):
    ada = subscribe("ada@example.org", edition.newsletter)
    subscribe("unconfirmed@example.org", edition.newsletter, confirmed=False)
    subscribe("left@example.org", edition.newsletter, stopped_at=ada.created_at)
    subscribe("other-list@example.org", make_list())
    assert sending.start(edition)
    assert not sending.start(edition), "a second click starts nothing"
    run_worker()
    assert [m["To"] for m in mail_server.messages] == ["ada@example.org"]
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT and edition.finished_at
    assert _statuses(edition) == {"ada@example.org": Delivery.Status.ACCEPTED}


def test_a_refused_address_is_recorded_with_the_answer_and_the_rest_still_go(edition, mail_server):
    for name in ("ada", "bob", "cy"):
        subscribe(f"{name}@example.org", edition.newsletter)
    mail_server.refuse.add("bob@example.org")
    sending.start(edition)
    run_worker()
    assert sorted(m["To"] for m in mail_server.messages) == ["ada@example.org", "cy@example.org"]
    refused = edition.deliveries.get(subscriber__email="bob@example.org")
    assert refused.status == Delivery.Status.REFUSED
    assert refused.answer == "550 5.1.1 No such mailbox here"
    assert _statuses(edition)["cy@example.org"] == Delivery.Status.ACCEPTED


class CountingConnections:
    """Wraps the test's SMTP server to count the connections messages came over."""

    def __init__(self, server):
        self.keep, self.peers = server.handle_DATA, []

    async def handle_DATA(self, server, session, envelope):
        if session.peer not in self.peers:
            self.peers.append(session.peer)
        return await self.keep(server, session, envelope)


def test_batches_go_over_one_connection_each_in_subscriber_order(edition, mail_server, settings):
    settings.NEWSLETTER_BATCH_SIZE = 2
    counting = CountingConnections(mail_server)
    mail_server.handle_DATA = counting.handle_DATA
    for n in range(5):
        subscribe(f"reader{n}@example.org", edition.newsletter)
    sending.start(edition)
    run_worker()
    assert [m["To"] for m in mail_server.messages] == [f"reader{n}@example.org" for n in range(5)]
    assert len(counting.peers) == 3, "batches of 2, 2 and 1"


def test_no_more_than_the_rate_a_second(edition, mail_server, settings):
    settings.NEWSLETTER_SEND_RATE = 10
    for n in range(6):
        subscribe(f"reader{n}@example.org", edition.newsletter)
    began = time.monotonic()
    batch = sending.send_batch(edition)
    assert batch.accepted == 6
    assert time.monotonic() - began >= 0.5, "six messages at ten a second take half a second"


def test_a_send_taken_up_again_skips_the_settled_and_resends_the_one_left_mid_send(
    edition, mail_server
):
    done, refused, midway, _waiting = (
        subscribe(f"{name}@example.org", edition.newsletter)
        for name in ("done", "refused", "midway", "waiting")
    )
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SENDING)
    edition.refresh_from_db()
    Delivery.objects.create(edition=edition, subscriber=done, status=Delivery.Status.ACCEPTED)
    Delivery.objects.create(edition=edition, subscriber=refused, status=Delivery.Status.REFUSED)
    Delivery.objects.create(edition=edition, subscriber=midway, status=Delivery.Status.SENDING)
    sending.send_batch(edition)
    assert [m["To"] for m in mail_server.messages] == ["midway@example.org", "waiting@example.org"]
    assert set(_statuses(edition).values()) == {"accepted", "refused"}
    assert sending.send_batch(edition).finished


def test_a_mail_server_that_is_down_leaves_the_edition_to_be_tried_again(edition, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    subscribe("ada@example.org", edition.newsletter)
    sending.start(edition)
    run_worker()
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENDING
    assert not Subscriber.objects.get().deliveries.exists(), "no connection: nothing begun"
    assert DBTaskResult.objects.filter(
        task_path="newsletters.sending.send_edition", status="READY"
    ).exists(), "queued again for later"


class Env:
    def __init__(self, **values):
        self.values = values

    def str(self, name, default=""):
        return self.values.get(name, default)


@pytest.mark.parametrize("value", ["0", "fast", "-5", "100001", "2.5"])
def test_a_bad_rate_or_batch_size_is_a_clear_error(value):
    with pytest.raises(ImproperlyConfigured, match="NEWSLETTER_SEND_RATE must be a whole number"):
        configuration.mailing(Env(NEWSLETTER_SEND_RATE=value))
    with pytest.raises(ImproperlyConfigured, match="NEWSLETTER_BATCH_SIZE must be a whole number"):
        configuration.mailing(Env(NEWSLETTER_BATCH_SIZE=value))
    assert configuration.mailing(Env()) == (500, 20, "")


def test_what_the_server_answered_decides_refused_or_tried_again():
    refused = smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"5.1.1 No such mailbox")})
    busy = smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"4.2.1 Mailbox busy")})
    assert sending.refusal(refused) == "550 5.1.1 No such mailbox"
    assert sending.refusal(busy) == "450 4.2.1 Mailbox busy", "the relay retries it, not us"
    assert sending.refusal(smtplib.SMTPDataError(554, b"Rejected as spam")) == (
        "554 Rejected as spam"
    )
    assert sending.refusal(smtplib.SMTPDataError(451, b"Try later")) is None
    assert sending.refusal(smtplib.SMTPSenderRefused(550, b"No", "newsroom@localhost")) is None
    assert sending.refusal(smtplib.SMTPServerDisconnected("gone")) is None
