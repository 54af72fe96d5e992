"""Readers' pages for newsletters: signing up, confirming, choosing lists, leaving.

The sign-up form is on public pages, so it carries no token: it is protected from cross-site
posting as the reply form is (newsroom/security/crossorigin.py). The pages a subscriber's links
open need no account: the signed token in the address is the proof (newsletters/links.py).
They are the subscriber's alone, so never cached nor indexed, and their address (which holds
the token) is never sent on as a referrer. A GET changes nothing (mail scanners follow links):
confirming and leaving take a press of a button, except the one-click unsubscribe of RFC 8058,
which mail clients send as a POST of their own, from no page of ours.
"""

from django.conf import settings
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt

from newsletters import links, offered, subscribing
from newsletters.forms import ListsForm, SignupForm
from newsletters.models import Newsletter, Subscriber
from newsroom.security import ratelimit
from newsroom.security.client import client_hash
from newsroom.security.crossorigin import protect

TOO_MANY = (
    "Too many sign-ups from your connection in a short time. Please try again in an hour; "
    "what you typed is kept."
)
SAVED = "Your choice is saved."
CONFIRMED = "Thank you: your address is confirmed. Here are your newsletters."
LEFT = "You will receive no more newsletters from us."


def _private(response):
    """A subscriber's own page: kept by no cache, shown by no search engine, its address (a
    token) never sent to another page as the referrer."""
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _signup_page(request, form=None, *, status=200, error=""):
    lists = offered.offered()
    email, ticked = form.typed() if form is not None else ("", {n.pk for n in lists[:1]})
    context = {
        "lists": lists,
        "ticked": ticked,
        "email": email,
        "form": form,
        "error": error,
    }
    return _private(render(request, "newsletters/signup.html", context, status=status))


@protect
def subscribe(request):
    """GET: the sign-up form on a page of its own. POST: the form sent from any page."""
    if request.method != "POST":
        return _signup_page(request)
    form = SignupForm(request.POST, lists=offered.offered())
    if not form.is_valid():  # a typo costs nothing against the limit below
        return _signup_page(request, form, status=400)
    limit, seconds = subscribing.CLIENT_LIMIT
    if ratelimit.hit(f"newsletter-signup:{client_hash(request)}", limit=limit, seconds=seconds):
        return _signup_page(request, form, status=429, error=TOO_MANY)
    email = form.cleaned_data["email"]
    if not subscribing.address_limited(email):
        subscribing.sign_up(email, set(form.cleaned_data["lists"]))
    # The same page for every address: new, waiting, receiving, stopped, or asked too often.
    return _private(render(request, "newsletters/check_inbox.html"))


def _path(name: str, purpose: str, subscriber: Subscriber) -> str:
    """A subscriber's page on this site (the e-mail's links name SITE_URL)."""
    return reverse(name, args=[links.token(purpose, subscriber)])


def _link_invalid(request, *, expired=False):
    context = {"expired": expired, "lists": offered.offered(), "email": ""}
    context["config_hours"] = settings.NEWSLETTER_CONFIRM_HOURS
    context["ticked"] = {n.pk for n in context["lists"][:1]}
    return _private(render(request, "newsletters/link_invalid.html", context, status=404))


@protect
def confirm(request, token):
    """GET: what the address asked for and a Confirm button. POST: confirmed, and its lists."""
    subscriber = links.subscriber_for(links.CONFIRM, token, max_age=links.confirm_max_age())
    if subscriber is None:
        return _link_invalid(request, expired=True)
    if request.method != "POST":
        names = subscriber.newsletters.order_by("position", "name")
        context = {"lists": names, "token": token, "email": subscriber.email}
        return _private(render(request, "newsletters/confirm.html", context))
    subscribing.confirm(subscriber)
    return _preferences_page(request, subscriber, notice=CONFIRMED)


def _choosable(subscriber: Subscriber):
    """The lists offered to readers and any other the subscriber still has (to leave it)."""
    mine = Q(subscriptions__subscriber=subscriber)
    return Newsletter.objects.filter(Q(is_offered=True) | mine).distinct()


def _preferences_page(request, subscriber, *, form=None, notice="", status=200):
    lists = list(_choosable(subscriber).order_by("position", "name"))
    if form is not None:
        ticked = {int(v) for v in form.data.getlist("lists") if str(v).isdigit()}
    else:
        ticked = set(subscriber.subscriptions.values_list("newsletter_id", flat=True))
    context = {
        "action": _path("newsletters:preferences", links.PREFERENCES, subscriber),
        "subscriber": subscriber,
        "lists": lists,
        "ticked": ticked,
        "form": form,
        "notice": notice,
        "stopped_by_server": subscriber.stopped_reason
        in (Subscriber.Stopped.BOUNCED, Subscriber.Stopped.COMPLAINED),
    }
    return _private(render(request, "newsletters/preferences.html", context, status=status))


@protect
def preferences(request, token):
    """A subscriber's lists: change them, or leave them all."""
    subscriber = links.subscriber_for(links.PREFERENCES, token)
    if subscriber is None:
        return _link_invalid(request)
    if request.method != "POST":
        return _preferences_page(request, subscriber)
    if request.POST.get("leave"):
        subscribing.leave(subscriber)
        return _preferences_page(request, subscriber, notice=LEFT)
    form = ListsForm(request.POST, lists=_choosable(subscriber))
    if not form.is_valid():
        return _preferences_page(request, subscriber, form=form, status=400)
    chosen = set(form.cleaned_data["lists"])
    subscribing.choose(subscriber, chosen)
    return _preferences_page(request, subscriber, notice=SAVED if chosen else LEFT)


@csrf_exempt  # the token is the proof; mail clients post from no page (RFC 8058)
def leave(request, token):
    """GET: one button, "Unsubscribe". POST: every list left at once, from our page or from
    a mail client's one-click `List-Unsubscribe=One-Click`; the same answer every time."""
    subscriber = links.subscriber_for(links.LEAVE, token)
    if subscriber is None:
        return _link_invalid(request)
    if request.method == "POST":
        subscribing.leave(subscriber)
    context = {
        "left": request.method == "POST",
        "token": token,
        "preferences_url": _path("newsletters:preferences", links.PREFERENCES, subscriber),
    }
    return _private(render(request, "newsletters/leave.html", context))
