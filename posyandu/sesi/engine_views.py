"""The data of the device growth engine, for the offline app: the WHO tables and the rule data
(public reference data, no personal data). Built once per process (sesi.engine_data), sent
gzipped when the browser accepts it, with the content version as ETag so a service worker or
the browser revalidates cheaply."""

import gzip
from functools import cache

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from posyandu.accounts.decorators import public
from posyandu.sesi import engine_data

MAX_AGE_SECONDS = 3600


@cache
def _gzipped(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=9, mtime=0)


def _json(request: HttpRequest, body: bytes, version: str) -> HttpResponse:
    etag = f'"{version}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(_gzipped(body), content_type="application/json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["X-Engine-Data-Version"] = version
    response["Cache-Control"] = f"public, max-age={MAX_AGE_SECONDS}"
    response["Vary"] = "Accept-Encoding"
    return response


@require_GET
@public("the WHO growth tables (LMS): published reference data, no personal data")
def engine_tables(request: HttpRequest) -> HttpResponse:
    """?semua=1 adds the skinfold tables (only the WHO reference cases use them)."""
    body, version = engine_data.tables_document(everything=request.GET.get("semua") == "1")
    return _json(request, body, version)


@require_GET
@public("the growth rule data (cut-offs, KBM, plausibility, labels): no personal data")
def engine_rules(request: HttpRequest) -> HttpResponse:
    body, version = engine_data.rules_document()
    return _json(request, body, version)
