"""A front as readers see it: the live arrangement, resolved, with its stories, in a fixed
number of queries (the arrangement; one per fill source the blocks use; the stories with
their sections, pictures and bylines)."""

from dataclasses import dataclass

from django.utils import timezone

from articles.models import Article, Topic
from fronts import layout as layouts
from fronts.kinds import KINDS, Kind
from fronts.layout import Block, Layout
from fronts.models import Arrangement
from fronts.resolution import Slot, resolve

HOME_DEFAULT_SECTIONS = 6


@dataclass(frozen=True, slots=True)
class ShownBlock:
    """A block as a page shows it: its kind, title, section (or None) and each slot's story
    (None where nothing is left to show), with whether it was pinned."""

    block: Block
    kind: Kind
    topic: Topic | None
    slots: list[tuple[Slot, Article | None]]

    @property
    def articles(self) -> list[Article]:
        return [article for _, article in self.slots if article is not None]

    @property
    def title(self) -> str:
        return self.block.title or (self.topic.name if self.topic else "")

    @property
    def name(self) -> str:
        """The block as the desk names it to editors (`block_name`)."""
        return block_name(self.block, self.topic)


def block_name(block: Block, topic: Topic | None) -> str:
    """How editors know a block: its title, else its kind and section ("Top stories",
    "Section row: World"), never its number, which changes as blocks move."""
    if block.title:
        return block.title
    label = KINDS[block.kind].label
    return f"{label}: {topic.name}" if topic is not None else label


def live_layout(topic: Topic | None, *, now=None) -> Layout | None:
    """The arrangement readers see now on this front, or None when it has never been arranged."""
    arrangement = (
        Arrangement.objects.live(now)
        .filter(front__topic=topic)
        .values_list("layout", flat=True)
        .first()
    )
    return None if arrangement is None else layouts.from_json(arrangement, kinds=KINDS)


def default_layout(topic: Topic | None) -> Layout:
    """A front no editor has arranged: a lead and top stories (of the section, or the whole
    site), then, on the home page, the most read and a row for each of the first top-level
    sections by name."""
    blocks = [
        Block("lead", (None,)),
        Block("top", (None,) * KINDS["top"].slots),
    ]
    if topic is None:
        blocks.append(Block("most_read", (None,) * KINDS["most_read"].slots))
        sections = Topic.objects.filter(parent=None).order_by("name")[:HOME_DEFAULT_SECTIONS]
        blocks += [Block("section", (None,) * 4, topic=t.pk) for t in sections]
    else:
        blocks.append(Block("list", (None,) * KINDS["list"].slots, title="Editors' picks"))
    return tuple(blocks)


def scope(block: Block, topic: Topic | None) -> int | None:
    """Where a block's automatic slots come from: its section, else its front's, else all."""
    return block.topic or (topic.pk if topic else None)


def show(layout: Layout, topic: Topic | None, *, now=None) -> list[ShownBlock]:
    """Resolve `layout` (on the front of `topic`, None for home) into the blocks readers see."""
    now = now or timezone.now()
    depth = sum(block.slots for block in layout)
    by_source: dict = {}
    for block in layout:
        by_source.setdefault(KINDS[block.kind].fill, set()).add(scope(block, topic))
    answers = {fill: fill(scopes, depth=depth, now=now) for fill, scopes in by_source.items()}
    candidates = [answers[KINDS[b.kind].fill].get(scope(b, topic), []) for b in layout]
    pinned = layouts.pinned_ids(layout)
    visible = {pk for ids in candidates for pk in ids}
    if pinned:
        published = Article.objects.published(now).filter(pk__in=pinned)
        visible |= set(published.values_list("pk", flat=True))
    resolved = resolve(layout, visible=visible, candidates=candidates)
    shown = {slot.article for slots in resolved for slot in slots if slot.article}
    articles = Article.objects.published(now).for_listing().filter(pk__in=shown).in_bulk()
    named = {b.topic for b in layout if b.topic} - {topic.pk if topic else None}
    topics = Topic.objects.in_bulk(named) if named else {}
    if topic is not None:
        topics[topic.pk] = topic
    return [
        ShownBlock(
            block=block,
            kind=KINDS[block.kind],
            topic=topics.get(block.topic) if block.topic else None,
            slots=[(slot, articles.get(slot.article)) for slot in slots],
        )
        for block, slots in zip(layout, resolved, strict=True)
    ]


def front_for(topic: Topic | None, *, now=None) -> list[ShownBlock]:
    """What readers see on this front now: its live arrangement, else the default."""
    layout = live_layout(topic, now=now)
    return show(layout if layout is not None else default_layout(topic), topic, now=now)
