"""The lists readers may join, as the sign-up forms show them.

Each process reads them once per purge, as the header is read (`chrome.models.SiteChrome`): a
page carrying the form costs no query of its own, so the pages' pinned query counts stay as
they were. Every change the desk makes to a list purges the `newsletters` tag, which moves the
purge stamp (newsroom/pagecache/sequence.py), so the next page reads them again.
"""

from dataclasses import dataclass

from newsletters.models import Newsletter
from newsletters.tags import NEWSLETTERS
from newsroom.pagecache import sequence
from newsroom.pagecache.tags import purge, tag


@dataclass(frozen=True)
class OfferedList:
    pk: int
    name: str
    description: str
    topic_id: int | None


# (purge stamp, lists): what this process read last, good until the next purge.
_remembered: tuple[int, tuple[OfferedList, ...]] | None = None


def offered() -> tuple[OfferedList, ...]:
    """Every list offered to readers, in the desk's order."""
    global _remembered
    stamp = sequence.stamp()
    if stamp is not None and _remembered is not None and _remembered[0] == stamp:
        return _remembered[1]
    rows = Newsletter.objects.filter(is_offered=True).values_list(
        "pk", "name", "description", "topic_id"
    )
    lists = tuple(OfferedList(*row) for row in rows)
    if stamp is not None:
        _remembered = (stamp, lists)
    return lists


def for_page(request, topic=None) -> tuple[tuple[OfferedList, ...], set[int]]:
    """The lists a page's form offers and the ones it ticks, the page tagged as showing them.

    Lists of no section are offered everywhere. On a section's page or one of its stories
    (`topic`), that section's list (or its parent section's) is offered too, and ticked;
    elsewhere every list is offered and the first is ticked, so that a reader who only types
    an address joins something."""
    tag(request, NEWSLETTERS)
    lists = offered()
    if topic is None:
        return lists, {lists[0].pk} if lists else set()
    sections = {topic.pk, topic.parent_id} - {None}
    shown = tuple(n for n in lists if n.topic_id is None or n.topic_id in sections)
    ticked = {n.pk for n in shown if n.topic_id in sections}
    if not ticked and shown:
        ticked = {shown[0].pk}
    return shown, ticked


def changed() -> None:
    """A list was added, changed or removed: the pages showing the form are purged."""
    purge(NEWSLETTERS)
