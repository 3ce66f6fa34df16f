"""Project-level pages: the landing page (it draws on accounts and the region browser, so it
sits above every app) and the health check."""

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from posyandu.accounts.decorators import public, signed_in
from posyandu.accounts.models import User
from posyandu.accounts.scope import scope_for
from posyandu.fasilitas.browser import browsable_roots


@signed_in("the landing page lists only the user's own assignments")
def home(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)  # signed_in() let only a signed-in user through
    assignments = request.user.assignments.filter(active=True).select_related(
        "wilayah", "puskesmas", "pustu", "posyandu"
    )
    scope = scope_for(request.user)
    context = {
        "assignments": assignments,
        "roots": browsable_roots(request.user) if scope.aggregate else [],
        "has_access": bool(scope.aggregate or scope.personal),
    }
    return render(request, "home.html", context)


@public("load balancers and uptime monitors call it without a session")
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        database = f"error: {exc.__class__.__name__}"
    healthy = database == "ok"
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            "database": database,
            "database_vendor": connection.vendor,
        },
        status=200 if healthy else 503,
    )


def _unapplied_migrations() -> int:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


@public("the reverse proxy and the deploy script call it without a session")
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve users: the database answers, every migration is applied (a deploy that
    forgot `migrate` is not ready) and the cache (rate limits, sessions' helpers) works."""
    checks: dict[str, str] = {}
    try:
        pending = _unapplied_migrations()
        checks["database"] = "ok"
        checks["migrations"] = "ok" if pending == 0 else f"{pending} not applied"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("readyz", "ok", 10)
        checks["cache"] = "ok" if cache.get("readyz") == "ok" else "error: not kept"
    except Exception as exc:  # noqa: BLE001
        checks["cache"] = f"error: {exc.__class__.__name__}"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "error", **checks}, status=200 if ready else 503
    )
