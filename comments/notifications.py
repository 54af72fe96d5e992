"""E-mail to a replier when an answer to their reply is approved, if they asked for it.

A reader ticks "E-mail me when someone answers" under the reply form (`Reply.notify_answers`).
When a reply answering theirs is approved (by a moderator, by the moderation rules at posting,
or written by staff from the queue) an `AnswerNotice` records what is owed; a held, rejected or
spam reply owes nothing, and nor does one sent from the answered reply's own address. A worker
sends what is owed (comments/tasks.py), at most one e-mail an hour for each thread and address:
answers approved within the hour of the last e-mail wait, gathered, for the next one.

Nothing here stores the address apart from the replies: the notices name replies, the tasks
name the answered reply, and the unsubscribe link carries its number and a keyed mark of the
address (as newsletters' links do). So an erasure (comments/privacy.py) or an unsubscribe
stops what is still owed: the address is read again when sending.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from comments.models import AnswerNotice, Reply
from newsroom import mail

# At most one e-mail in this time for each thread and address.
GAP = timedelta(hours=1)
LEAVE = "replies.leave"


def same_address(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def may_tell(answered: Reply) -> bool:
    """Whether the replier still wants to hear of answers (not unsubscribed, not erased)."""
    return answered.notify_answers and bool(answered.email) and answered.erased_at is None


def thread_of(reply: Reply) -> int:
    """The top-level reply a reply sits under, or its own number if it is one."""
    return reply.thread_id or reply.pk


def record(reply_ids, *, now: datetime) -> list[Reply]:
    """Note what the replies just approved owe the repliers they answer; returns the answered
    replies to tell, one for each address and thread. A reply approved again (sent back by
    readers' reports, then approved) owes nothing more."""
    answers = (
        Reply.objects.approved()
        .filter(pk__in=reply_ids, parent__notify_answers=True, parent__erased_at=None)
        .exclude(parent__email="")
        .select_related("parent")
    )
    owed = [
        AnswerNotice(answer=a, answered=a.parent, thread_id=a.thread_id, created_at=now)
        for a in answers
        if not same_address(a.email, a.parent.email)
    ]
    if not owed:
        return []
    AnswerNotice.objects.bulk_create(owed, ignore_conflicts=True)
    to_tell = {}
    for notice in owed:
        to_tell.setdefault((notice.answered.email.casefold(), notice.thread_id), notice.answered)
    return list(to_tell.values())


def _notices(answered: Reply):
    """Every notice for the answered reply's address in its thread, whichever of their replies
    was answered."""
    return AnswerNotice.objects.filter(
        thread_id=thread_of(answered), answered__email__iexact=answered.email
    )


def next_send(answered: Reply, *, now: datetime) -> datetime:
    """When the next e-mail for this address and thread may go: now, or an hour after the
    last one."""
    last = _notices(answered).aggregate(last=Max("sent_at"))["last"]
    return max(now, last + GAP) if last else now


def owed(answered: Reply, *, lock: bool = False) -> list[AnswerNotice]:
    """The answers not yet e-mailed to this address in this thread, oldest first: only those
    still approved, answering a reply whose replier still asks, from another address."""
    notices = (
        _notices(answered)
        .filter(sent_at=None, answer__status=Reply.Status.APPROVED, answered__notify_answers=True)
        .select_related("answer__article")
        .order_by("answer__created_at", "answer__pk")
    )
    if lock:  # two workers must not both send them
        notices = notices.select_for_update(of=("self",))
    return [n for n in notices if not same_address(n.answer.email, answered.email)]


# The unsubscribe link.


def _mark(email: str) -> str:
    return salted_hmac(LEAVE, email.casefold()).hexdigest()[:12]


def leave_token(answered: Reply) -> str:
    return mail.sign(LEAVE, f"{answered.pk}-{_mark(answered.email)}")


def leave_url(answered: Reply) -> str:
    """The one-click unsubscribe (RFC 8058): a POST there stops every reply notification to
    the address. It never expires: an old e-mail's link must still work."""
    return mail.absolute(reverse("comments:leave", args=[leave_token(answered)]))


def replier_for(token: str) -> Reply | None:
    """The reply a leave link was made for, or None (altered, another purpose, or its replier
    erased since: the mark no longer matches an empty address)."""
    value = mail.unsign(LEAVE, token)
    if value is None or "-" not in value:
        return None
    pk, mark = value.split("-", 1)
    reply = Reply.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
    if reply is None or not reply.email or not constant_time_compare(mark, _mark(reply.email)):
        return None
    return reply


def leave(answered: Reply) -> int:
    """Stop every reply notification to the replier's address: all their replies' opt-ins
    off. Returns how many were on (0 when asked again)."""
    return (
        Reply.objects.filter(email__iexact=answered.email, notify_answers=True)
        .exclude(email="")
        .update(notify_answers=False)
    )


# The e-mail.


def author(reply: Reply) -> str:
    """Who wrote an answer, as the text part says it; the HTML part shows the badge."""
    return f"{reply.name} (from the newsroom)" if reply.from_newsroom else reply.name


def message(answered: Reply, answers: list[Reply], *, connection=None):
    """The e-mail telling the replier of `answers` (in one thread): each one's text and a link
    to it on the story, plain text and simple HTML, with the one-click unsubscribe."""
    article = answers[0].article
    unsubscribe = leave_url(answered)
    if len(answers) == 1:
        # A reader's name is what anyone typed: the subject, read before the e-mail is opened,
        # names only the newsroom.
        who = answers[0].name if answers[0].from_newsroom else "A reader"
        subject = f"{who} answered you under “{article.headline}”"
    else:
        subject = f"{len(answers)} answers to you under “{article.headline}”"
    links = [mail.absolute(a.get_absolute_url()) for a in answers]
    parts = [f"Hello {answered.name},", ""]
    for answer, link in zip(answers, links, strict=True):
        parts += [f"{author(answer)} wrote:", "", answer.body, "", f"Read it: {link}", ""]
    parts += [
        "--",
        "You asked to be e-mailed when someone answers your replies on "
        f"{settings.SITE_NAME}: at most once an hour for each conversation.",
        f"Stop these e-mails: {unsubscribe}",
    ]
    html = render_to_string(
        "comments/email/answers.html",
        {
            "answered": answered,
            "article": article,
            "answers": list(zip(answers, links, strict=True)),
            "unsubscribe": unsubscribe,
            "subject": subject,
        },
    )
    return mail.message(
        subject=subject,
        text="\n".join(parts) + "\n",
        html=html,
        to=answered.email,
        headers=mail.one_click_headers(unsubscribe),
        connection=connection,
    )
