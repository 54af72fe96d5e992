import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """For load balancers: 200 when the database and the cache both answer, else 503."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # any failure means "not healthy"; the log says which
        logger.exception("health check: the database does not answer")
        checks["database"] = "failing"
    try:
        probe = uuid.uuid4().hex
        cache.set("healthz", probe, timeout=10)
        checks["cache"] = "ok" if cache.get("healthz") == probe else "failing"
    except Exception:
        logger.exception("health check: the cache does not answer")
        checks["cache"] = "failing"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)
