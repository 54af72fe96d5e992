"""Which story goes in which slot of a front: the one rule, a pure function.

Given a front's blocks, the stories readers may see now and, for each block, the stories that
may fill it automatically (newest first), `resolve()` says what each slot shows:

1. **Pins win.** Every slot pinned to a story readers may see shows it, before any slot is
   filled automatically, so a pinned story is never taken by an earlier block's automatic
   slot. A pin of a story not visible (unpublished, scheduled, deleted) leaves its slot to be
   filled.
2. **No story twice on one front.** A story pinned twice shows in its first slot only (front to
   back, block by block, slot by slot); the later slot is filled automatically.
3. **Automatic slots fill in order**: block by block, slot by slot, each with the first of its
   block's candidates not yet on the front. A slot with no candidate left stays empty.
"""

from collections.abc import Container, Sequence
from dataclasses import dataclass

from fronts.layout import Block


@dataclass(frozen=True, slots=True)
class Slot:
    """What one slot shows: a story's id (None: nothing left to show), and whether an editor
    pinned it there or it filled automatically."""

    article: int | None
    pinned: bool


def resolve(
    blocks: Sequence[Block],
    *,
    visible: Container[int],
    candidates: Sequence[Sequence[int]],
) -> list[list[Slot]]:
    """Each block's slots, in order (see the module's docstring). `candidates[i]` are block
    i's automatic stories, best first; `visible` the stories readers may see now."""
    used: set[int] = set()
    slots: list[list[Slot | None]] = []
    for block in blocks:
        row: list[Slot | None] = []
        for pin in block.pins:
            if pin is not None and pin in visible and pin not in used:
                used.add(pin)
                row.append(Slot(pin, pinned=True))
            else:
                row.append(None)
        slots.append(row)
    for row, wanted in zip(slots, candidates, strict=True):
        queue = iter(wanted)
        for n, slot in enumerate(row):
            if slot is None:
                article = next((a for a in queue if a not in used), None)
                if article is not None:
                    used.add(article)
                row[n] = Slot(article, pinned=False)
    return slots  # type: ignore[return-value]
