"""Revisions: every save through the admin keeps the words; any two can be compared, and an
old one restored as a new revision, so nothing an editor wrote is ever lost."""

import difflib
import re
from html import unescape

from django.db import transaction
from django.utils.html import strip_tags

from articles import audit
from articles.models import Article, Revision

TRACKED = ("headline", "dek", "body")
LABELS = {"headline": "Headline", "dek": "Standfirst", "body": "Body"}


def record(article: Article, *, by, note: str = "") -> Revision | None:
    """Keep the article's words as they are now, unless the last revision has them already."""
    last = article.revisions.first()
    if last and all(getattr(last, f) == getattr(article, f) for f in TRACKED):
        return None
    return Revision.objects.create(
        article=article, created_by=by, note=note, **{f: getattr(article, f) for f in TRACKED}
    )


def as_text(html: str) -> list[str]:
    """Body HTML as readable lines of text: one per paragraph, heading or list item."""
    blocks = re.split(r"</(?:p|h[1-6]|li|blockquote)>|<br\s*/?>", html or "")
    return [line for b in blocks if (line := " ".join(unescape(strip_tags(b)).split()))]


def chosen_pair(history: list[Revision], a, b) -> tuple[Revision | None, Revision | None]:
    """The two revisions to compare, older first: those chosen (by id, from the page's
    address), else the latest two; (None, None) with fewer than two."""
    if len(history) < 2:
        return None, None
    chosen = {r.pk: r for r in history}
    try:
        newer = chosen[int(b if b is not None else history[0].pk)]
        older = chosen[int(a if a is not None else history[1].pk)]
    except (KeyError, ValueError):
        newer, older = history[0], history[1]
    if older.created_at > newer.created_at:
        older, newer = newer, older
    return older, newer


def diff(older: Revision, newer: Revision) -> list[dict]:
    """Per field, the lines removed and added between two revisions, for the admin to show."""
    changes = []
    for name in TRACKED:
        before, after = getattr(older, name), getattr(newer, name)
        if before == after:
            continue
        lines = (as_text(before), as_text(after)) if name == "body" else ([before], [after])
        rows = [
            {"op": {"-": "removed", "+": "added", " ": "same"}[line[0]], "text": line[2:]}
            for line in difflib.ndiff(*lines)
            if line[0] in "-+ "
        ]
        changes.append({"field": LABELS[name], "rows": rows})
    return changes


@transaction.atomic
def restore(revision: Revision, *, by) -> Revision:
    """Put an old revision's words back on the article; this is itself a new revision."""
    article = revision.article
    for name in TRACKED:
        setattr(article, name, getattr(revision, name))
    article.updated_by = by
    article.save()
    new = Revision.objects.create(
        article=article,
        created_by=by,
        note=f"Restored the revision of {revision.created_at:%Y-%m-%d %H:%M}",
        **{f: getattr(article, f) for f in TRACKED},
    )
    audit.record_article(audit.Action.REVISION_RESTORED, article, by=by, detail=new.note)
    return new
