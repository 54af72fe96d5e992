import time

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings

from newsroom import logs
from newsroom.apps import declared_paths
from newsroom.http.views import method_not_allowed, too_large
from newsroom.logs.background import log_request_line
from newsroom.rendering import inline


def log_request(
    method: str, path: str, status: int, start: float, cache: str, *, request_id="", user=None
) -> None:
    """The request's line: readable as text, and each part a field of its own in JSON. Queued
    here, formatted and written by the log writer thread (`newsroom.logs.background`)."""
    ms = round((time.perf_counter() - start) * 1000, 1)
    log_request_line(method, path, status, ms, cache, request_id, user)


class RequestLogMiddleware:
    """One line per request: method, path, status, time taken, and whether the cache served it.
    (Pages served by `newsroom.pagecache.front.PageCacheFront` never reach Django; it logs them
    alike.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        request.request_id = logs.request_id(
            request.META.get("HTTP_X_REQUEST_ID"), request.META.get("REMOTE_ADDR", "")
        )
        token = logs.current_request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            logs.current_request_id.reset(token)
        response["X-Request-ID"] = request.request_id
        # Staff by their id, once the request has read who they are; readers never.
        user = getattr(request, "_cached_user", None)
        log_request(
            request.method,
            request.path,
            response.status_code,
            start,
            getattr(request, "page_cache", "-"),
            request_id=request.request_id,
            user=user.pk if user is not None and user.is_staff else None,
        )
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (CONTENT_SECURITY_POLICY), with one relaxation for the admin: its body
    editor injects a <style> element of its own, so inline styles run there (scripts only by
    their hashes: the readers' scripts written into previews).
    Elsewhere, the stylesheet and scripts written into readers' pages run by their hashes
    (`newsroom.rendering.inline`); a hash beside 'unsafe-inline' would turn that off."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(f"/{settings.ADMIN_URL}"):
            # Previews there are readers' pages, with their scripts written in: let those in by
            # their hashes too (the styles are in already).
            update = dict(parts.update or {})
            update["script-src"] = [
                *update.get("script-src", ()),
                *inline.policy_update()["script-src"],
            ]
            parts.update = update | {"style-src": [UNSAFE_INLINE]}
        elif not report_only:
            update = dict(parts.update or {})
            for directive, sources in inline.policy_update().items():
                update[directive] = [*update.get(directive, ()), *sources]
            parts.update = update
        return parts


class RequestLimitsMiddleware:
    """What each address takes, checked before anything reads the request.

    Readers' pages are read with GET (or HEAD); forms are sent with POST, only to the paths the
    apps declare as their `reader_post_paths` (newsroom/apps.py); the admin handles its own
    methods. Pages that show a reader's form and take it back (a newsletter's confirmation)
    are read and posted to, at the paths the apps declare as their `reader_form_paths`.
    Anything else gets a 405 page naming what the address takes. A body announced
    larger than the address accepts gets a 413 page naming the limit, unread: a reader's form at
    most DATA_UPLOAD_MAX_MEMORY_SIZE, the admin a picture and its form."""

    READ = ("GET", "HEAD")
    POST = ("POST",)
    FORM = ("GET", "HEAD", "POST")

    def __init__(self, get_response):
        self.get_response = get_response
        self.post_paths = declared_paths("reader_post_paths")
        self.form_paths = declared_paths("reader_form_paths")

    def __call__(self, request):
        path = request.path_info
        length = request.META.get("CONTENT_LENGTH") or "0"
        length = int(length) if length.isdigit() else 0
        if path.startswith(f"/{settings.ADMIN_URL}"):
            limit = settings.IMAGE_MAX_UPLOAD_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if length > limit:
                return too_large(request, limit=limit)
            return self.get_response(request)
        if path.startswith(self.form_paths):
            allowed = self.FORM
        else:
            allowed = self.POST if path.startswith(self.post_paths) else self.READ
        if request.method not in allowed:
            return method_not_allowed(request, allowed)
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return too_large(request)
        return self.get_response(request)
