"""The reply moderation policy and the moderators' actions.

`assess()` is pure: given what a reader sent and what is known about it, it decides whether the
reply is stored as pending, approved or spam, or refused (duplicate, rate limit), and records
every rule that fired, so moderators always see why. `approve()`, `reject()` and `mark_spam()`
are what the admin's actions and buttons call, in a fixed number of queries however many replies
(and one more for each replier to tell of an answer: comments/notifications.py). `answer()` is
staff answering a reader from the queue.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from audit import log
from comments import counts, events, tasks
from comments.models import ModerationSettings, Reply, Rule

DUPLICATE = "You have already posted this reply to this article; it is with our moderators."
RATE_LIMITED = (
    "You have posted several replies in a short time. Please wait a minute and try again; "
    "your reply is still in the form below."
)

_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


@dataclass(frozen=True)
class Policy:
    """The editors' options (from `ModerationSettings`), as plain values."""

    moderate_all: bool = True
    max_links: int = 2
    watched_words: tuple[str, ...] = ()
    blocked_words: tuple[str, ...] = ()
    held_senders: tuple[str, ...] = ()
    blocked_senders: tuple[str, ...] = ()
    hold_first_replies: bool = True
    approve_known_repliers: bool = False

    @classmethod
    def from_settings(cls, options: ModerationSettings) -> "Policy":
        def lines(text):
            return tuple(line.strip().casefold() for line in text.splitlines() if line.strip())

        return cls(
            moderate_all=options.moderate_all,
            max_links=options.max_links,
            watched_words=lines(options.watched_words),
            blocked_words=lines(options.blocked_words),
            held_senders=lines(options.held_senders),
            blocked_senders=lines(options.blocked_senders),
            hold_first_replies=options.hold_first_replies,
            approve_known_repliers=options.approve_known_repliers,
        )


@dataclass(frozen=True)
class Submission:
    """What the reader sent, and what the site knows about it."""

    name: str
    email: str
    body: str
    website: str = ""
    honeypot: str = ""
    seconds_to_fill: float | None = None
    duplicate: bool = False
    rate_limited: bool = False
    approved_before: bool = False  # an approved reply from this address (case aside) exists


@dataclass(frozen=True)
class Decision:
    status: str | None  # a Reply.Status, or None when the reply is refused
    rules: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    refusal: str = ""

    @property
    def refused(self) -> bool:
        return self.status is None

    @property
    def rules_field(self) -> str:
        """The value stored in `Reply.rules`: codes padded with spaces, searchable one by one."""
        return f" {' '.join(self.rules)} " if self.rules else ""


def _found(phrases: Iterable[str], text: str) -> tuple[str, ...]:
    lowered = text.lower()
    return tuple(p for p in phrases if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", lowered))


def _sender_listed(email: str, senders: Iterable[str]) -> bool:
    """Whether the address, or its domain, is listed: SPAMMER@Example.org is spammer@example.org."""
    email = email.strip().casefold()
    domain = email.rpartition("@")[2]
    return any(s.casefold() in (email, f"@{domain}", domain) for s in senders)


@dataclass
class _Findings:
    rules: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)

    def add(self, rule: str, reason: str, words: Iterable[str] = ()):
        self.rules.append(rule)
        self.reasons.append(reason)
        self.words.extend(w for w in words if w not in self.words)

    def decide(self, status: str) -> Decision:
        return Decision(status, tuple(self.rules), tuple(self.reasons), tuple(self.words))


def assess(submission: Submission, *, policy: Policy, min_seconds: int = 2) -> Decision:
    """Decide what happens to a new reply, and record every rule that fired.

    Refused (not stored; the reader keeps the form): the same text twice, too many too fast.
    Spam: the hidden field filled in, a blocked sender, a blocked word.
    Pending: a held sender, many links, a watched word, a replier with no approved reply yet
    (when that option is on: a reply that was held, rejected or marked spam makes no one known),
    a form filled faster than a person can, or pre-moderation.
    Approved: none of those, and either pre-moderation is off or the reader is known and
    the editors approve known readers at once.
    """
    text = f"{submission.name}\n{submission.website}\n{submission.body}"
    found = _Findings()

    if submission.rate_limited:
        found.add(Rule.RATE_LIMIT, "Too many replies from this reader in a short time.")
        return Decision(None, tuple(found.rules), tuple(found.reasons), refusal=RATE_LIMITED)
    if submission.duplicate:
        found.add(Rule.DUPLICATE, "The same text was already posted on this article.")
        return Decision(None, tuple(found.rules), tuple(found.reasons), refusal=DUPLICATE)

    if submission.honeypot.strip():
        found.add(Rule.HONEYPOT, "The hidden field that only bots fill in was filled in.")
    if _sender_listed(submission.email, policy.blocked_senders):
        found.add(Rule.BLOCKED_SENDER, f"{submission.email} is on the block list.")
    if blocked := _found(policy.blocked_words, text):
        found.add(Rule.BLOCKED_WORD, f"Blocked words: {', '.join(blocked)}.", blocked)
    if found.rules:
        return found.decide(Reply.Status.SPAM)

    if _sender_listed(submission.email, policy.held_senders):
        found.add(Rule.HELD_SENDER, f"{submission.email} is on the hold list.")
    links = len(_LINK.findall(submission.body))
    if policy.max_links and links >= policy.max_links:
        found.add(Rule.LINKS, f"{links} links (replies with {policy.max_links} or more wait).")
    if watched := _found(policy.watched_words, text):
        found.add(Rule.WATCHED_WORD, f"Watched words: {', '.join(watched)}.", watched)
    if policy.hold_first_replies and not submission.approved_before:
        found.add(Rule.FIRST_REPLY, "No reply from this e-mail address has been approved yet.")
    if submission.seconds_to_fill is not None and submission.seconds_to_fill < min_seconds:
        found.add(
            Rule.TOO_FAST, f"The form was sent {submission.seconds_to_fill:.1f} s after it loaded."
        )
    if found.rules:
        return found.decide(Reply.Status.PENDING)

    if policy.approve_known_repliers and submission.approved_before:
        found.add(Rule.KNOWN_REPLIER, "This reader has approved replies already.")
        return found.decide(Reply.Status.APPROVED)
    if policy.moderate_all:
        found.add(Rule.PREMODERATION, "Every reply is checked before it appears.")
        return found.decide(Reply.Status.PENDING)
    return found.decide(Reply.Status.APPROVED)


