"""What an editor does to a front's arrangement, as pure functions from one layout to the next.

The desk's page (plain forms and drag and drop alike) calls these on the front's draft. Each
returns a new layout or raises `Refused` with a message for the editor; none touches the
database. Moving a story that filled a slot automatically pins it where it is put (as in the
fronts tools editors know): a story is placed by an editor's hand only by pinning.
"""

from dataclasses import replace

from fronts.kinds import KINDS
from fronts.layout import MAX_BLOCKS, MAX_SLOTS, Block, Layout


class Refused(ValueError):
    """An arrangement change that cannot be made; the message says why, for the editor."""


NO_SUCH_BLOCK = "That block is no longer on this front; the page has been refreshed."
NO_SUCH_SLOT = "That slot is no longer in its block; the page has been refreshed."
TOO_MANY_BLOCKS = f"A front has at most {MAX_BLOCKS} blocks."
SLOTS_RANGE = f"A block has from 1 to {MAX_SLOTS} slots."
NEEDS_SECTION = "A section row needs a section."
UNKNOWN_KIND = "Choose a kind of block from the list."


def _block(layout: Layout, index: int) -> Block:
    if not 0 <= index < len(layout):
        raise Refused(NO_SUCH_BLOCK)
    return layout[index]


def _slot(block: Block, slot: int) -> None:
    if not 0 <= slot < block.slots:
        raise Refused(NO_SUCH_SLOT)


def _with(layout: Layout, index: int, block: Block) -> Layout:
    return (*layout[:index], block, *layout[index + 1 :])


def unpinned_everywhere(layout: Layout, article: int) -> Layout:
    """The layout with this story pinned nowhere: a story has one place on a front."""
    return tuple(b.with_pins(None if p == article else p for p in b.pins) for b in layout)


def pin(layout: Layout, *, block: int, slot: int, article: int) -> Layout:
    """Pin a story to a slot; pinned elsewhere on the front, it moves here."""
    _slot(_block(layout, block), slot)
    layout = unpinned_everywhere(layout, article)
    pins = list(layout[block].pins)
    pins[slot] = article
    return _with(layout, block, layout[block].with_pins(pins))


def unpin(layout: Layout, *, block: int, slot: int) -> Layout:
    """Let a slot fill automatically again."""
    target = _block(layout, block)
    _slot(target, slot)
    pins = list(target.pins)
    pins[slot] = None
    return _with(layout, block, target.with_pins(pins))


def move(layout: Layout, *, article: int, to_block: int, to_slot: int | None = None) -> Layout:
    """Put a story in a slot (pinned there), from wherever it was; with no slot named, the
    block's first unpinned one. The story pinned in that slot before takes the moved story's
    old place when it had one (the two swap)."""
    target = _block(layout, to_block)
    if to_slot is None:
        free = [s for s, pin in enumerate(target.pins) if pin is None or pin == article]
        to_slot = free[0] if free else target.slots - 1
    to_slot = min(to_slot, target.slots - 1)
    _slot(target, to_slot)
    places = ((b, s) for b, block in enumerate(layout) for s, p in enumerate(block.pins))
    was = next(((b, s) for b, s in places if layout[b].pins[s] == article), None)
    displaced = target.pins[to_slot]
    layout = pin(layout, block=to_block, slot=to_slot, article=article)
    if was is not None and displaced and displaced != article:
        layout = pin(layout, block=was[0], slot=was[1], article=displaced)
    return layout


def step(layout: Layout, *, article: int, block: int, slot: int, by: int) -> Layout:
    """Move a story one slot up (`by=-1`) or down (`by=1`), into the next block past either end."""
    _slot(_block(layout, block), slot)
    to_block, to_slot = block, slot + by
    if to_slot < 0:
        if block == 0:
            raise Refused("That story is already first on the front.")
        to_block, to_slot = block - 1, layout[block - 1].slots - 1
    elif to_slot >= layout[block].slots:
        if block == len(layout) - 1:
            raise Refused("That story is already last on the front.")
        to_block, to_slot = block + 1, 0
    return move(layout, article=article, to_block=to_block, to_slot=to_slot)


def add_block(
    layout: Layout, *, kind: str, topic: int | None = None, title: str = "", slots: int = 0
) -> Layout:
    """Add a block at the end of the front."""
    if kind not in KINDS:
        raise Refused(UNKNOWN_KIND)
    if len(layout) >= MAX_BLOCKS:
        raise Refused(TOO_MANY_BLOCKS)
    if kind == "section" and topic is None:
        raise Refused(NEEDS_SECTION)
    slots = slots or KINDS[kind].slots
    if not 1 <= slots <= MAX_SLOTS:
        raise Refused(SLOTS_RANGE)
    return (*layout, Block(kind, (None,) * slots, title=title, topic=topic))


def change_block(layout: Layout, *, block: int, title: str, slots: int) -> Layout:
    """Rename a block or change its number of slots (pins past the last slot are let go)."""
    target = _block(layout, block)
    if not 1 <= slots <= MAX_SLOTS:
        raise Refused(SLOTS_RANGE)
    pins = (*target.pins[:slots], *(None,) * (slots - target.slots))
    return _with(layout, block, replace(target, title=title, pins=pins))


def remove_block(layout: Layout, *, block: int) -> Layout:
    _block(layout, block)
    return (*layout[:block], *layout[block + 1 :])


def move_block(layout: Layout, *, block: int, by: int) -> Layout:
    """Move a block up (`by=-1`) or down (`by=1`) the front."""
    moved = _block(layout, block)
    to = block + by
    if not 0 <= to < len(layout):
        raise Refused("That block cannot move further.")
    rest = [*layout[:block], *layout[block + 1 :]]
    rest.insert(to, moved)
    return tuple(rest)
