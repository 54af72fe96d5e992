"""What readers' pages show of replies, and what each change purges (see newsroom/purges.py).

One tag, `replies-<article pk>`: the approved replies under an article and their count, on the
article's page only (no listing shows reply counts). A reply stored pending, spam or rejected,
a report, a hashed address forgotten: no reader sees them, so they purge nothing (and leave
the article's `ReplyCount` as it is).
"""

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from articles.models import Article
from comments.models import Reply, ReplyCount
from newsroom.pagecache.tags import purge


def replies_tag(article_pk) -> str:
    return f"replies-{article_pk}"


def replies_changed(article_pks) -> None:
    """Replies under these articles were shown or hidden: count them again and purge their
    pages. Called by the signals below and by changes made with update(), which send none.

    Counted at once (this transaction sees its own change) and again after the commit, with
    the articles locked, so that of two moderators acting at once the later count sees both."""
    pks = set(article_pks)
    if not pks:
        return
    count_replies(pks)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: count_replies(pks, lock=True))
    purge(*map(replies_tag, pks))


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


def _shown(pk) -> bool:
    return Reply.objects.filter(pk=pk).approved().exists()


def _reply_saving(sender, instance: Reply, raw=False, **kwargs):
    instance._shown_before_save = not raw and not instance._state.adding and _shown(instance.pk)


def _reply_saved(sender, instance: Reply, raw=False, **kwargs):
    if raw:
        return
    if _shown(instance.pk) or getattr(instance, "_shown_before_save", False):
        replies_changed([instance.article_id])


def _reply_deleting(sender, instance: Reply, **kwargs):
    instance._shown_before_delete = _shown(instance.pk)


def _reply_deleted(sender, instance: Reply, origin=None, **kwargs):
    # An article deleted takes its replies and their count along: its own change purges it.
    if isinstance(origin, Article) or getattr(origin, "model", None) is Article:
        return
    if getattr(instance, "_shown_before_delete", False):
        replies_changed([instance.article_id])


def connect() -> None:
    pre_save.connect(_reply_saving, sender=Reply, dispatch_uid="purge-Reply-saving")
    post_save.connect(_reply_saved, sender=Reply, dispatch_uid="purge-Reply-save")
    pre_delete.connect(_reply_deleting, sender=Reply, dispatch_uid="purge-Reply-deleting")
    post_delete.connect(_reply_deleted, sender=Reply, dispatch_uid="purge-Reply-delete")
