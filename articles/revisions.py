"""Revisions: every real save keeps everything a reader sees of the article (autosaves never
do); any two can be compared word by word, and an old one restored, so nothing an editor wrote
is ever lost. On a published article a restored revision becomes the draft of changes: it goes
live only when an editor publishes it."""

import difflib
import re
from html import unescape

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags

from articles import changes
from articles.models import Article, Author, Revision, Topic
from audit import log
from pictures.models import Image

LABELS = {
    "headline": "Headline",
    "slug": "Slug",
    "standfirst": "Standfirst",
    "body": "Body",
    "primary_topic": "Section",
    "topics": "Further topics",
    "hero_image": "Lead picture",
    "authors": "Bylines",
    "related": "Related stories",
    "search_title": "Search title",
    "search_description": "Search description",
    "social_image": "Social picture",
    "publish_at": "Publication time",
    "live_from": "Live coverage since",
    "live_until": "Live coverage ended",
    "allow_replies": "Allow replies",
}
TEXTS = ("headline", "slug", "standfirst", "body", "search_title", "search_description")


def _same(last: Revision, content: changes.Content) -> bool:
    """Whether `last` holds `content` (an older revision lacks the fields it did not keep)."""
    kept = changes.of_revision(last)
    return all(name in kept and kept[name] == value for name, value in content.items())


def record(article: Article, *, by, note: str = "") -> Revision | None:
    """Keep the article as it is stored now, unless the last revision has it already."""
    content = changes.of_article(article)
    last = article.revisions.first()
    if last and _same(last, content):
        return None
    return Revision.objects.create(
        article=article, created_by=by, note=note, **changes.as_revision_fields(content)
    )


def as_text(html: str) -> list[str]:
    """Body HTML as readable lines of text: one per paragraph, heading or list item."""
    blocks = re.split(r"</(?:p|h[1-6]|li|blockquote|figcaption)>|<br\s*/?>", html or "")
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


def words(before: str, after: str) -> list[dict]:
    """One paragraph's change, word by word: runs of words kept, removed and added."""
    a, b = before.split(), after.split()
    runs = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append({"op": "same", "text": " ".join(a[i1:i2])})
            continue
        if i2 > i1:
            runs.append({"op": "removed", "text": " ".join(a[i1:i2])})
        if j2 > j1:
            runs.append({"op": "added", "text": " ".join(b[j1:j2])})
    return runs


def paragraphs(before: list[str], after: list[str]) -> list[dict]:
    """Paragraphs kept, removed, added or changed; a changed one shows its words' changes."""
    rows = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows += [{"op": "same", "runs": [{"op": "same", "text": t}]} for t in before[i1:i2]]
            continue
        old, new = before[i1:i2], after[j1:j2]
        # Paragraphs edited in place pair up; what is left over was removed or added whole.
        for pair in range(min(len(old), len(new))):
            rows.append({"op": "changed", "runs": words(old[pair], new[pair])})
        rows += [{"op": "removed", "runs": [{"op": "removed", "text": t}]} for t in old[len(new) :]]
        rows += [{"op": "added", "runs": [{"op": "added", "text": t}]} for t in new[len(old) :]]
    return rows


def _names(content_pairs: list[changes.Content]) -> dict:
    """The names behind the ids two revisions hold, read once per kind."""
    ids = {"topic": set(), "image": set(), "author": set(), "article": set()}
    for content in content_pairs:
        ids["topic"] |= {content.get("primary_topic"), *(content.get("topics") or [])}
        ids["image"] |= {content.get("hero_image"), content.get("social_image")}
        ids["author"] |= set(content.get("authors") or [])
        ids["article"] |= set(content.get("related") or [])
    return {
        "topic": {t.pk: t.name for t in Topic.objects.filter(pk__in=ids["topic"] - {None})},
        "image": {i.pk: str(i) for i in Image.objects.filter(pk__in=ids["image"] - {None})},
        "author": {a.pk: a.name for a in Author.objects.filter(pk__in=ids["author"] - {None})},
        "article": dict(Article.objects.filter(pk__in=ids["article"]).values_list("pk", "headline"))
        if ids["article"]
        else {},
    }


def _shown(name: str, value, names: dict) -> str:
    if name in changes.FOREIGN_KEYS:
        kind = "topic" if name == "primary_topic" else "image"
        return names[kind].get(value, "(deleted)") if value else "none"
    if name in ("topics", "authors", "related"):
        kind = {"topics": "topic", "authors": "author", "related": "article"}[name]
        return ", ".join(names[kind].get(pk, "(deleted)") for pk in value or []) or "none"
    if name in changes.TIMES:
        moment = parse_datetime(value) if value else None
        return f"{timezone.localtime(moment):%d %b %Y, %H:%M}" if moment else "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def diff(older: Revision, newer: Revision) -> list[dict]:
    """Per field that changed: texts as paragraphs with their words' changes, the rest as
    "before → after". A field one of the two did not record (older revisions kept only the
    words) is left out."""
    before, after = changes.of_revision(older), changes.of_revision(newer)
    names = _names([before, after])
    result = []
    for name, label in LABELS.items():
        if name not in before or name not in after or before[name] == after[name]:
            continue
        if name in TEXTS:
            old, new = before[name] or "", after[name] or ""
            lines = (as_text(old), as_text(new)) if name == "body" else ([old], [new])
            result.append({"field": label, "rows": paragraphs(*lines)})
        else:
            result.append(
                {
                    "field": label,
                    "before": _shown(name, before[name], names),
                    "after": _shown(name, after[name], names),
                }
            )
    return result


@transaction.atomic
def restore(revision: Revision, *, by) -> Revision:
    """Bring an old revision back. On a published article it becomes the draft of changes,
    live only once published; otherwise the article takes it at once. Either way it is itself
    a new revision, and logged."""
    article = revision.article
    content = {**changes.of_article(article), **changes.of_revision(revision)}
    note = f"Restored the revision of {timezone.localtime(revision.created_at):%Y-%m-%d %H:%M}"
    if article.status == Article.Status.PUBLISHED:
        new = changes.stage(article, content, by=by, note=note)
    else:
        changes.write(article, content, by=by)
        new = Revision.objects.create(
            article=article, created_by=by, note=note, **changes.as_revision_fields(content)
        )
    log.record_article(log.Action.REVISION_RESTORED, article, by=by, detail=new.note)
    return new
