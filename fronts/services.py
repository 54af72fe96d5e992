"""The desk's changes to a front: keyword-only, atomic, logged, and told to the page cache.

Draft changes are for the desk only: logged, never purged. Publishing or scheduling stores an
arrangement (`Arrangement.live_from`), clears the draft and sends `front_changed`; cancelling
a scheduled arrangement sends it too. Every change is in the desk log.
"""

from django.db import transaction
from django.utils import timezone

from audit.log import Action, record
from fronts import arranging, events
from fronts import layout as layouts
from fronts.kinds import KINDS
from fronts.layout import Layout
from fronts.models import Arrangement, Front
from fronts.reading import default_layout, live_layout

IN_THE_PAST = "Choose a time still to come, or publish now."


def working_layout(front: Front, *, now=None) -> Layout:
    """What the editor is arranging: the draft, else the last arrangement scheduled (what the
    front is to become: the editor who scheduled goes on from there), else what readers see
    now, else the default."""
    if front.draft is not None:
        return layouts.from_json(front.draft, kinds=KINDS)
    upcoming = last_scheduled(front, now=now)
    if upcoming is not None:
        return layouts.from_json(upcoming.layout, kinds=KINDS)
    live = live_layout(front.topic, now=now)
    return live if live is not None else default_layout(front.topic)


def last_scheduled(front: Front, *, now=None) -> Arrangement | None:
    """The arrangement scheduled to go live last, if any is still to come."""
    return front.arrangements.scheduled(now).select_related("made_by").last()


@transaction.atomic
def change_draft(front: Front, layout: Layout, *, by, what: str) -> None:
    """Keep the editor's change to the draft; readers see nothing of it yet."""
    front.draft = layouts.to_json(layout)
    front.draft_changed_at = timezone.now()
    front.save(update_fields=["draft", "draft_changed_at"])
    record(Action.FRONT_DRAFT, by=by, subject=str(front), detail=what)


@transaction.atomic
def publish(front: Front, *, by, at=None, now=None) -> Arrangement:
    """Make the working arrangement live now, or at `at` (a time still to come)."""
    now = now or timezone.now()
    if at is not None and at <= now:
        raise ValueError(IN_THE_PAST)
    front = Front.objects.select_for_update().get(pk=front.pk)  # one change at a time
    layout = layouts.to_json(working_layout(front))
    if at is not None:
        # The same arrangement for the same time again (a double click): already done.
        for same in front.arrangements.filter(live_from=at):
            if same.layout == layout:
                return same
    arrangement = Arrangement.objects.create(
        front=front, layout=layout, live_from=at or now, made_by=by, made_at=now
    )
    front.draft = None
    front.draft_changed_at = None
    front.save(update_fields=["draft", "draft_changed_at"])
    if at is None:
        record(Action.FRONT_PUBLISH, by=by, subject=str(front))
    else:
        when = f"{timezone.localtime(at):%Y-%m-%d %H:%M}"
        record(Action.FRONT_SCHEDULE, by=by, subject=str(front), detail=f"live from {when}")
    events.front_changed.send(sender=Front, front=front)
    return arrangement


@transaction.atomic
def discard_draft(front: Front, *, by) -> None:
    """Drop the draft: the desk shows what was scheduled last, else what readers see."""
    front.draft = None
    front.draft_changed_at = None
    front.save(update_fields=["draft", "draft_changed_at"])
    record(Action.FRONT_DRAFT, by=by, subject=str(front), detail="draft discarded")


@transaction.atomic
def draft_from_live(front: Front, *, by, now=None) -> None:
    """Start a draft from what readers see now, not from what is scheduled: for a change that
    cannot wait for the scheduled arrangement."""
    live = live_layout(front.topic, now=now)
    layout = live if live is not None else default_layout(front.topic)
    change_draft(front, layout, by=by, what="draft started from what readers see now")


@transaction.atomic
def cancel(arrangement: Arrangement, *, by, now=None) -> None:
    """Take back a scheduled arrangement before its time."""
    if arrangement.live_from <= (now or timezone.now()):
        raise ValueError("That arrangement is already live; publish another instead.")
    front = arrangement.front
    when = f"{timezone.localtime(arrangement.live_from):%Y-%m-%d %H:%M}"
    arrangement.delete()
    record(Action.FRONT_CANCEL, by=by, subject=str(front), detail=f"was due {when}")
    events.front_changed.send(sender=Front, front=front)


@transaction.atomic
def pin_to_draft(front: Front, article_ids: list[int], *, by, why: str) -> int:
    """Pin these stories, in order, to the first unpinned slots of the front's draft (an editor
    publishes it): how many found a slot. Stories already pinned there stay where they are."""
    layout = working_layout(front)
    pinned = layouts.pinned_ids(layout)
    free = [(b, s) for b, block in enumerate(layout) for s, p in enumerate(block.pins) if not p]
    wanted = [pk for pk in dict.fromkeys(article_ids) if pk not in pinned][: len(free)]
    for pk, (block, slot) in zip(wanted, free, strict=False):
        layout = arranging.pin(layout, block=block, slot=slot, article=pk)
    if wanted:
        change_draft(front, layout, by=by, what=f"{len(wanted)} stories pinned ({why})")
    return len(wanted)
