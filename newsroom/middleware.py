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