def replies_open(article, *, close_after_days: int, now: datetime | None = None) -> bool:
    """Whether readers may still reply: the article allows it and it is not too old."""
    if not article.allow_replies:
        return False
    if close_after_days and article.publish_at:
        return (now or timezone.now()) < article.publish_at + timedelta(days=close_after_days)
    return True


_LOGGED = {
    Reply.Status.APPROVED: log.Action.APPROVE,
    Reply.Status.REJECTED: log.Action.REJECT,
    Reply.Status.SPAM: log.Action.SPAM,
}


def _moderate(replies: QuerySet, status: str, *, by, now: datetime | None) -> int:
    # A fixed number of queries whatever the number of replies: select, update, log. The rows
    # are locked first, so of two moderators acting on the same replies at once the second
    # sees the first one's result: nothing is changed or logged twice.
    rows = list(
        Reply.objects.select_for_update()
        .filter(pk__in=replies.values("pk"))
        .exclude(status=status)
        .values_list("pk", "article_id", "status")
    )
    changing = [pk for pk, _, _ in rows]
    count = Reply.objects.filter(pk__in=changing).update(
        status=status, moderated_by=by, moderated_at=now or timezone.now()
    )
    if count:
        shown = Reply.Status.APPROVED
        articles = {a for _, a, was in rows if shown in (was, status)}
        counts.recount(articles)
        log_replies(_LOGGED[status], changing, by=by)
        if articles:
            event = events.reply_approved if status == shown else events.reply_rejected
            event.send(sender=Reply, article_ids=articles)
        if status == shown:
            tasks.tell_answered(changing)
    return count


def log_replies(action: str, ids: list[int], *, by) -> None:
    """One desk-log entry for an action on many replies, naming them all."""
    log.record(
        action,
        by=by,
        subject=f"{len(ids)} repl{'y' if len(ids) == 1 else 'ies'}",
        detail="Reply ids: " + ", ".join(map(str, ids)),
    )


@transaction.atomic
def approve(replies: QuerySet, *, by, now: datetime | None = None) -> int:
    """Show the replies to readers; returns how many changed."""
    return _moderate(replies, Reply.Status.APPROVED, by=by, now=now)


@transaction.atomic
def reject(replies: QuerySet, *, by, now: datetime | None = None) -> int:
    """Hide the replies from readers, kept for the record."""
    return _moderate(replies, Reply.Status.REJECTED, by=by, now=now)


@transaction.atomic
def mark_spam(replies: QuerySet, *, by, now: datetime | None = None) -> int:
    """File the replies as spam, hidden from readers."""
    return _moderate(replies, Reply.Status.SPAM, by=by, now=now)


def answer_parent(reply: Reply) -> Reply:
    """Where an answer to `reply` goes: under it, or beside it at the deepest level, as a
    reader's answer would (comments/views.py)."""
    if reply.depth >= settings.REPLY_MAX_DEPTH - 1:
        return reply.parent
    return reply


@transaction.atomic
def answer(reply: Reply, body: str, *, by, now: datetime | None = None) -> Reply:
    """Staff answer a reader: a reply signed with the site's name and marked as the newsroom's
    (`from_newsroom`, read with the reply, so the page is the same for every reader), approved
    at once, which tells the replier if they asked; logged. `reply` must be approved."""
    now = now or timezone.now()
    written = Reply.objects.create(
        article_id=reply.article_id,
        parent=answer_parent(reply),
        name=settings.SITE_NAME,
        email="",  # the newsroom's, not a replier's: never erased, never "known"
        body=body,
        status=Reply.Status.APPROVED,
        from_newsroom=True,
        created_at=now,
        moderated_by=by,
        moderated_at=now,
    )
    counts.recount([reply.article_id])
    events.reply_approved.send(sender=Reply, article_ids={reply.article_id})
    tasks.tell_answered([written.pk])
    log.record(
        log.Action.APPROVE,
        by=by,
        subject=f"The newsroom's answer to reply {reply.pk}",
        detail=f"Reply ids: {written.pk} (answering reply {reply.pk})",
    )
    return written


@transaction.atomic
def report(reply: Reply, *, threshold: int) -> Reply:
    """Count a reader's report; past the threshold an approved reply goes back to the queue."""
    Reply.objects.filter(pk=reply.pk).update(report_count=F("report_count") + 1)
    reply.refresh_from_db(fields=["report_count", "status", "rules", "moderation_reason"])
    if reply.status == Reply.Status.APPROVED and reply.report_count >= threshold:
        reply.status = Reply.Status.PENDING
        if Rule.REPORTED not in reply.rule_codes:
            reply.rules = f" {' '.join([*reply.rule_codes, Rule.REPORTED])} "
        reply.moderation_reason = (
            f"{reply.moderation_reason}\nReported by {reply.report_count} readers.".strip()
        )
        reply.save(update_fields=["status", "rules", "moderation_reason"])
        counts.recount([reply.article_id])
        events.reply_hidden_by_reports.send(sender=Reply, article_ids={reply.article_id})
    return reply
