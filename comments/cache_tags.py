"""What readers' pages show of replies, and what each change purges (see newsroom/purges.py).

One tag, `replies-<article pk>`: the approved replies under an article and their count, on the
article's page only (no listing shows reply counts). A reply stored pending, spam or rejected,
a report, a hashed address forgotten: no reader sees them, so they purge nothing.
"""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from comments.models import Reply
from newsroom import purges


def replies_tag(article_pk) -> str:
    return f"replies-{article_pk}"


def purge_replies_of(article_pks) -> None:
    """For changes made with update(), which sends no signals."""
    purges.purge(*map(replies_tag, set(article_pks)))


def _shown(pk) -> bool:
    return Reply.objects.filter(pk=pk).approved().exists()


def _reply_saving(sender, instance: Reply, raw=False, **kwargs):
    instance._shown_before_save = not raw and not instance._state.adding and _shown(instance.pk)


def _reply_saved(sender, instance: Reply, raw=False, **kwargs):
    if raw:
        return
    if _shown(instance.pk) or getattr(instance, "_shown_before_save", False):
        purges.purge(replies_tag(instance.article_id))


def _reply_deleting(sender, instance: Reply, **kwargs):
    instance._shown_before_delete = _shown(instance.pk)


def _reply_deleted(sender, instance: Reply, **kwargs):
    if getattr(instance, "_shown_before_delete", False):
        purges.purge(replies_tag(instance.article_id))


def connect() -> None:
    pre_save.connect(_reply_saving, sender=Reply, dispatch_uid="purge-Reply-saving")
    post_save.connect(_reply_saved, sender=Reply, dispatch_uid="purge-Reply-save")
    pre_delete.connect(_reply_deleting, sender=Reply, dispatch_uid="purge-Reply-deleting")
    post_delete.connect(_reply_deleted, sender=Reply, dispatch_uid="purge-Reply-delete")
