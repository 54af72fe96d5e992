"""Background work of replies (see newsroom/tasks.py)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from comments.models import Reply
from newsroom.tasks import retry_later

logger = logging.getLogger(__name__)


@task()
def notify_moderators(reply_pk: int, queue_url: str, attempt: int = 1) -> bool:
    """E-mail REPLY_NOTIFY_EMAILS that a reply waits; while the mail server fails, try again
    later (newsroom.tasks.RETRY_MINUTES). Returns whether a message was sent."""
    reply = Reply.objects.select_related("article").filter(pk=reply_pk).first()
    if reply is None or reply.status != Reply.Status.PENDING:
        return False  # moderated (or deleted) already: nobody needs telling
    try:
        _send_notice(reply, queue_url)
    except Exception as error:  # what the mail server said goes to the log
        retry_later(
            notify_moderators,
            attempt,
            reply_pk,
            queue_url,
            what=f"e-mail to the moderators about reply {reply_pk}",
            error=error,
        )
        return False
    logger.info("moderators e-mailed about reply %s", reply_pk)
    return True


def _send_notice(reply: Reply, queue_url: str) -> None:
    send_mail(
        subject=f"A reply is waiting: “{reply.article.headline}”",
        message=(
            f"{reply.name} replied to “{reply.article.headline}”.\n\n"
            f"Why it waits: {reply.moderation_reason}\n\n{reply.body}\n\n"
            f"The moderation queue: {queue_url}?status__exact=pending\n"
        ),
        from_email=None,
        recipient_list=settings.REPLY_NOTIFY_EMAILS,
    )
