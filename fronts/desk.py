"""A front's page at the desk: the arrangement as readers will see it, changed by plain forms
(and by drag and drop, `static/admin-extra/fronts.js`, which posts the same forms)."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone

from articles.models import Article, Topic
from fronts import arranging, held, services
from fronts import layout as layouts
from fronts.forms import ArrangeForm
from fronts.kinds import CHOICES, KINDS
from fronts.models import Front
from fronts.reading import block_name, live_layout, show
from fronts.views import render_front

SEARCH_RESULTS = 10
BAD_TIME = (
    "“{typed}” is not a date and time the desk can read: give the day and time it goes live, "
    "as 2026-12-07 06:00."
)
PASSED = "{when} has passed: choose a time still to come, or publish now."


def _change(front: Front, data: dict, *, by) -> str:
    """Apply one posted action; the message for the editor. Refused: `arranging.Refused`."""
    action, layout = data["action"], services.working_layout(front)
    article: Article | None = data.get("article")
    block, slot = data.get("block"), data.get("slot")
    names = _Names(layout)

    def need(*values):
        if any(v is None for v in values):
            raise arranging.Refused("Something was missing from the form; try again.")

    if action == "pin":
        need(article, block, slot)
        layout = arranging.pin(layout, block=block, slot=slot, article=article.pk)
        what = f"“{article.headline}” pinned to {names.place(block, slot)}"
    elif action == "unpin":
        need(block, slot)
        layout = arranging.unpin(layout, block=block, slot=slot)
        what = f"{names.place(block, slot)} fills automatically"
    elif action == "move":
        need(article, data.get("to_block"))
        to_block = data["to_block"]
        layout = arranging.move(
            layout, article=article.pk, to_block=to_block, to_slot=data.get("to_slot")
        )
        slot = next(s for s, pin in enumerate(layout[to_block].pins) if pin == article.pk)
        what = f"“{article.headline}” moved to {names.place(to_block, slot)}"
    elif action == "step":
        need(article, block, slot, data.get("by"))
        layout = arranging.step(layout, article=article.pk, block=block, slot=slot, by=data["by"])
        what = f"“{article.headline}” moved {'up' if data['by'] < 0 else 'down'}"
    elif action == "add_block":
        kind = data.get("kind") or ""
        if not kind:
            raise arranging.Refused("Choose the kind of block to add.")
        topic = data.get("topic")
        layout = arranging.add_block(
            layout,
            kind=kind,
            topic=topic.pk if topic else None,
            title=data.get("title") or "",
            slots=data.get("slots") or 0,
        )
        what = f"{block_name(layout[-1], topic)} added"
    elif action == "change_block":
        need(block, data.get("slots"))
        layout = arranging.change_block(
            layout, block=block, title=data.get("title") or "", slots=data["slots"]
        )
        what = f"{names.of(block)} changed"
        if names.of(block) != (renamed := _Names(layout).of(block)):
            what += f" (now “{renamed}”)"
    elif action == "remove_block":
        need(block)
        layout = arranging.remove_block(layout, block=block)
        what = f"{names.of(block)} removed"
    elif action == "move_block":
        need(block, data.get("by"))
        layout = arranging.move_block(layout, block=block, by=data["by"])
        what = f"{names.of(block)} moved {'up' if data['by'] < 0 else 'down'}"
    else:
        raise arranging.Refused("Unknown action.")
    if action in ("pin", "move", "step"):
        what += _unpinned(services.working_layout(front), layout, moved=article)
    services.change_draft(front, layout, by=by, what=what)
    return f"Draft changed: {what}. Readers see it once you publish."


class _Names:
    """The blocks of a layout as editors know them (`block_name`), for the desk's messages;
    the sections' names are read once, and only when a message needs one."""

    def __init__(self, layout: layouts.Layout):
        self.layout = layout
        self._topics: dict | None = None

    def of(self, block: int) -> str:
        if not 0 <= block < len(self.layout):
            raise arranging.Refused(arranging.NO_SUCH_BLOCK)
        if self._topics is None:
            self._topics = Topic.objects.in_bulk({b.topic for b in self.layout if b.topic})
        found = self.layout[block]
        return block_name(found, self._topics.get(found.topic))

    def place(self, block: int, slot: int) -> str:
        """A block's name, and the slot's number when it has more than one."""
        name = self.of(block)
        return name if self.layout[block].slots == 1 else f"{name}, slot {slot + 1}"


def _unpinned(before, after, *, moved: Article | None) -> str:
    """What the message adds when a change took the place of a pinned story that had nowhere
    to go (a story pinned over it, or moved onto it from a slot that was not pinned)."""

    def pinned(layout) -> set[int]:
        return {pin for block in layout for pin in block.pins if pin is not None}

    lost = pinned(before) - pinned(after) - {moved.pk if moved else None}
    headlines = (
        Article.objects.filter(pk__in=lost).order_by("pk").values_list("headline", flat=True)
    )
    return "".join(f"; “{headline}” is no longer pinned" for headline in headlines)


