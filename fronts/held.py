"""Pins the desk shows and readers do not: a story pinned to a slot and later unpublished (or
put back to a time still to come, or deleted) stays pinned in the arrangement, and readers see
the slot filled by itself (`fronts/resolution.py`). The desk shows the pin where it is, says
readers do not see it, and offers Unpin, so no pin waits unseen for its story to come back."""

from dataclasses import dataclass, field

from django.utils import timezone

from articles.models import Article
from fronts.layout import Layout
from fronts.reading import ShownBlock
from fronts.resolution import Slot

NOT_PUBLISHED = "Not published — readers don't see it"
NOT_YET = "Not published until {when} — readers don't see it yet"
DELETED = "Deleted — readers don't see it"


@dataclass(frozen=True, slots=True)
class Held:
    """A pin readers do not see: the story (None once deleted) and why, for the editor."""

    article: Article | None
    why: str

    @property
    def headline(self) -> str:
        return self.article.headline if self.article else "A deleted story"


@dataclass(frozen=True, slots=True)
class DeskBlock(ShownBlock):
    """A block as the desk shows it: as readers see it, with the pins they do not see."""

    held: dict[int, Held] = field(default_factory=dict)

    @property
    def rows(self) -> list[tuple[Slot, Article | None, Held | None]]:
        return [(slot, article, self.held.get(n)) for n, (slot, article) in enumerate(self.slots)]


def for_desk(layout: Layout, blocks: list[ShownBlock], *, now=None) -> list[DeskBlock]:
    """`blocks` (the layout as readers see it) with each slot whose pin they do not see; one
    query, only when a pin is not shown where it was put."""
    now = now or timezone.now()
    missing = {
        (b, s): pin
        for b, (block, shown) in enumerate(zip(layout, blocks, strict=True))
        for s, (pin, (slot, _)) in enumerate(zip(block.pins, shown.slots, strict=True))
        if pin is not None and not (slot.pinned and slot.article == pin)
    }
    found = Article.objects.in_bulk(set(missing.values())) if missing else {}
    held: dict[tuple[int, int], Held] = {}
    for place, pk in missing.items():
        article = found.get(pk)
        if article is None:
            held[place] = Held(None, DELETED)
        elif not article.is_published(now):
            due = article.status == Article.Status.PUBLISHED and article.publish_at
            when = f"{timezone.localtime(article.publish_at):%d %B %Y, %H:%M}" if due else ""
            held[place] = Held(article, NOT_YET.format(when=when) if due else NOT_PUBLISHED)
    return [
        DeskBlock(
            block=shown.block,
            kind=shown.kind,
            topic=shown.topic,
            slots=shown.slots,
            held={s: h for (b, s), h in held.items() if b == n},
        )
        for n, shown in enumerate(blocks)
    ]
