"""The JSON API (django-ninja): session auth for browsers, API tokens for machine clients,
OpenAPI schema at /api/v1/openapi.json."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.security import django_auth

from posyandu.accounts.api_routes import router as accounts_router
from posyandu.accounts.tokens import api_token_auth
from posyandu.core.concurrency import StaleRecord
from posyandu.dhis2.api import router as dhis2_router
from posyandu.fasilitas.api import router as fasilitas_router
from posyandu.fasilitas.browser_api import router as wilayah_router
from posyandu.imunisasi.api import router as imunisasi_router
from posyandu.kader.api import router as kader_router
from posyandu.kia.api import router as kia_router
from posyandu.kunjungan_rumah.api import router as kunjungan_rumah_router
from posyandu.pertukaran.api import router as pertukaran_router
from posyandu.rujukan.api import router as rujukan_router
from posyandu.sasaran.api import router as sasaran_router
from posyandu.satusehat.api import router as satusehat_router
from posyandu.sesi.api import router as sesi_router
from posyandu.sinkron.api import router as sinkron_router
from posyandu.skrining.api import router as skrining_router
from posyandu.tugas.api import router as tugas_router

# The error answers every operation can give, documented in the schema (issue 11, section 6):
# all of them come as {"detail": ...} (a sentence; for 422 of a schema, ninja's list).
ERROR_ANSWERS = {
    "400": "The address or the body holds a value that cannot be read (not a UUID, too large).",
    "401": "Not signed in.",
    "403": "The caller's role may not do this.",
    "404": "Not found, or outside the caller's regions and facilities (the same answer).",
    "409": "Conflicts with a stored record (the same entry twice, or an update from an old "
    "version: `version` is the one stored now), or the same idempotency key is still running.",
    "422": "A value is missing, of the wrong type, or outside its bounds.",
}
API_ERROR = {
    "title": "ApiError",
    "type": "object",
    "properties": {
        "detail": {
            "title": "Detail",
            "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "object"}}],
        },
        "version": {"title": "Version", "type": "integer"},
    },
    "required": ["detail"],
}

# posyandu.core.idempotency: a retry with the same key gets the first answer back.
IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "description": "Any 1-100 characters, new for each new record: the same key sent again "
    "by the same user saves nothing twice and gets the first answer back.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 100},
}


def errors_of(method: str, path: str) -> list[str]:
    """The 4xx answers an operation can give: every one may be refused (400, 401, 403, 422);
    one naming a record (a path id, or ids in a body) may not find it (404); one that writes
    may conflict (409)."""
    codes = ["400", "401", "403", "422"]
    if "{" in path or method != "get":
        codes.append("404")
    if method != "get":
        codes.append("409")
    return sorted(codes)


class DocumentedAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["ApiError"] = API_ERROR
        ref = {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                if method != "get":
                    operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
                for code in errors_of(method, path):
                    operation["responses"].setdefault(
                        code, {"description": ERROR_ANSWERS[code], "content": ref}
                    )
        return schema


api = DocumentedAPI(
    title="Posyandu ILP API",
    version="1",
    urls_namespace="api-1",
    # machine clients: `Authorization: Bearer pyd_...` (accounts.tokens); browsers: the session
    auth=[api_token_auth, django_auth],
    description="Records of the Posyandu day, scoped to the caller's regions and facilities.",
)
api.add_router("/me", accounts_router)
api.add_router("/wilayah", wilayah_router)
api.add_router("/", fasilitas_router)
api.add_router("/kader", kader_router)
api.add_router("/tugas", tugas_router)
api.add_router("/kunjungan-rumah", kunjungan_rumah_router)
api.add_router("/sasaran", sasaran_router)
api.add_router("/pengukuran", sesi_router)
api.add_router("/imunisasi", imunisasi_router)
api.add_router("/skrining", skrining_router)
api.add_router("/rujukan", rujukan_router)
api.add_router("/kia", kia_router)
api.add_router("/luring", sinkron_router)
api.add_router("/pertukaran", pertukaran_router)
api.add_router("/dhis2", dhis2_router)
api.add_router("/satusehat", satusehat_router)


# ninja's own answers are English ("Unauthorized", "Not Found: No Wilayah matches ...");
# these speak the caller's language like the rest of the API's messages.
@api.exception_handler(AuthenticationError)
def _not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": _("Sign in first.")}, status=401)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


# Bad input that got past the schemas answers 4xx with a sentence, never a server error: a
# value the database cannot hold (an offset above 2^63), a row that breaks a constraint (the
# same NIK registered twice at once), a body that cannot be parsed (multipart, no boundary).
@api.exception_handler(OverflowError)
@api.exception_handler(ValidationError)
def _not_valid(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("A value is out of range.")}, status=422)


@api.exception_handler(IntegrityError)
def _conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    detail = _("The record conflicts with one already stored; reload it and try again.")
    return api.create_response(request, {"detail": detail}, status=409)


# An update sent from a version that is no longer the stored one (optimistic locking,
# posyandu.core.concurrency): 409 with the stored version, never a silent overwrite.
@api.exception_handler(StaleRecord)
def _stale(request: HttpRequest, exc: StaleRecord) -> HttpResponse:
    detail = _("Someone else saved this record after you read it; reload it and try again.")
    return api.create_response(
        request, {"detail": detail, "version": exc.current.version}, status=409
    )


@api.exception_handler(MultiPartParserError)
def _unreadable(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    detail = _("The request body cannot be read; send JSON.")
    return api.create_response(request, {"detail": detail}, status=400)
