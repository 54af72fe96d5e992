"""How many approved replies, and threads, each article has (`ReplyCount`, read with the
article): kept by the services that show or hide replies (`comments/moderation.py`,
`comments/posting.py`, the moderators' admin), which send no page-cache code of their own."""

from django.db import connection, transaction
from django.db.models import Count, Q

from articles.models import Article
from comments.models import Reply, ReplyCount


def recount(article_pks) -> None:
    """Replies under these articles were shown or hidden: count them again.

    Counted at once (this transaction sees its own change) and again after the commit, with
    the articles locked, so that of two moderators acting at once the later count sees both."""
    pks = set(article_pks)
    if not pks:
        return
    count_replies(pks)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: count_replies(pks, lock=True))


def count_replies(article_pks, *, lock: bool = False) -> None:
    """Store how many approved replies, and threads, each of these articles has."""
    with transaction.atomic(savepoint=False):
        if lock:
            list(Article.objects.select_for_update().filter(pk__in=article_pks).values_list("pk"))
        counted = {
            row["article"]: row
            for row in Reply.objects.approved()
            .filter(article__in=article_pks)
            .order_by()
            .values("article")
            .annotate(replies=Count("pk"), threads=Count("pk", filter=Q(parent=None)))
        }
        rows = [
            ReplyCount(
                article_id=pk,
                replies=counted.get(pk, {}).get("replies", 0),
                threads=counted.get(pk, {}).get("threads", 0),
            )
            for pk in article_pks
        ]
        ReplyCount.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["article"],
            update_fields=["replies", "threads"],
        )
