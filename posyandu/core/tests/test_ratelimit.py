"""The shared rate limiter: counting per window and key, the decorator's 429 in Indonesian."""

import json

import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.utils import translation

from posyandu.core import ratelimit

pytestmark = pytest.mark.django_db


def test_parse_rate() -> None:
    assert ratelimit.parse_rate("30/m") == ratelimit.Rate(30, 60)
    assert ratelimit.parse_rate("1000/h") == ratelimit.Rate(1000, 3600)
    assert ratelimit.parse_rate("5/10m") == ratelimit.Rate(5, 600)
    assert ratelimit.parse_rate("2/d") == ratelimit.Rate(2, 86400)
    for bad in ["", "30", "30/x", "a/m", "30/0m"]:
        with pytest.raises(ValueError):
            ratelimit.parse_rate(bad)


def test_allows_up_to_the_limit_then_refuses_until_the_window_ends() -> None:
    now = 60 * 1000.0
    results = [ratelimit.allow("nik:user:1", "3/m", now=now + i) for i in range(5)]
    assert results == [True, True, True, False, False]
    # another key has its own budget
    assert ratelimit.allow("nik:user:2", "3/m", now=now + 5)
    # the next window starts again
    assert ratelimit.allow("nik:user:1", "3/m", now=now + 60)
    assert ratelimit.retry_after("3/m", now=now + 50) == 11


def test_counts_in_the_configured_shared_cache() -> None:
    # the default cache of the project is the database table (shared by every worker)
    assert caches["default"].__class__.__name__ == "DatabaseCache"
    now = 3600 * 500.0
    for _ in range(4):
        ratelimit.allow("k", "10/h", now=now)
    assert ratelimit.hits("k", "10/h", now=now + 10) == 5
    ratelimit.reset("k", "10/h", now=now)
    assert ratelimit.hits("k", "10/h", now=now) == 1


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_atomic_backends_use_incr() -> None:
    caches["default"].clear()
    assert [ratelimit.allow("x", "2/s", now=10.0) for _ in range(3)] == [True, True, False]


@override_settings(RATELIMIT_ENABLE=False)
def test_can_be_switched_off() -> None:
    assert all(ratelimit.allow("y", "1/d", now=0.0) for _ in range(3))


def _view(request: object) -> HttpResponse:
    return HttpResponse("ok")


def test_decorator_answers_429_in_indonesian_for_pages_and_json_for_the_api() -> None:
    view = ratelimit.rate_limited("2/h", group="test-view")(_view)
    rf = RequestFactory()
    assert view(rf.get("/x/", REMOTE_ADDR="10.0.0.1")).status_code == 200
    assert view(rf.get("/x/", REMOTE_ADDR="10.0.0.1")).status_code == 200
    with translation.override("id"):
        blocked = view(rf.get("/x/", REMOTE_ADDR="10.0.0.1"))
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) >= 1
    assert "Terlalu banyak permintaan" in blocked.content.decode()
    # another address is not blocked
    assert view(rf.get("/x/", REMOTE_ADDR="10.0.0.2")).status_code == 200

    api_view = ratelimit.rate_limited("1/h", group="test-api")(_view)
    assert api_view(rf.get("/api/v1/x", REMOTE_ADDR="10.0.0.3")).status_code == 200
    with translation.override("id"):
        api_blocked = api_view(rf.get("/api/v1/x", REMOTE_ADDR="10.0.0.3"))
    assert api_blocked.status_code == 429
    assert "Terlalu banyak" in json.loads(api_blocked.content)["detail"]


def test_decorator_can_limit_only_some_methods() -> None:
    view = ratelimit.rate_limited("1/h", group="test-post", methods=("POST",))(_view)
    rf = RequestFactory()
    for _ in range(3):
        assert view(rf.get("/y/")).status_code == 200
    assert view(rf.post("/y/")).status_code == 200
    assert view(rf.post("/y/")).status_code == 429
