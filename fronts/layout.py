"""A front's arrangement as stored: an ordered list of blocks, each with its slots and pins.

An arrangement is kept as JSON on `Arrangement.layout` and `Front.draft` (copying one to
schedule or preview it is a copy of a value, not of rows); this module is the one place that
reads and writes that JSON, and it forgives what it cannot use (an unknown kind is dropped, a
slot count is brought within limits), so a stored arrangement always reads.
"""

from dataclasses import dataclass, replace

MAX_BLOCKS = 30
MAX_SLOTS = 12
MAX_TITLE = 80


@dataclass(frozen=True, slots=True)
class Block:
    """One block of a front: its kind (`fronts/kinds.py`), an optional title and section, and
    its slots, each holding the id of the story pinned there or None (filled automatically)."""

    kind: str
    pins: tuple[int | None, ...]
    title: str = ""
    topic: int | None = None

    @property
    def slots(self) -> int:
        return len(self.pins)

    def with_pins(self, pins) -> "Block":
        return replace(self, pins=tuple(pins))


Layout = tuple[Block, ...]


def _pin(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def from_json(data, *, kinds) -> Layout:
    """The blocks stored in `data` whose kind is in `kinds`, within the limits."""
    blocks = []
    for item in (data or {}).get("blocks", [])[:MAX_BLOCKS]:
        if not isinstance(item, dict) or item.get("kind") not in kinds:
            continue
        pins = item.get("pins") or [None]
        pins = [_pin(p) for p in pins[:MAX_SLOTS]] if isinstance(pins, list) else [None]
        topic = _pin(item.get("topic"))
        blocks.append(
            Block(
                kind=item["kind"],
                pins=tuple(pins),
                title=str(item.get("title") or "")[:MAX_TITLE],
                topic=topic,
            )
        )
    return tuple(blocks)


def to_json(layout: Layout) -> dict:
    return {
        "blocks": [
            {"kind": b.kind, "title": b.title, "topic": b.topic, "pins": list(b.pins)}
            for b in layout
        ]
    }


def pinned_ids(layout: Layout) -> set[int]:
    return {pin for block in layout for pin in block.pins if pin}
