import logging
import time

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings

logger = logging.getLogger("newsroom.requests")


def log_request(method: str, path: str, status: int, start: float, cache: str) -> None:
    logger.info(
        "method=%s path=%s status=%s ms=%.1f cache=%s",
        method,
        path,
        status,
        (time.perf_counter() - start) * 1000,
        cache,
    )


class RequestLogMiddleware:
    """One line per request: method, path, status, time taken, and whether the cache served it.
    (Pages served by `newsroom.cache.PageCacheFront` never reach Django; it logs them alike.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        log_request(
            request.method,
            request.path,
            response.status_code,
            start,
            getattr(request, "page_cache", "-"),
        )
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (CONTENT_SECURITY_POLICY), with one relaxation for the admin: its body
    editor injects a <style> element of its own, so inline styles (never scripts) run there."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(f"/{settings.ADMIN_URL}"):
            parts.update = (parts.update or {}) | {"style-src": [UNSAFE_INLINE]}
        return parts


class AllowedMethodsMiddleware:
    """Readers' pages are read with GET (or HEAD); forms are sent to /replies/ only, with POST;
    the admin handles its own. Anything else gets a 405 page naming what the address takes."""

    READ = ("GET", "HEAD")
    POST = ("POST",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if not path.startswith(f"/{settings.ADMIN_URL}"):
            allowed = self.POST if path.startswith("/replies/") else self.READ
            if request.method not in allowed:
                from newsroom.views import method_not_allowed

                return method_not_allowed(request, allowed)
        return self.get_response(request)
