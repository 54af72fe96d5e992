"""Posting a reply: gather what the policy needs, ask it, store the result, tell moderators."""

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from articles.models import Article
from comments import counts, events, moderation, tasks
from comments.forms import ReplyForm
from comments.models import ModerationSettings, Reply
from newsroom.security import ratelimit
from newsroom.security.client import client_hash, user_agent

logger = logging.getLogger(__name__)


def submit(
    form: ReplyForm, *, article, parent: Reply | None, request
) -> tuple[moderation.Decision, Reply | None]:
    """Assess a valid form and store the reply unless the policy refuses it."""
    data = form.cleaned_data
    client = client_hash(request)
    limit, seconds = settings.REPLY_RATE_LIMIT
    rate_limited = ratelimit.hit(f"reply:{client}", limit=limit, seconds=seconds)
    with transaction.atomic():
        # One post to an article at a time: the same text sent twice at once (a double click,
        # a retry) is checked against the first one's row, never both stored.
        Article.objects.select_for_update().filter(pk=article.pk).values_list("pk").get()
        # Only approved replies make a reader known: one whose replies went to spam must not be
        # let through by writing their address in capitals.
        earlier = Reply.objects.filter(email__iexact=data["email"].strip())
        submission = moderation.Submission(
            name=data["name"],
            email=data["email"],
            website=data["website"],
            body=data["body"],
            honeypot=data.get("homepage", ""),
            seconds_to_fill=form.seconds_to_fill(),
            rate_limited=rate_limited,
            duplicate=Reply.objects.filter(article=article, body=data["body"]).exists(),
            approved_before=earlier.approved().exists(),
        )
        decision = moderation.assess(
            submission,
            policy=moderation.Policy.from_settings(ModerationSettings.load()),
            min_seconds=settings.REPLY_MIN_SECONDS,
        )
        if decision.refused:
            logger.info(
                "reply to article %s refused (%s) for client %s",
                article.pk,
                ", ".join(decision.rules),
                client[:8],
            )
            return decision, None
        reply = Reply.objects.create(
            article=article,
            parent=parent,
            name=data["name"],
            email=data["email"],
            website=data["website"],
            body=data["body"],
            notify_answers=data["notify_answers"],
            status=decision.status,
            rules=decision.rules_field,
            moderation_reason="\n".join(decision.reasons),
            matched_words=", ".join(decision.words),
            ip_hash=client,
            user_agent=user_agent(request),
        )
        if reply.status == Reply.Status.APPROVED:  # by the policy: readers see it at once
            counts.recount([article.pk])
            events.reply_approved.send(sender=Reply, article_ids={article.pk})
            tasks.tell_answered([reply.pk])  # its parent's replier, if they asked
        if reply.status == Reply.Status.PENDING and settings.REPLY_NOTIFY_EMAILS:
            # Sent by a worker, retried while the mail server fails; queued with the reply.
            queue = settings.SITE_URL + reverse("admin:comments_reply_changelist")
            tasks.notify_moderators.enqueue(reply.pk, queue)
    logger.info(
        "reply %s to article %s stored as %s (%s)",
        reply.pk,
        article.pk,
        reply.status,
        ", ".join(decision.rules) or "no rule",
    )
    return decision, reply
