"""The kinds of block a front is made of, and how each fills the slots editors leave unpinned.

One table: a new kind is one line here (and, when it fills from somewhere new, a source in
`fronts/filling.py` answering the same question: the best stories for each scope, in one
query). A block's scope is its own section, else its front's section, else the whole site.
"""

from collections.abc import Callable
from dataclasses import dataclass

from fronts import filling


@dataclass(frozen=True, slots=True)
class Kind:
    label: str
    fill: Callable  # filling.<source>(scopes, *, depth, now) -> {scope: [ids]}
    slots: int  # how many slots a new block of this kind has
    look: str  # how readers see it (`templates/readers/fronts/_block.html`)
    help: str


KINDS: dict[str, Kind] = {
    "lead": Kind("Lead", filling.newest, 1, "lead", "The first story, large, with its picture."),
    "top": Kind("Top stories", filling.newest, 4, "top", "A row of the most important stories."),
    "section": Kind(
        "Section row",
        filling.newest,
        4,
        "row",
        "A section's stories; unpinned slots take its newest.",
    ),
    "live": Kind(
        "Live now", filling.live_now, 3, "list", "Stories whose live coverage is running."
    ),
    "most_read": Kind(
        "Most read",
        filling.most_read,
        5,
        "ranked",
        "The stories most read in the last 24 hours, from our own counts (refreshed every 10 "
        "minutes); pin one to keep it in its place.",
    ),
    "list": Kind(
        "Editors' list",
        filling.nothing,
        4,
        "list",
        "Only the stories pinned to it (opinion, analysis, a series).",
    ),
}

CHOICES = [(name, kind.label) for name, kind in KINDS.items()]