def _act(request, front: Front, data: dict) -> str:
    action = data["action"]
    if action == "publish":
        services.publish(front, by=request.user)
        return "Published: readers see this arrangement now."
    if action == "schedule":
        if data.get("at") is None:
            raise arranging.Refused("Choose the date and time it goes live.")
        try:
            services.publish(front, by=request.user, at=data["at"])
        except ValueError as error:
            raise arranging.Refused(PASSED.format(when=f"{data['at']:%d %B %Y, %H:%M}")) from error
        return f"Scheduled: readers see this arrangement from {data['at']:%d %B %Y, %H:%M}."
    if action == "discard":
        services.discard_draft(front, by=request.user)
        upcoming = services.last_scheduled(front)
        if upcoming is not None:
            when = f"{timezone.localtime(upcoming.live_from):%d %B %Y, %H:%M}"
            return f"Draft discarded: this is the arrangement readers see from {when}."
        return "Draft discarded: this is what readers see."
    if action == "from_live":
        services.draft_from_live(front, by=request.user)
        return "Draft started from what readers see now; what is scheduled stays as it was."
    if action == "cancel":
        found = front.arrangements.scheduled().filter(pk=data.get("arrangement")).first()
        if found is None:
            raise arranging.Refused("That change is no longer scheduled.")
        services.cancel(found, by=request.user)
        return "Scheduled change cancelled."
    return _change(front, data, by=request.user)


def _landing(data: dict) -> str:
    """The query that gives the keyboard back where it was: the story just moved, pinned or
    stepped keeps the focus on its own control (`?moved=<id>&went=up|down|move|pin`), so
    Enter moves it again and no one tabs through the whole front after each change; other
    changes bring the page back to the blocks, where the message is."""
    article, action = data.get("article"), data["action"]
    if article is None or action not in ("step", "move", "pin"):
        return ""
    went = ("up" if data.get("by", 0) < 0 else "down") if action == "step" else action
    return f"?moved={article.pk}&went={went}"


def arrange_view(model_admin, request, front: Front):
    """GET: the front as it will look, with its controls. POST: one change, then back here;
    refused, the page again (400) with why, and the time typed to schedule kept in its box."""
    status, schedule = 200, {}
    if request.method == "POST":
        form = ArrangeForm(request.POST)
        if form.is_valid():
            try:
                messages.success(request, _act(request, front, form.cleaned_data))
                # A fragment would stop the browser's autofocus: the moved story's control
                # takes the page there itself.
                back = _landing(form.cleaned_data) or "#front-blocks"
                return HttpResponseRedirect(request.path + back)
            except arranging.Refused as refused:
                why = str(refused)
        elif form.has_error("at"):
            why = BAD_TIME.format(typed=request.POST.get("at", "")[:40])
        else:
            why = " ".join(e for errs in form.errors.values() for e in errs)
        messages.error(request, why)
        if request.POST.get("action") == "schedule":
            schedule = {"typed": request.POST.get("at", "")[:40], "error": why}
        status = 400
        front.refresh_from_db()
    context = _context(model_admin, request, front) | {"refused": status == 400}
    context["schedule"] = _schedule_box(schedule, soon=context["soon"])
    return TemplateResponse(request, "admin/fronts/front/arrange.html", context, status=status)


def _schedule_box(refused: dict, *, soon: str) -> dict:
    """The "Or go live at" box: an hour from now, or what the editor typed when it was
    refused, in a box that shows it (a date-and-time box would show nothing of a time it
    cannot read), with why beside it."""
    typed = refused.get("typed", "").strip()
    readable = typed == "" or _readable(typed)
    return {
        "value": typed or soon,
        "type": "datetime-local" if readable else "text",
        "error": refused.get("error", ""),
    }


def _readable(typed: str) -> bool:
    try:
        ArrangeForm.base_fields["at"].clean(typed)
    except ValidationError:
        return False
    return True


def _context(model_admin, request, front: Front) -> dict:
    layout = services.working_layout(front)
    blocks = held.for_desk(layout, show(layout, front.topic))
    query = request.GET.get("q", "").strip()[:100]
    results = []
    if query:
        results = list(
            Article.objects.published()
            .filter(headline__icontains=query)
            .select_related("primary_topic")
            .order_by("-publish_at")[:SEARCH_RESULTS]
        )
    slots = [
        (f"{b}:{s}", f"{shown.name} — slot {s + 1}")
        for b, shown in enumerate(blocks)
        for s in range(shown.block.slots)
    ]
    now = timezone.now()
    scheduled = list(front.arrangements.scheduled(now).select_related("made_by"))
    # Only on the page a change came back to: a refusal re-rendered opens at its message.
    moved = request.GET.get("moved", "") if request.method == "GET" else ""
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": f"Arrange the {front}",
        "front": front,
        "blocks": blocks,
        "targets": slots,
        "query": query,
        "moved": int(moved) if moved.isdigit() else None,
        "went": request.GET.get("went", ""),
        "results": results,
        "kinds": [(name, label, KINDS[name].help) for name, label in CHOICES],
        "sections": Topic.objects.order_by("name"),
        "is_draft": front.draft is not None,
        "live": front.arrangements.live(now).first(),
        "scheduled": scheduled,
        # The arrangement below, when it is the one scheduled last rather than a draft.
        "upcoming": scheduled[-1] if scheduled and front.draft is None else None,
        "never_arranged": live_layout(front.topic) is None,
        "has_change_permission": model_admin.has_change_permission(request, front),
        "soon": (timezone.localtime(now) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:00"),
    }


def preview_view(model_admin, request, front: Front):
    """The working arrangement (or a scheduled one, `?arrangement=<pk>`) rendered as readers
    will see it: for the desk, never cached, never indexed."""
    asked = request.GET.get("arrangement", "")
    if asked:
        scheduled = front.arrangements.filter(pk=int(asked) if asked.isdigit() else 0).first()
        if scheduled is None:
            raise Http404("No such arrangement of this front.")
        layout = layouts.from_json(scheduled.layout, kinds=KINDS)
        when = timezone.localtime(scheduled.live_from)
        text = f"Preview: the arrangement readers see from {when:%d %B %Y, %H:%M}."
    else:
        layout = services.working_layout(front)
        text = "Preview: the arrangement being prepared, as readers will see it once published."
    return render_front(request, show(layout, front.topic), preview=text)
