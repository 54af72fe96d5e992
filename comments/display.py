"""What the article page shows of its replies: threads, one page of them, and the form."""

from datetime import timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import urlize
from django.utils.safestring import SafeString, mark_safe

from articles.tags import article_tag
from comments.forms import ReplyForm
from comments.models import Reply, ReplyCount
from comments.moderation import replies_open
from comments.tags import replies_tag
from newsroom.pagecache.fragments import fragment
from newsroom.pagecache.middleware import do_not_store
from newsroom.pagecache.tags import tag

# Links in readers' text carry these; nothing else in a reply is markup.
READER_LINK_REL = 'rel="nofollow ugc noopener"'


def reply_text(text: str) -> SafeString:
    """A reply as typed: escaped, line breaks kept, web addresses made into links."""
    linked = urlize(text, nofollow=True, autoescape=True)
    # urlize escapes the reader's text, so this attribute can only come from urlize itself.
    linked = linked.replace('rel="nofollow"', READER_LINK_REL)
    return mark_safe(linked.replace("\r\n", "\n").replace("\n", "<br>\n"))  # noqa: S308


def approved_parent(article, reply_id) -> Reply | None:
    """The approved reply of this article that a reader is answering, if it is one."""
    try:
        reply_id = int(reply_id)
    except (TypeError, ValueError):
        return None
    return Reply.objects.approved().filter(article=article, pk=reply_id).first()


def counts(article) -> tuple[int, int]:
    """The article's approved replies and threads, read with it (`select_related`)."""
    try:
        tally = article.reply_counts
    except ReplyCount.DoesNotExist:
        return 0, 0
    return tally.replies, tally.threads


def reply_list_context(request, article) -> dict:
    """Approved replies as threads, oldest first, paginated by top-level reply.

    One query whatever the number of replies: a page of top-level replies and every approved
    reply under them. The counts come with the article (`ReplyCount`).
    """
    tag(request, replies_tag(article.pk))
    approved = Reply.objects.approved().filter(article=article)
    paginator = Paginator(approved.filter(parent=None), settings.REPLY_PAGE_SIZE)
    replies, threads = counts(article)
    paginator.count = threads  # known already: saves the paginator's COUNT
    asked = request.GET.get("replies")
    page = paginator.get_page(asked)
    if asked and asked != str(page.number):  # a page of replies that is not there
        do_not_store(request)
    roots, shown = [], {}
    if threads:
        shown_here = approved
        if paginator.num_pages > 1:  # else every approved reply is on this page
            page_roots = page.object_list.values("pk")  # a subquery, not a query of its own
            shown_here = approved.filter(Q(pk__in=page_roots) | Q(thread__in=page_roots))
        for reply in shown_here.order_by("created_at", "pk"):
            reply.shown_children = []
            shown[reply.pk] = reply
            if reply.parent_id is None:
                roots.append(reply)
            # A reply whose parent is no longer approved is hidden with it.
            elif reply.parent_id in shown:
                shown[reply.parent_id].shown_children.append(reply)
    return {
        "article": article,
        "replies": roots,
        "reply_count": replies,
        "reply_page": page,
        # Whether each reply offers "Reply"
        "replies_open": replies_open(article, close_after_days=settings.REPLY_CLOSE_AFTER_DAYS),
        "reply_max_depth": settings.REPLY_MAX_DEPTH,
    }


def reply_form_context(request, article, *, reply_form: ReplyForm | None = None) -> dict:
    """The reply form: empty, or answering the reply `?replyto=` names, or as a reader sent it
    (`reply_form`, with its errors)."""
    tag(request, article_tag(article.pk))  # whether replies are open
    parent, form = None, reply_form
    if form is None:
        asked = request.GET.get("replyto")
        parent = approved_parent(article, asked)
        if asked and (parent is None or asked != str(parent.pk)):
            do_not_store(request)
        form = ReplyForm(parent=parent)
    elif form.is_bound:
        parent = approved_parent(article, form.data.get("parent"))
    if parent is not None:
        tag(request, replies_tag(article.pk))  # the name of the reply answered
    return {
        "article": article,
        "reply_form": form,
        "replying_to": parent,
        "replies_open": replies_open(article, close_after_days=settings.REPLY_CLOSE_AFTER_DAYS),
    }


_SECTION = '<section class="replies" id="replies" aria-labelledby="replies-title">\n'


def replies_part(request, article, *, reply_form: ReplyForm | None = None) -> dict:
    """The article page's replies part, and the count the article's header shows. Two
    fragments: the replies (purged when a reply is shown or hidden), one per page of them, and
    the form (purged when the article changes), one per reply answered; both kept until
    replies close. A page answering a reader's post is rendered each time."""
    replies, _ = counts(article)

    def replies_html():
        context = reply_list_context(request, article)
        return render_to_string("comments/_reply_list.html", context, request)

    def form_html():
        context = reply_form_context(request, article, reply_form=reply_form)
        return render_to_string("comments/_reply_form.html", context, request)

    if reply_form is not None:
        html = replies_html() + form_html()
    else:
        seconds = _seconds_open(article)
        page, replyto = request.GET.get("replies", ""), request.GET.get("replyto", "")
        html = fragment(request, "replies", f"{article.pk}:{page}", replies_html, seconds=seconds)
        html += fragment(
            request, "reply-form", f"{article.pk}:{replyto}", form_html, seconds=seconds
        )
    # The templates' output, escaped there.
    return {"html": SafeString(f"{_SECTION}{html}</section>\n"), "reply_count": replies}


def _seconds_open(article) -> float | None:
    """Until replies to the article close by the clock (its form goes), if they will."""
    days = settings.REPLY_CLOSE_AFTER_DAYS
    if not (article.allow_replies and days and article.publish_at):
        return None
    return (article.publish_at + timedelta(days=days) - timezone.now()).total_seconds()
