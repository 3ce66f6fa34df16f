"""A small shared rate limiter on Django's cache: `allow(key, rate)` and the `rate_limited`
decorator for views and django-ninja operations (HTTP 429 with an Indonesian message).

Rates are "N/unit" with unit s, m, h or d, optionally with a multiplier: "30/m", "1000/h",
"5/10m". The window is fixed (aligned to the clock): at most N hits per window and key, so a
client may reach 2N across the boundary of two windows, never more.

Which cache: the counters live in the cache named by ``settings.RATELIMIT_CACHE`` ("default").
In production every worker process (and every host) must see the same counters, so the cache
must be shared: the default ``CACHE_URL`` is a ``DatabaseCache`` (``dbcache://posyandu_cache``)
in the same database as the data, which works for SQLite (one host, several processes) and for
PostgreSQL (several hosts); ``rediscache://`` or ``pymemcache://`` also work. The per-process
``locmemcache://`` does NOT limit across gunicorn workers and must not be used in production.

Safety of the counter: ``DatabaseCache`` and ``FileBasedCache`` have no atomic ``incr`` (Django's
read-then-write one). ``add`` of the first hit is atomic in ``DatabaseCache`` (an INSERT in a
transaction); later hits are read-modify-write, so under k simultaneous requests of ONE key up
to k-1 hits may be lost: the limit can be exceeded by about the number of concurrent requests of
that key, never without bound. That is enough to stop enumeration (the finding was 13 lookups per
second in sequence). Redis and Memcached count atomically. Django's default ``incr`` also resets
the expiry to the cache's default timeout, so on such backends this module writes the counter
itself with the window's timeout.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


@functools.lru_cache(maxsize=64)
def parse_rate(rate: str) -> Rate:
    """ "30/m" -> Rate(30, 60); "5/10m" -> Rate(5, 600). ValueError on anything else."""
    match = _RATE.match(rate)
    if not match:
        raise ValueError(f"Invalid rate {rate!r}: expected N/unit with unit s, m, h or d")
    limit, multiplier, unit = match.groups()
    seconds = int(multiplier or 1) * _UNITS[unit]
    if seconds <= 0:
        raise ValueError(f"Invalid rate {rate!r}: the window must be positive")
    return Rate(int(limit), seconds)


def _cache() -> BaseCache:
    return caches[getattr(settings, "RATELIMIT_CACHE", "default")]


def _enabled() -> bool:
    return bool(getattr(settings, "RATELIMIT_ENABLE", True))


def _window(rate: Rate, now: float) -> tuple[int, int]:
    """The window number and the seconds left in it (at least 1)."""
    window = int(now // rate.seconds)
    left = max(1, int((window + 1) * rate.seconds - now) + 1)
    return window, left


def _cache_key(key: str, rate: Rate, window: int) -> str:
    # Keys may hold a NIK or an IP: hash them (cache keys are also limited to 250 characters).
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"rl:{rate.limit}:{rate.seconds}:{window}:{digest}"


def _hit(cache: BaseCache, key: str, timeout: int) -> int:
    if cache.add(key, 1, timeout):
        return 1
    if type(cache).incr is not BaseCache.incr:
        # Redis, Memcached, LocMem: atomic and keeps the expiry
        try:
            return int(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout)
            return 1
    value = cache.get(key)
    count = 1 if value is None else int(value) + 1
    cache.set(key, count, timeout)
    return count


def hits(key: str, rate: str, *, now: float | None = None) -> int:
    """Count one hit of `key` under `rate` and return the hits in the current window."""
    parsed = parse_rate(rate)
    window, left = _window(parsed, time.time() if now is None else now)
    return _hit(_cache(), _cache_key(key, parsed, window), left)


def allow(key: str, rate: str, *, now: float | None = None) -> bool:
    """Count one hit of `key` and say whether it is within `rate` ("30/m", "1000/h").

    The key names what is limited and for whom, e.g. f"nik-lookup:user:{user.pk}". Hits over
    the limit are counted too (a client that keeps trying stays blocked until the window ends).
    """
    if not _enabled():
        return True
    return hits(key, rate, now=now) <= parse_rate(rate).limit


def retry_after(rate: str, *, now: float | None = None) -> int:
    """Seconds until the current window of `rate` ends."""
    return _window(parse_rate(rate), time.time() if now is None else now)[1]


def reset(key: str, rate: str, *, now: float | None = None) -> None:
    """Forget the hits of `key` in the current window (tests, an admin unblocking someone)."""
    parsed = parse_rate(rate)
    window, _left = _window(parsed, time.time() if now is None else now)
    _cache().delete(_cache_key(key, parsed, window))


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the header named by RATELIMIT_IP_META (e.g.
    "HTTP_X_REAL_IP" set by the reverse proxy) when the deployment sits behind one."""
    meta = getattr(settings, "RATELIMIT_IP_META", "") or "REMOTE_ADDR"
    value = str(request.META.get(meta) or request.META.get("REMOTE_ADDR") or "unknown")
    return value.split(",")[0].strip()


def user_or_ip(request: HttpRequest) -> str:
    """Default key: the signed-in user, else the client address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


def too_many_requests(request: HttpRequest, rate: str) -> HttpResponse:
    """HTTP 429 with an Indonesian message: JSON for the API, text for a page or htmx."""
    message = _("Too many requests. Please wait a moment and try again.")
    wait = retry_after(rate)
    response: HttpResponse
    if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(wait)
    return response


def rate_limited(
    rate: str,
    *,
    group: str,
    key: Callable[[HttpRequest], str] = user_or_ip,
    methods: tuple[str, ...] | None = None,
) -> Callable[[F], F]:
    """Limit a view or a django-ninja operation to `rate` hits per `key` (default: the user,
    else the IP). `group` names the limited action so two views can share one budget.
    `methods` limits only those HTTP methods (e.g. ("POST",)); None limits all.

        @rate_limited("30/m", group="nik-lookup")
        def view(request): ...
    """
    parse_rate(rate)  # fail at import time on a bad rate

    def decorator(func: F) -> F:
        @functools.wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            limited = methods is None or request.method in methods
            if limited and not allow(f"{group}:{key(request)}", rate):
                return too_many_requests(request, rate)
            return func(request, *args, **kwargs)

        return cast(F, wrapper)

    return decorator
