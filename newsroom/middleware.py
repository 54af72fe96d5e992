import logging
import time

logger = logging.getLogger("newsroom.requests")


class RequestLogMiddleware:
    """One line per request: method, path, status, time taken, and whether the cache served it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        logger.info(
            "method=%s path=%s status=%s ms=%.1f cache=%s",
            request.method,
            request.path,
            response.status_code,
            (time.perf_counter() - start) * 1000,
            getattr(request, "page_cache", "-"),
        )
        return response
