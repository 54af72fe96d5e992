"""What the site keeps about repliers, and for how long.

A reply's hashed client address and browser serve the rate limit and the moderators' judgement
of a fresh reply; after REPLY_CLIENT_DETAILS_DAYS they are dropped (`manage.py
forget_reply_clients`, run daily). A replier who asks to be forgotten has their name, e-mail and
website erased from every reply they sent (an admin action); the replies' moderation record
(status, rules fired, who moderated them and when) stays, and so does the text readers saw.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import log
from comments import events
from comments.models import Reply
from comments.moderation import log_replies

ERASED_NAME = "Anonymous"


def forget_clients(*, older_than_days: int, now=None) -> int:
    """Blank the hashed address and browser of replies older than the retention period."""
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    return (
        Reply.objects.filter(created_at__lt=cutoff)
        .exclude(ip_hash="", user_agent="")
        .update(ip_hash="", user_agent="")
    )


def forget_clients_daily(**kwargs) -> str:
    """The daily jobs' share (`newsroom.tasks.daily_jobs`), after REPLY_CLIENT_DETAILS_DAYS."""
    days = settings.REPLY_CLIENT_DETAILS_DAYS
    return f"client details of {forget_clients(older_than_days=days)} replies dropped"


def replier_emails(replies) -> list[str]:
    return sorted({e.lower() for e in replies.exclude(email="").values_list("email", flat=True)})


def replier_replies(replies) -> Q:
    """The chosen replies and every other reply sent with one of their e-mail addresses."""
    condition = Q(pk__in=list(replies.values_list("pk", flat=True)))
    for email in replier_emails(replies):
        condition |= Q(email__iexact=email)
    return condition


@transaction.atomic
def erase_repliers(replies, *, by, now=None) -> int:
    """Erase the people behind `replies` from every reply sent with the same e-mail address;
    returns how many replies were changed."""
    emails = replier_emails(replies)
    ids = list(
        Reply.objects.filter(replier_replies(replies)).order_by("pk").values_list("pk", flat=True)
    )
    count = Reply.objects.filter(pk__in=ids).update(
        name=ERASED_NAME,
        email="",
        website="",
        ip_hash="",
        user_agent="",
        notify_answers=False,  # and what is still owed is not sent (comments/tasks.py)
        erased_at=now or timezone.now(),
    )
    if count:
        # Names are shown under the articles (update() sends no signals).
        shown = Reply.objects.filter(pk__in=ids).approved().values_list("article_id", flat=True)
        if articles := set(shown):
            events.replies_erased.send(sender=Reply, article_ids=articles)
        log_replies(log.Action.ERASE, ids, by=by)
    if emails:
        events.repliers_forgotten.send(sender=Reply, emails=emails, by=by)
    return count
