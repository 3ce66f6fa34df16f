"""Double submits save once (issue 11, section 6).

A form that creates a record carries a hidden `idempotency_key` (`{% idempotency_field %}`,
a new key each time the form is rendered); an API client sends an `Idempotency-Key` header.
The first POST with a key claims it (a unique row per user and key, committed at once) and
its answer is stored; a second POST with the same key, from the same user, gets that answer
back (the same redirect, the same panel, the same 201 body) and the view does not run again.
A second POST arriving while the first is still running waits for it. A key is bound to one
request ("POST /path"): the same key sent to another address is refused with 422."""

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.translation import gettext as _

from posyandu.core.middleware import bad_request
from posyandu.core.models import IdempotencyKey

FIELD = "idempotency_key"
HEADER = "Idempotency-Key"
MAX_LENGTH = 100
# The longest a second request waits for the first one; a claim older than ABANDONED without
# an answer belongs to a request that died (the process was killed) and is taken over.
WAIT_SECONDS = 10.0
ABANDONED = timedelta(minutes=2)
# Answers larger than this are not stored (the claim is released): a full page with form
# errors can be large, and sending it again does no harm.
MAX_BODY = 256 * 1024
KEPT_HEADERS = ("Content-Type", "Location", "HX-Redirect", "HX-Trigger", "HX-Location")


def key_of(request: HttpRequest) -> str | None:
    """The key a POST carried ('' when none); None when it is not a usable key."""
    raw = request.headers.get(HEADER)
    if raw is None and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        raw = request.POST.get(FIELD)  # MultiPartParserError: see the middleware
    if raw is None:
        return ""
    raw = raw.strip()
    return raw if 0 < len(raw) <= MAX_LENGTH and raw.isprintable() else None


def _answer(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=status)
    return HttpResponse(detail, status=status, content_type="text/plain; charset=utf-8")


def _replay(claim: IdempotencyKey) -> HttpResponse:
    headers = dict(claim.headers)
    if claim.status in (301, 302, 303, 307, 308) and "Location" in headers:
        response: HttpResponse = HttpResponseRedirect(headers.pop("Location"))
        response.status_code = claim.status
    else:
        response = HttpResponse(bytes(claim.body), status=claim.status or 200)
    for name, value in headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def _claim(user: Any, key: str, what: str) -> IdempotencyKey | None:
    """The new claim, or None when the key already has one."""
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user=user, key=key, request=what)
    except IntegrityError:
        return None


def _store(claim: IdempotencyKey, response: HttpResponse) -> None:
    body = b"" if response.streaming else response.content
    if response.streaming or response.status_code >= 500 or len(body) > MAX_BODY:
        claim.delete()  # nothing to give back: a retry runs the view again
        return
    claim.status = response.status_code
    claim.headers = {name: response[name] for name in KEPT_HEADERS if name in response}
    claim.body = body
    claim.save(update_fields=["status", "headers", "body"])


def once(request: HttpRequest, key: str, run: Callable[[], HttpResponse]) -> HttpResponse:
    """Run `run` once for this user and key; every other POST with the key gets its answer."""
    what = f"{request.method} {request.path}"[:300]
    user: Any = request.user  # signed in: the middleware checked
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        claim = _claim(user, key, what)
        if claim is not None:
            break
        if time.monotonic() > deadline:
            return _answer(request, 409, _("The same entry is still being saved; reload the page."))
        found = IdempotencyKey.objects.filter(user=user, key=key).first()
        if found is None:  # the first request failed and let go of the key: try again
            continue
        if found.request != what:
            return _answer(request, 422, _("This idempotency key was used for another request."))
        if found.status is not None:
            return _replay(found)
        if timezone.now() - found.created_at > ABANDONED:
            found.delete()
            continue
        time.sleep(0.05)
    try:
        response = run()
    except BaseException:
        claim.delete()
        raise
    _store(claim, response)
    return response


class IdempotencyMiddleware:
    """Applies `once` to every signed-in POST that carries a key (form field or header)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if request.method != "POST" or not getattr(user, "is_authenticated", False):
            return self.get_response(request)
        try:
            key = key_of(request)
        except MultiPartParserError:  # Django would give the view an empty form: refuse
            return bad_request(request, _("The form could not be read; send it again."))
        if key is None:
            detail = _("The idempotency key must be 1 to 100 printable characters.")
            return _answer(request, 400, detail)
        if not key:
            return self.get_response(request)
        return once(request, key, lambda: self.get_response(request))
