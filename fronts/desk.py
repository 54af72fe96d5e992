"""A front's page at the desk: the arrangement as readers will see it, changed by plain forms
(and by drag and drop, `static/admin-extra/fronts.js`, which posts the same forms)."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone

from articles.models import Article, Topic
from fronts import arranging, services
from fronts import layout as layouts
from fronts.forms import ArrangeForm
from fronts.kinds import CHOICES, KINDS
from fronts.models import Front
from fronts.reading import live_layout, show
from fronts.views import render_front

SEARCH_RESULTS = 10


def _change(front: Front, data: dict, *, by) -> str:
    """Apply one posted action; the message for the editor. Refused: `arranging.Refused`."""
    action, layout = data["action"], services.working_layout(front)
    article: Article | None = data.get("article")
    block, slot = data.get("block"), data.get("slot")

    def need(*values):
        if any(v is None for v in values):
            raise arranging.Refused("Something was missing from the form; try again.")

    if action == "pin":
        need(article, block, slot)
        layout = arranging.pin(layout, block=block, slot=slot, article=article.pk)
        what = f"“{article.headline}” pinned to block {block + 1}, slot {slot + 1}"
    elif action == "unpin":
        need(block, slot)
        layout = arranging.unpin(layout, block=block, slot=slot)
        what = f"block {block + 1}, slot {slot + 1} fills automatically"
    elif action == "move":
        need(article, data.get("to_block"))
        to_block = data["to_block"]
        layout = arranging.move(
            layout, article=article.pk, to_block=to_block, to_slot=data.get("to_slot")
        )
        slot = next(s for s, pin in enumerate(layout[to_block].pins) if pin == article.pk)
        what = f"“{article.headline}” moved to block {to_block + 1}, slot {slot + 1}"
    elif action == "step":
        need(article, block, slot, data.get("by"))
        layout = arranging.step(layout, article=article.pk, block=block, slot=slot, by=data["by"])
        what = f"“{article.headline}” moved {'up' if data['by'] < 0 else 'down'}"
    elif action == "add_block":
        kind = data.get("kind") or ""
        topic = data.get("topic")
        layout = arranging.add_block(
            layout,
            kind=kind,
            topic=topic.pk if topic else None,
            title=data.get("title") or "",
            slots=data.get("slots") or 0,
        )
        what = f"{KINDS[kind].label} block added"
    elif action == "change_block":
        need(block, data.get("slots"))
        layout = arranging.change_block(
            layout, block=block, title=data.get("title") or "", slots=data["slots"]
        )
        what = f"block {block + 1} changed"
    elif action == "remove_block":
        need(block)
        layout = arranging.remove_block(layout, block=block)
        what = f"block {block + 1} removed"
    elif action == "move_block":
        need(block, data.get("by"))
        layout = arranging.move_block(layout, block=block, by=data["by"])
        what = f"block {block + 1} moved {'up' if data['by'] < 0 else 'down'}"
    else:
        raise arranging.Refused("Unknown action.")
    if action in ("pin", "move", "step"):
        what += _unpinned(services.working_layout(front), layout, moved=article)
    services.change_draft(front, layout, by=by, what=what)
    return f"Draft changed: {what}. Readers see it once you publish."


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
            raise arranging.Refused(str(error)) from error
        return f"Scheduled: readers see this arrangement from {data['at']:%d %B %Y, %H:%M}."
    if action == "discard":
        services.discard_draft(front, by=request.user)
        return "Draft discarded: this is what readers see."
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
    """GET: the front as it will look, with its controls. POST: one change, then back here."""
    status = 200
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
                messages.error(request, str(refused))
        else:
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        status = 400
        front.refresh_from_db()
    context = _context(model_admin, request, front) | {"refused": status == 400}
    return TemplateResponse(request, "admin/fronts/front/arrange.html", context, status=status)


def _context(model_admin, request, front: Front) -> dict:
    layout = services.working_layout(front)
    blocks = show(layout, front.topic)
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
        (f"{b}:{s}", f"{shown.title or shown.kind.label} — slot {s + 1}")
        for b, shown in enumerate(blocks)
        for s in range(shown.block.slots)
    ]
    now = timezone.now()
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
        "scheduled": list(front.arrangements.scheduled(now).select_related("made_by")),
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
