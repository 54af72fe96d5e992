"""The mail provider's webhook: POST /newsletters/provider/events with a JSON body of events,
signed with NEWSLETTER_WEBHOOK_SECRET (HMAC-SHA256 of the body, in hexadecimal, in the
X-Newsroom-Signature header, optionally prefixed "sha256="). Each event is
`{"type": "hard_bounce" | "complaint" | …, "email": "…"}`; the body is one event or a list.
Hard bounces and complaints stop the address (`newsletters.bounces`); other types (soft
bounces, deliveries) are acknowledged and ignored.

A request with no signature or a wrong one is refused (403) and logged, and changes nothing.
With no secret set the address does not exist (404). The provider posts from its own servers
with no cookie and no token: this path alone is exempt from the cross-site checks.
"""

import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.http import Http404, HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from newsletters import bounces

logger = logging.getLogger(__name__)

HEADER = "X-Newsroom-Signature"
MAX_EVENTS = 1000


def signature(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signed(request, secret: str) -> bool:
    given = request.headers.get(HEADER, "").strip().removeprefix("sha256=")
    return bool(given) and hmac.compare_digest(given, signature(request.body, secret))


def events(body: bytes) -> list[dict] | None:
    """The body's events, or None when it is not what the webhook takes."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    data = [data] if isinstance(data, dict) else data
    if not isinstance(data, list) or len(data) > MAX_EVENTS:
        return None
    if not all(isinstance(e, dict) and isinstance(e.get("email"), str) for e in data):
        return None
    return data


@csrf_exempt
@require_POST
def provider_events(request):
    secret = settings.NEWSLETTER_WEBHOOK_SECRET
    if not secret:
        raise Http404("The mail provider's webhook is off (no NEWSLETTER_WEBHOOK_SECRET).")
    if not signed(request, secret):
        logger.warning(
            "mail provider webhook: %s signature refused",
            "a wrong" if request.headers.get(HEADER) else "no",
        )
        return HttpResponseForbidden("Bad or missing signature.")
    received = events(request.body)
    if received is None:
        return JsonResponse({"error": "Send one event or a list of events."}, status=400)
    stopped = 0
    for kind, reason in bounces.REASONS.items():
        emails = [e["email"] for e in received if e.get("type") == kind]
        if emails:
            stopped += bounces.stop(emails, reason=reason)
    logger.info("mail provider webhook: %d events, %d addresses stopped", len(received), stopped)
    return JsonResponse({"received": len(received), "stopped": stopped})
