"""``/health/``: what works and what is degraded, as JSON for monitoring.

200 when every check passes, 503 naming what is degraded. It says nothing secret: no
server addresses, no error messages, only which part failed and the task backlog.
``?checks=database`` limits it to the named checks (a load balancer's probe should ask
only for the database: with Redis down the site still serves, uncached).
"""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Min, Q
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

# A task ready this long without a worker taking it means no worker is running.
TASK_BACKLOG_MAX_AGE = datetime.timedelta(minutes=10)
CHECKS = ("database", "cache", "tasks")


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return {"ok": False, "detail": "unreachable"}
    return {"ok": True}


def check_cache():
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    if hasattr(cache, "is_available"):
        ok = cache.is_available()
    else:
        key = "health:probe"
        cache.set(key, 1, 10)
        ok = cache.get(key) == 1
    result = {"ok": ok, "backend": backend}
    if not ok:
        result["detail"] = "unreachable: pages are served uncached, rate limits are off"
    return result


def check_tasks():
    backend = settings.TASKS["default"]["BACKEND"]
    if not backend.startswith("django_tasks_db."):
        return {"ok": True, "backend": backend.rsplit(".", 1)[-1]}
    from django_tasks_db.models import DBTaskResult, get_date_max

    try:
        ready = DBTaskResult.objects.ready()
        never = get_date_max()
        found = ready.aggregate(
            undelayed=Min("enqueued_at", filter=Q(run_after=never)),
            delayed=Min("run_after", filter=~Q(run_after=never)),
        )
        count = ready.count()
    except DatabaseError:
        return {"ok": False, "detail": "unreachable"}
    due = [moment for moment in found.values() if moment is not None]
    waited = (timezone.now() - min(due)).total_seconds() if due else 0
    result = {"ok": waited <= TASK_BACKLOG_MAX_AGE.total_seconds(), "ready": count}
    result["oldest_waiting_seconds"] = max(0, int(waited))
    if not result["ok"]:
        result["detail"] = "tasks are waiting: is a worker running?"
    return result


@never_cache
def health(request):
    wanted = [name.strip() for name in request.GET.get("checks", "").split(",") if name.strip()]
    if any(name not in CHECKS for name in wanted):
        return JsonResponse({"error": f"checks: any of {', '.join(CHECKS)}"}, status=400)
    runners = {"database": check_database, "cache": check_cache, "tasks": check_tasks}
    results = {name: runners[name]() for name in (wanted or CHECKS)}
    degraded = [name for name, result in results.items() if not result["ok"]]
    body = {"status": "degraded" if degraded else "ok", "degraded": degraded, **results}
    return JsonResponse(body, status=503 if degraded else 200)
