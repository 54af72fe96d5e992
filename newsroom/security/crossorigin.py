"""Readers' forms on public pages, protected from cross-site posting without a token.

A public page is the same bytes for every reader, so its forms (a reply, a report) carry no
per-reader token. Browsers say where a request comes from instead, and a forged post from
another site is refused on that, as Go's `net/http.CrossOriginProtection` does:

1. `Sec-Fetch-Site` present: `same-origin` and `none` (typed or bookmarked) pass; anything
   else is refused, unless `Origin` is one of CSRF_TRUSTED_ORIGINS.
2. No `Sec-Fetch-Site` (older browsers): an `Origin` naming this scheme and host (an http://
   page cannot post to the https:// site) or a trusted origin passes, any other is refused.
3. Neither header: passes. No browser sends such a post, and a program that can leave them
   out could as well fetch a page and copy a token.

Anyone with a session (staff) keeps Django's token check as well: pages rendered for them
carry the token (`signed_in` in the templates), and they are never cached.
"""

import functools
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render

logger = logging.getLogger(__name__)


def refusal(request) -> str:
    """Why this unsafe request must be refused as cross-site; empty if it may go on."""
    origin = request.headers.get("Origin", "")
    trusted = origin in settings.CSRF_TRUSTED_ORIGINS
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        if site in ("same-origin", "none") or trusted:
            return ""
        return f"Sec-Fetch-Site: {site}"
    if not origin or trusted:
        return ""
    sent = urlsplit(origin)
    if (sent.scheme, sent.netloc.lower()) == (request.scheme, request.get_host().lower()):
        return ""
    return f"Origin: {origin}"


def protect(view=None, *, token_failure=None):
    """For views that take readers' forms: refuse cross-site posts with a 403 page that says
    why; ask signed-in people for Django's token too, answering a missing or expired one with
    `token_failure(request, *args, **kwargs)` (default: the site's CSRF failure page).
    Exempt from Django's token otherwise. Use as `@protect` or `@protect(token_failure=…)`."""

    def decorate(view):
        @functools.wraps(view)
        def protected(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
                if reason := refusal(request):
                    logger.info("cross-site post to %s refused (%s)", request.path, reason)
                    return render(request, "403_cross_site.html", {"reason": reason}, status=403)
                if settings.SESSION_COOKIE_NAME in request.COOKIES:
                    failure = CsrfViewMiddleware(view).process_view(request, view, args, kwargs)
                    if failure is not None:
                        if token_failure is None:
                            return failure
                        return token_failure(request, *args, **kwargs)
            return view(request, *args, **kwargs)

        protected.csrf_exempt = True
        return protected

    return decorate(view) if view is not None else decorate
