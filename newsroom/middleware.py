import logging
import time

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
