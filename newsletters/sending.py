"""Sending an edition: the rules.

An edition goes from draft (or scheduled) to sending by one conditional update, so a double
click, two editors or a scheduled run racing a click start it once (`start`). The worker then
sends it in batches (`send_batch`, run by `newsletters.tasks.send_edition`): the receiving
subscribers of its list, by number, NEWSLETTER_BATCH_SIZE at a time over one SMTP connection,
at most NEWSLETTER_SEND_RATE messages a second.

Every message is recorded before it goes and settled after: once the connection is open, the
batch's deliveries are written (being sent) and committed together, then each is marked
accepted or refused with the server's answer as soon as the server has answered its message.
A batch cut short (the worker killed, the server gone) is taken up again by the next: it skips
everyone whose delivery is settled and sends to those left "being sent": the ones never tried,
and at most one whose message the server had not acknowledged (a message is only the server's
once it answers the data; only a crash in the instant between that answer and our commit
could send it twice). Settling each message on its own is what keeps that to one.

Each settling is one statement in its own transaction, so one round trip to the database a
message. Not waiting for the disk at commit (PostgreSQL's `synchronous_commit` off) was tried
and measured: where it was measured, a commit's flush cost less than the round trips that
setting it for each transaction adds (docs/performance.md, Newsletters).
"""

import logging
import smtplib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_tasks import task

from newsletters import prepared, rendering
from newsletters.models import Delivery, Edition, Subscriber
from newsroom.tasks import retry_later

logger = logging.getLogger(__name__)

STARTABLE = (Edition.Status.DRAFT, Edition.Status.SCHEDULED)
SETTLED = (Delivery.Status.ACCEPTED, Delivery.Status.REFUSED)


def audience(newsletter):
    """Who an edition of `newsletter` goes to: its receiving subscribers, by number."""
    receiving = Subscriber.objects.receiving()
    return receiving.filter(subscriptions__newsletter=newsletter).order_by("pk")


def start(edition: Edition, *, now=None) -> bool:
    """Mark the edition as sending and queue its first batch; False if it had already started
    (or was cancelled): then nothing happens."""
    now = now or timezone.now()
    started = Edition.objects.filter(pk=edition.pk, status__in=STARTABLE).update(
        status=Edition.Status.SENDING, started_at=now
    )
    if started:
        edition.status, edition.started_at = Edition.Status.SENDING, now
        send_edition.enqueue(edition.pk)  # the queue is a table: in the same transaction
    return bool(started)


def schedule(edition: Edition, *, at) -> bool:
    """Have the edition go at `at` (a draft or scheduled edition only)."""
    changed = Edition.objects.filter(pk=edition.pk, status__in=STARTABLE).update(
        status=Edition.Status.SCHEDULED, send_after=at
    )
    if changed:
        edition.status, edition.send_after = Edition.Status.SCHEDULED, at
        send_scheduled.using(run_after=at).enqueue(edition.pk)
    return bool(changed)


def unschedule(edition: Edition) -> bool:
    """Back to a draft, unless it has started."""
    changed = Edition.objects.filter(pk=edition.pk, status=Edition.Status.SCHEDULED).update(
        status=Edition.Status.DRAFT, send_after=None
    )
    if changed:
        edition.status, edition.send_after = Edition.Status.DRAFT, None
    return bool(changed)


def start_if_due(edition_pk: int, *, now=None) -> bool:
    """A scheduled edition whose time has come starts; one rescheduled or sent by hand meanwhile
    does not (its own task, or none, takes it)."""
    now = now or timezone.now()
    edition = Edition.objects.filter(
        pk=edition_pk, status=Edition.Status.SCHEDULED, send_after__lte=now
    ).first()
    return edition is not None and start(edition, now=now)


def waiting(edition: Edition):
    """The edition's audience less everyone whose delivery is settled."""
    settled = Delivery.objects.filter(
        edition=edition, subscriber=OuterRef("pk"), status__in=SETTLED
    )
    return audience(edition.newsletter).exclude(Exists(settled))


@dataclass
class Batch:
    accepted: int = 0
    refused: int = 0
    finished: bool = False  # nobody is left to send to
    failure: str = ""  # why the batch stopped early when the server failed, else ""


class Pace:
    """At most `rate` messages a second: `wait()` before each."""

    def __init__(self, rate: int):
        self.interval, self.next_at = 1 / rate, time.monotonic()

    def wait(self) -> None:
        delay = self.next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self.next_at = max(self.next_at, time.monotonic()) + self.interval


