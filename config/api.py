"""The JSON API (django-ninja): session auth, OpenAPI schema at /api/v1/openapi.json."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.security import django_auth

from posyandu.accounts.api_routes import router as accounts_router
from posyandu.fasilitas.api import router as fasilitas_router
from posyandu.fasilitas.browser_api import router as wilayah_router
from posyandu.imunisasi.api import router as imunisasi_router
from posyandu.kader.api import router as kader_router
from posyandu.kia.api import router as kia_router
from posyandu.kunjungan_rumah.api import router as kunjungan_rumah_router
from posyandu.rujukan.api import router as rujukan_router
from posyandu.sasaran.api import router as sasaran_router
from posyandu.sesi.api import router as sesi_router
from posyandu.skrining.api import router as skrining_router
from posyandu.tugas.api import router as tugas_router

api = NinjaAPI(
    title="Posyandu ILP API",
    version="1",
    urls_namespace="api-1",
    auth=django_auth,
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


# ninja's own answers are English ("Unauthorized", "Not Found: No Wilayah matches ...");
# these speak the caller's language like the rest of the API's messages.
@api.exception_handler(AuthenticationError)
def _not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": _("Sign in first.")}, status=401)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)
