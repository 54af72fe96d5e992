"""Corrections and updates: the only thing that moves an article's honest "Updated" time."""

from articles import audit


def noted(article, notes, *, by) -> None:
    """After editors add or change notes: move `modified_at` to the latest and log each."""
    latest = max(note.noted_at for note in notes)
    if article.modified_at is None or latest > article.modified_at:
        article.modified_at = latest
        article.save(update_fields=["modified_at"])
    for note in notes:
        audit.record_article(
            audit.Action.NOTE, article, by=by, detail=f"{note.get_kind_display()}: {note.text}"
        )
