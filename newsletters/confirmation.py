"""The one e-mail an address gets for signing up, sent by the worker: a link to confirm it,
or, for an address that already receives our newsletters, its preferences link (someone
typed it again: its owner is told, the form's user learns nothing). Decided when it is sent,
so that an address confirmed in between is never asked twice."""

import logging

from django.conf import settings
from django.utils.html import format_html
from django_tasks import task

from newsletters import links
from newsletters.models import Subscriber
from newsroom import mail
from newsroom.tasks import retry_later

logger = logging.getLogger(__name__)
STOPPED_BY_SERVER = (Subscriber.Stopped.BOUNCED, Subscriber.Stopped.COMPLAINED)


def _confirmation(subscriber: Subscriber) -> tuple[str, str, str]:
    url = links.confirm_url(subscriber)
    hours = settings.NEWSLETTER_CONFIRM_HOURS
    lists = subscriber.newsletters.order_by("position", "name")
    names = ", ".join(lists.values_list("name", flat=True))
    subject = f"Confirm your newsletters from {settings.SITE_NAME}"
    text = (
        f"Someone, we hope you, asked to receive {names or 'our newsletters'} at this address.\n\n"
        f"To confirm, open this link within {hours} hours and press Confirm:\n{url}\n\n"
        "If it was not you, ignore this e-mail: nothing more will be sent to you.\n"
    )
    html = format_html(
        "<p>Someone, we hope you, asked to receive {} at this address.</p>"
        '<p><a href="{}">Confirm your newsletters</a> (within {} hours).</p>'
        "<p>If it was not you, ignore this e-mail: nothing more will be sent to you.</p>",
        names or "our newsletters",
        url,
        hours,
    )
    return subject, text, html


def _reminder(subscriber: Subscriber) -> tuple[str, str, str]:
    url = links.preferences_url(subscriber)
    subject = f"Your newsletters from {settings.SITE_NAME}"
    text = (
        "Someone asked to sign this address up for our newsletters. It receives them already.\n\n"
        f"To choose which ones, or to stop them all, open your preferences:\n{url}\n"
    )
    html = format_html(
        "<p>Someone asked to sign this address up for our newsletters. It receives them "
        'already.</p><p><a href="{}">Choose your newsletters, or stop them all</a>.</p>',
        url,
    )
    return subject, text, html


@task()
def send_welcome(subscriber_pk: int, attempt: int = 1) -> bool:
    """Send the sign-up's e-mail; while the mail server fails, try again later
    (newsroom.tasks.RETRY_MINUTES). Returns whether a message was sent."""
    subscriber = Subscriber.objects.filter(pk=subscriber_pk).first()
    if subscriber is None:
        return False  # erased meanwhile
    if subscriber.stopped_reason in STOPPED_BY_SERVER:
        # Whoever typed it, nothing more goes to an address that bounced or called us spam: its
        # owner starts again from an old e-mail's preferences link (`subscribing.choose`).
        logger.info("sign-up e-mail to subscriber %s not sent: its mail was refused", subscriber_pk)
        return False
    receiving = Subscriber.objects.receiving().filter(pk=subscriber.pk).exists()
    subject, text, html = (_reminder if receiving else _confirmation)(subscriber)
    try:
        mail.message(subject=subject, text=text, html=html, to=subscriber.email).send()
    except Exception as error:  # what the mail server said goes to the log
        what = f"sign-up e-mail to subscriber {subscriber_pk}"
        retry_later(send_welcome, attempt, subscriber_pk, what=what, error=error)
        return False
    logger.info("sign-up e-mail to subscriber %s sent", subscriber_pk)
    return True
