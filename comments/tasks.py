"""Background work of replies (see newsroom/tasks/)."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from comments import notifications
from comments.models import AnswerNotice, Reply
from newsroom.tasks import mail_or_retry, retry_later


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


def tell_answered(reply_ids) -> None:
    """Replies were just approved: queue an e-mail to each replier they answer who asked for
    one, now or an hour after the last one to them in that thread. Called in the approving
    transaction, so the e-mail is queued with the approval or not at all."""
    now = timezone.now()
    for answered in notifications.record(reply_ids, now=now):
        due = notifications.next_send(answered, now=now)
        send = send_answers if due <= now else send_answers.using(run_after=due)
        send.enqueue(answered.pk)


@task()
def send_answers(answered_pk: int, attempt: int = 1) -> int:
    """E-mail the replier of reply `answered_pk` every answer owed to them in its thread, in one
    message; if the last one went less than an hour ago, wait until the hour is up. Nothing for
    a replier who unsubscribed or was erased. While the mail server fails, try again later
    (newsroom.tasks.RETRY_MINUTES). Returns how many answers were sent."""
    answered = Reply.objects.filter(pk=answered_pk).first()
    if answered is None or not notifications.may_tell(answered):
        return 0
    now = timezone.now()
    with transaction.atomic():
        owed = notifications.owed(answered, lock=True)
        if not owed:
            return 0  # sent with an earlier answer's e-mail, or no longer owed
        due = notifications.next_send(answered, now=now)
        if due > now:  # another e-mail went meanwhile: these wait for the next
            send_answers.using(run_after=due).enqueue(answered_pk)
            return 0
        what = f"e-mail about {len(owed)} answers to reply {answered_pk}"
        try:
            notifications.message(answered, [n.answer for n in owed]).send()
        except Exception as error:  # what the mail server said goes to the log
            retry_later(send_answers, attempt, answered_pk, what=what, error=error)
            return 0
        AnswerNotice.objects.filter(pk__in=[n.pk for n in owed]).update(sent_at=now)
    return len(owed)
