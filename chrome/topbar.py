"""The top bar's links in the order editors give them: a new one goes at the end; one moves a
place at a time (the desk's buttons) or all take a new order at once (drag and drop). Each
change is written to the desk log and rebuilds the header once."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from audit import log
from chrome.models import TopBarLink, changed

STALE_ORDER = (
    "The top bar changed while you were arranging it (a link was added or removed). "
    "Here it is as it is now: please arrange it again."
)


@transaction.atomic
def save(link: TopBarLink, *, by) -> None:
    """Store a link as the desk edited it; a new one takes the last place."""
    added = link.pk is None
    if added:
        last = TopBarLink.objects.select_for_update().aggregate(last=Max("position"))["last"]
        link.position = (last or 0) + 1
    link.save()
    log.record(log.Action.TOP_BAR, by=by, subject=link.name, detail="added" if added else "edited")
    changed()


@transaction.atomic
def append_topics(topic_ids: list[int], *, by) -> int:
    """Add these topics' links at the end, in this order, skipping any linked already; how
    many were added. For content written in bulk (an import), whose writer rebuilds the
    header once at its end."""
    linked = set(TopBarLink.objects.filter(topic__in=topic_ids).values_list("topic", flat=True))
    last = TopBarLink.objects.select_for_update().aggregate(last=Max("position"))["last"] or 0
    new = [pk for pk in dict.fromkeys(topic_ids) if pk not in linked]
    links = [TopBarLink(topic_id=pk, position=last + n) for n, pk in enumerate(new, 1)]
    TopBarLink.objects.bulk_create(links)
    if links:
        log.record(
            log.Action.TOP_BAR, by=by, subject="Top bar", detail=f"{len(links)} sections added"
        )
    return len(links)


@transaction.atomic
def remove(links, *, by) -> int:
    """Take links out of the top bar; how many went."""
    links = list(links)
    for link in links:
        log.record(log.Action.TOP_BAR, by=by, subject=link.name, detail="removed")
    count, _ = TopBarLink.objects.filter(pk__in=[link.pk for link in links]).delete()
    if count:
        changed()
    return count


@transaction.atomic
def move(link: TopBarLink, *, by, step: int) -> int:
    """Move a link `step` places (-1: one to the left, up the desk's list); its new place,
    from 1. At either end it stays where it is, and nothing is written."""
    order = _locked_order()
    here = order.index(link.pk)
    there = min(max(here + step, 0), len(order) - 1)
    if there != here:
        order.insert(there, order.pop(here))
        _renumber(order)
        log.record(
            log.Action.TOP_BAR,
            by=by,
            subject=link.name,
            detail=f"moved to place {there + 1} of {len(order)}",
        )
        changed()
    return there + 1


@transaction.atomic
def arrange(order: list[int], *, by) -> bool:
    """Put every link in `order` (their ids, from the left); whether anything moved. Refused
    when `order` is not the top bar as it stands (`STALE_ORDER`)."""
    current = _locked_order()
    if sorted(order) != sorted(current):
        raise ValidationError(STALE_ORDER, code="stale")
    if order == current:
        return False
    _renumber(order)
    names = {link.pk: link.name for link in TopBarLink.objects.select_related(*TARGETS)}
    log.record(
        log.Action.TOP_BAR,
        by=by,
        subject="Top bar",
        detail="new order: " + ", ".join(names[pk] for pk in order),
    )
    changed()
    return True


TARGETS = ("topic", "page", "article")


def _locked_order() -> list[int]:
    return list(TopBarLink.objects.select_for_update().values_list("pk", flat=True))


def _renumber(order: list[int]) -> None:
    links = [TopBarLink(pk=pk, position=place) for place, pk in enumerate(order, 1)]
    TopBarLink.objects.bulk_update(links, ["position"])
