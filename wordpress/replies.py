"""The export's comments, as replies: threads, statuses and what privacy lets us keep."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from comments.models import Reply, Rule
from newsroom.security.client import address_hash
from wordpress import wxr
from wordpress.content import comment_text, plain_text
from wordpress.models import ImportedItem
from wordpress.records import BATCH, describe

Kind = ImportedItem.Kind
REPLY_STATUS = {
    "1": Reply.Status.APPROVED,
    "0": Reply.Status.PENDING,
    "spam": Reply.Status.SPAM,
    "trash": Reply.Status.REJECTED,
}
REPLY_REASON = {
    Reply.Status.PENDING: "Imported: it was awaiting moderation on the old WordPress site.",
    Reply.Status.SPAM: "Imported: it was marked as spam on the old WordPress site.",
    Reply.Status.REJECTED: "Imported: it was in the old WordPress site's trash.",
}
_is_web_address = URLValidator(schemes=["http", "https"])


class Replies:
    """Part of `wordpress.importer.Importer`."""

    def import_comments(self, items: list[wxr.Item]) -> None:
        """The batch's comments: new ones written level by level (a reply needs its parent's
        id), changed ones updated, pingbacks and trackbacks counted."""
        counts = self.report.counts["replies"]
        stored = self.stored_replies(items)
        made: dict[int, Reply] = {}  # comment id -> reply (with its pk once stored)
        levels: list[list[tuple[wxr.Comment, Reply]]] = []
        changed: list[Reply] = []
        for item in items:
            article = self.known.get((Kind.POST, item.wp_id))
            if article is None or not item.comments:
                continue
            article_pk, where = article[0], describe(item)
            for comment in _parents_first(item.comments):
                if comment.type in ("pingback", "trackback"):
                    self.report.pingbacks += 1
                    continue
                label = f"comment {comment.wp_id} on {where}"
                if comment.type not in ("", "comment"):
                    self.report.skip("replies", label, f"a “{comment.type}”, not a comment")
                    continue
                fields = self.reply_fields(comment, label)
                if fields is None:
                    continue
                state, pk = self.seen(
                    Kind.COMMENT, comment.wp_id, comment.digest, stored.__contains__
                )
                if state != "new":
                    made[comment.wp_id] = stored[pk]
                    if state == "updated":
                        changed.append(Reply(pk=pk, **fields))
                        self.remember(Kind.COMMENT, comment.wp_id, pk, comment.digest)
                        self.replied.add(article_pk)
                    counts.updated += state == "updated"
                    counts.unchanged += state == "unchanged"
                    continue
                reply = Reply(article_id=article_pk, **fields)
                parent = made.get(comment.parent_id)
                if comment.parent_id and parent is None:
                    self.report.note(label, "its parent was not imported: shown as a new thread")
                reply.parent_ref = parent = _answerable(parent)
                reply.depth = parent.depth + 1 if parent else 0
                made[comment.wp_id] = reply
                while len(levels) <= reply.depth:
                    levels.append([])
                levels[reply.depth].append((comment, reply))
                counts.imported += 1
                self.replied.add(article_pk)
        for level in levels:
            for _, reply in level:
                parent = reply.parent_ref
                if parent is not None:
                    reply.parent_id = parent.pk
                    reply.thread_id = parent.thread_id or parent.pk
            Reply.objects.bulk_create([reply for _, reply in level], batch_size=BATCH)
            for comment, reply in level:
                self.remember(Kind.COMMENT, comment.wp_id, reply.pk, comment.digest)
        Reply.objects.bulk_update(
            changed,
            [
                "name",
                "email",
                "website",
                "body",
                "status",
                "created_at",
                "moderation_reason",
                "rules",
                "ip_hash",
            ],
            batch_size=BATCH,
        )

    def stored_replies(self, items) -> dict[int, Reply]:
        """The replies earlier imports made of these posts' comments, by pk."""
        pks = [
            self.known[(Kind.COMMENT, c.wp_id)][0]
            for item in items
            for c in item.comments
            if (Kind.COMMENT, c.wp_id) in self.known
        ]
        found = {}
        for start in range(0, len(pks), BATCH):
            chunk = Reply.objects.filter(pk__in=pks[start : start + BATCH]).only(
                "pk", "depth", "thread_id", "parent_id"
            )
            found |= {reply.pk: reply for reply in chunk}
        return found

    def reply_fields(self, comment: wxr.Comment, label: str) -> dict | None:
        body = comment_text(comment.content)
        if not body:
            self.report.skip("replies", label, "no text")
            return None
        status = REPLY_STATUS.get(comment.approved, Reply.Status.REJECTED)
        name = plain_text(comment.author)[: Reply._meta.get_field("name").max_length] or "Anonymous"
        email = comment.email.strip()[:254]
        try:
            validate_email(email)
        except ValidationError:
            email = ""
        website = comment.url.strip()
        try:
            _is_web_address(website)
            if len(website) > 200:
                raise ValidationError("too long")
        except ValidationError:
            website = ""
        when = comment.date or self.now
        recent = when > self.now - timedelta(days=settings.REPLY_CLIENT_DETAILS_DAYS)
        return {
            "name": name,
            "email": email,
            "website": website,
            "body": body,
            "status": status,
            "created_at": when,
            "moderation_reason": REPLY_REASON.get(status, ""),
            "rules": f" {Rule.IMPORTED} " if status in REPLY_REASON else "",
            # Kept as a new reply's is, and only while a new reply's would be.
            "ip_hash": address_hash(comment.ip) if comment.ip and recent else "",
        }


def _parents_first(comments: list[wxr.Comment]) -> list[wxr.Comment]:
    """A post's comments, each after the one it answers, then in the order they were made."""
    by_id = {c.wp_id: c for c in comments}

    def depth(comment) -> int:
        seen, n = {comment.wp_id}, 0
        while comment.parent_id in by_id and comment.parent_id not in seen:
            comment = by_id[comment.parent_id]
            seen.add(comment.wp_id)
            n += 1
        return n

    return sorted(comments, key=lambda c: (depth(c), c.date is None, c.date or 0, c.wp_id))


def _answerable(parent: Reply | None) -> Reply | None:
    """The reply a new one may answer: `parent`, or where threads stop deepening
    (REPLY_MAX_DEPTH), its nearest ancestor that may still be answered."""
    while parent is not None and parent.depth >= settings.REPLY_MAX_DEPTH - 1:
        parent = getattr(parent, "parent_ref", None) or Reply(
            pk=parent.parent_id, depth=parent.depth - 1, thread_id=parent.thread_id
        )
    return parent
