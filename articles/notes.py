"""Corrections and updates: the only thing that moves an article's honest "Updated" time."""

from articles import events
from articles.models import Article
from audit import log


def noted(article, notes, *, by) -> None:
    """After editors add or change notes (each moved `modified_at` as it was saved): log each,
    and say so (`events.note_added`)."""
    article.refresh_from_db(fields=["modified_at"])
    for note in notes:
        log.record_article(
            log.Action.NOTE, article, by=by, detail=f"{note.get_kind_display()}: {note.text}"
        )
    events.note_added.send(sender=Article, article=article, notes=notes)