def refusal(error: smtplib.SMTPException) -> str | None:
    """The server's answer when it refused this message's recipient (at any code: the
    provider's relay keeps trying a mailbox that is only busy) or refused the message for good
    (5xx); else None (the sender refused, the connection lost, a temporary answer to the
    message: the batch stops and the message is tried again later)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, answer = next(iter(error.recipients.values()))
    elif isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600:
        if isinstance(error, smtplib.SMTPSenderRefused):
            return None
        code, answer = error.smtp_code, error.smtp_error
    else:
        return None
    if isinstance(answer, bytes):
        answer = answer.decode("utf-8", "replace")
    return f"{code} {answer}"[:300]


def send_batch(edition: Edition, *, size: int | None = None, now=None) -> Batch:
    """Send the edition to the next `size` (NEWSLETTER_BATCH_SIZE) waiting subscribers over one
    connection; mark it sent once nobody is left. Stops early, for the next batch to go on,
    when the server fails or half the task's lease has passed."""
    size = size or settings.NEWSLETTER_BATCH_SIZE
    batch = Batch()
    subscribers = list(waiting(edition).only("pk", "email")[:size])
    if not subscribers:
        finished = Edition.objects.filter(pk=edition.pk, status=Edition.Status.SENDING).update(
            status=Edition.Status.SENT, finished_at=now or timezone.now()
        )
        batch.finished = bool(finished) or edition.status == Edition.Status.SENT
        return batch
    edition_mail = prepared.Prepared(rendering.render(edition), edition)
    pace, began = Pace(settings.NEWSLETTER_SEND_RATE), time.monotonic()
    connection = get_connection()
    try:
        connection.open()
        deliveries = begin(edition, subscribers)
        for subscriber in subscribers:
            if time.monotonic() - began > settings.TASK_LEASE_SECONDS / 2:
                break  # the next batch goes on before the lease is over
            pace.wait()
            email = edition_mail.message(subscriber, connection=connection)
            try:
                email.send()
            except smtplib.SMTPException as error:
                answer = refusal(error)
                if answer is None:
                    batch.failure = f"the mail server failed: {error}"
                    break
                settle(deliveries[subscriber.pk], Delivery.Status.REFUSED, answer)
                batch.refused += 1
            else:
                settle(deliveries[subscriber.pk], Delivery.Status.ACCEPTED, "")
                batch.accepted += 1
    except OSError as error:  # the connection could not be made or was lost
        batch.failure = f"the mail server could not be reached: {error}"
    finally:
        connection.close()
    return batch


def begin(edition: Edition, subscribers: list[Subscriber]) -> dict[int, int]:
    """Each subscriber's delivery, being sent, by subscriber: the ones a batch cut short left
    being sent, and the others written (and committed) in one bulk insert. {subscriber: delivery}"""
    numbers = [subscriber.pk for subscriber in subscribers]
    left = edition.deliveries.filter(status=Delivery.Status.SENDING, subscriber__in=numbers)
    left = dict(left.values_list("subscriber_id", "pk"))
    made = Delivery.objects.bulk_create(
        Delivery(edition=edition, subscriber_id=number) for number in numbers if number not in left
    )
    return left | {delivery.subscriber_id: delivery.pk for delivery in made}


def settle(delivery: int, status: str, answer: str) -> None:
    """Record the server's answer to a delivery's message, committed before the next goes."""
    Delivery.objects.filter(pk=delivery).update(status=status, answer=answer, at=timezone.now())


def send_test(edition: Edition, *, to: str) -> None:
    """The edition as a subscriber gets it, to `to` (an editor's own address) at once; its
    links are a stand-in subscriber's and lead nowhere."""
    stand_in = Subscriber(pk=0, email=to)
    rendered = rendering.render(edition)
    rendered = rendering.Rendered(
        subject=f"[Test] {rendered.subject}", html=rendered.html, text=rendered.text
    )
    rendering.message(rendered, edition, stand_in).send()


# The worker's tasks: each batch queues the next, so a worker started again goes on.


@task()
def send_edition(edition_pk: int, attempt: int = 1) -> str:
    """One batch of the edition, then the next batch queued (or, when the server failed, the
    same batch again later)."""
    edition = Edition.objects.select_related("newsletter").filter(pk=edition_pk).first()
    if edition is None or edition.status != Edition.Status.SENDING:
        return "not sending"
    batch = send_batch(edition)
    outcome = f"“{edition}”: {batch.accepted} accepted, {batch.refused} refused"
    if batch.finished:
        logger.info("“%s” is sent", edition)
        return f"“{edition}” is sent"
    if batch.failure:
        what = f"sending “{edition}”"
        retry_later(send_edition, attempt, edition_pk, what=what, error=batch.failure)
        return f"{outcome}; {batch.failure}"
    send_edition.enqueue(edition_pk)
    logger.info(outcome)
    return outcome


@task()
def send_scheduled(edition_pk: int) -> str:
    started = start_if_due(edition_pk)
    return "started" if started else "not due (rescheduled, sent or cancelled)"
