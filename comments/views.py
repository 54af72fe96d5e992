from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from articles.models import Article
from articles.page import article_page, page_articles
from comments import moderation, notifications, posting
from comments.display import approved_parent
from comments.forms import ReplyForm
from comments.models import Reply
from newsroom.security import ratelimit
from newsroom.security.client import client_hash
from newsroom.security.crossorigin import protect

CLOSED = "Replies to this article are closed."
PARENT_GONE = (
    "The reply you were answering is no longer shown. Send again to post yours as a new reply."
)
# Where a reader lands after posting or reporting: the article, at a notice the page shows only
# when the address names it (CSS `:target`), so no cookie is needed and the page stays the one
# every reader gets. A published reply is shown at its own place.
AWAITING = "reply-awaiting"
REPORTED = "reply-reported"
EXPIRED = (
    "Your reply was not sent: the form had expired (the page was open a long time, or your "
    "browser refused this site’s cookie). Your text is below; send it again."
)


def expired_reply(request, article_pk):
    """A signed-in person's reply came without a valid token: show it back as typed, with a
    fresh one."""
    return _not_sent(request, get_object_or_404(page_articles(), pk=article_pk), EXPIRED)


def _not_sent(request, article, message):
    """A reply refused before it is read (403): the form back as typed, with the reason."""
    form = ReplyForm(request.POST)
    form.is_valid()
    form.add_error(None, message)
    return article_page(request, article, reply_form=form, status=403)


@protect(token_failure=expired_reply)
@require_POST
def post_reply(request, article_pk):
    article = get_object_or_404(page_articles(), pk=article_pk)
    if not moderation.replies_open(article, close_after_days=settings.REPLY_CLOSE_AFTER_DAYS):
        return _not_sent(request, article, CLOSED)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return article_page(request, article, reply_form=form, status=400)

    parent = None
    if form.cleaned_data.get("parent"):
        parent = approved_parent(article, form.cleaned_data["parent"])
        if parent is None:
            form.data = form.data.copy()
            form.data["parent"] = ""
            form.add_error(None, PARENT_GONE)
            return article_page(request, article, reply_form=form, status=400)
        if parent.depth >= settings.REPLY_MAX_DEPTH - 1:
            parent = parent.parent  # the deepest level answers beside, not below

    decision, reply = posting.submit(form, article=article, parent=parent, request=request)
    if decision.refused:
        form.add_error(None, decision.refusal)
        status = 429 if moderation.Rule.RATE_LIMIT in decision.rules else 400
        return article_page(request, article, reply_form=form, status=status)

    if reply.status == Reply.Status.APPROVED:
        return redirect(f"{article.get_absolute_url()}#reply-{reply.pk}")
    return redirect(f"{article.get_absolute_url()}#{AWAITING}")


@protect
@require_POST
def report_reply(request, pk):
    reply = get_object_or_404(
        Reply.objects.approved().select_related("article__primary_topic"),
        pk=pk,
        article__in=Article.objects.published(),
    )
    client = client_hash(request)
    # Kept with the rate limits, where filling the page cache cannot erase it.
    first_report = ratelimit.count(f"reported:{client}:{reply.pk}", seconds=24 * 3600) == 1
    limit, seconds = settings.REPLY_RATE_LIMIT
    if first_report and not ratelimit.hit(f"report:{client}", limit=limit, seconds=seconds):
        moderation.report(reply, threshold=settings.REPLY_REPORT_THRESHOLD)
    return redirect(f"{reply.article.get_absolute_url()}#{REPORTED}")


# Mail clients send the one-click unsubscribe (RFC 8058) themselves: a POST from no page of
# ours, without a cookie or a token, often cross-origin. The signed link is its only proof, and
# all it can do is stop e-mail, so this one view takes no CSRF token and no origin check.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def leave_notifications(request, token):
    """GET: one button to stop reply notifications. POST (the button, or a mail client's
    `List-Unsubscribe=One-Click`): every reply notification to the address stops. Asking
    again says the same."""
    answered = notifications.replier_for(token)
    if answered is None:
        return render(request, "comments/leave.html", {"state": "unknown"}, status=404)
    if request.method == "POST":
        notifications.leave(answered)
        return render(request, "comments/leave.html", {"state": "left"})
    return render(request, "comments/leave.html", {"state": "ask", "token": token})
