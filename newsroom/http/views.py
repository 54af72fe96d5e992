import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import connection
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat, pluralize
from django.utils import timezone
from django.views.decorators.cache import never_cache

from newsroom.pagecache import sequence
from newsroom.pagecache.models import PendingPurge

logger = logging.getLogger(__name__)

# Background work due this long ago and not started means no worker is taking it.
TASKS_LATE = timedelta(minutes=5)


@never_cache
def healthz(request):
    """For load balancers and operators: each part's state, and which are degraded.

    503 only when the site cannot serve (the database does not answer). A cache that fails
    (Redis away, a full or read-only cache folder), purges owed to shared caches, or
    background work waiting with no worker to take it leave the site serving, uncached, with
    pages there to be dropped or e-mail late: 200, `"status": "degraded"`, and the part named."""
    checks = {"database": "ok", "cache": "ok", "purges": "ok", "tasks": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        owed = PendingPurge.objects.count()
        late = _tasks_late()
    except Exception:  # any failure means "not healthy"; the log says which
        logger.exception("health check: the database does not answer")
        checks["database"] = "failing"
        owed = late = 0
    if late:
        minutes = TASKS_LATE.seconds // 60
        checks["tasks"] = f"{late} waiting over {minutes} minutes: is a worker running?"
    probe = uuid.uuid4().hex
    cache.set("healthz", probe, timeout=10)  # the cache's own backend logs why it fails
    if cache.get("healthz") != probe:
        checks["cache"] = "failing"
    if owed or sequence.owing():
        checks["purges"] = f"owed to {owed} shared cache{pluralize(owed)}" if owed else "owed"
    if checks["database"] != "ok":
        checks["status"] = "failing"
    else:
        checks["status"] = "ok" if all(v == "ok" for v in checks.values()) else "degraded"
    return JsonResponse(checks, status=503 if checks["status"] == "failing" else 200)


def _tasks_late() -> int:
    """Tasks due at least TASKS_LATE ago that no worker has started."""
    from django_tasks_db.models import DBTaskResult, get_date_max  # a model: after the apps

    since = timezone.now() - TASKS_LATE
    due_long_ago = Q(run_after__lte=since) | Q(run_after=get_date_max(), enqueued_at__lte=since)
    return DBTaskResult.objects.ready().filter(due_long_ago).count()


def bad_request(request, exception):
    """400, or 413 when a form was larger than the configured limits (a page naming them)."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
        return too_large(request)
    return render(request, "400.html", status=400)


def too_large(request, *, limit: int | None = None):
    """413, naming the limit: for a form (files aside) unless another `limit` applied."""
    context = {
        "limit": filesizeformat(limit or settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
        "fields": None if limit else settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        "files": bool(limit),
    }
    return render(request, "413.html", context, status=413)


def csrf_failure(request, reason=""):
    """A form sent without a valid token: the admin's, or a signed-in person's elsewhere."""
    return render(request, "403_csrf.html", status=403)


def method_not_allowed(request, allowed: tuple[str, ...]):
    response = render(
        request, "405.html", {"allowed": " or ".join(m for m in allowed if m != "HEAD")}, status=405
    )
    response["Allow"] = ", ".join(allowed)
    return response
