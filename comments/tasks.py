"""Background work of replies (see newsroom/tasks/)."""

from django.conf import settings
from django_tasks import task

from comments.models import Reply
from newsroom.tasks import mail_or_retry


@task()
def notify_moderators(reply_pk: int, queue_url: str, attempt: int = 1) -> bool:
    """E-mail REPLY_NOTIFY_EMAILS that a reply waits; while the mail server fails, try again
    later (newsroom.tasks.RETRY_MINUTES). Returns whether a message was sent."""
    reply = Reply.objects.select_related("article").filter(pk=reply_pk).first()
    if reply is None or reply.status != Reply.Status.PENDING:
        return False  # moderated (or deleted) already: nobody needs telling
    return mail_or_retry(
        f"A reply is waiting: “{reply.article.headline}”",
        f"{reply.name} replied to “{reply.article.headline}”.\n\n"
        f"Why it waits: {reply.moderation_reason}\n\n{reply.body}\n\n"
        f"The moderation queue: {queue_url}?status__exact=pending\n",
        settings.REPLY_NOTIFY_EMAILS,
        retry=notify_moderators,
        attempt=attempt,
        args=(reply_pk, queue_url),
        what=f"e-mail to the moderators about reply {reply_pk}",
    )
