from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _


class ChosenLanguageMiddleware:
    """Bahasa Indonesia unless the user chose another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many phones
    in Indonesia are set to English; the UI must still open in Indonesian for them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


class BadInputMiddleware:
    """Bad input in the address or a form that reaches the database layer answers 400 with a
    message instead of a server error: an id that is not a UUID (`?kunjungan=xyz`) makes the
    ORM raise ValidationError when it builds the query; a number too large for the database
    raises OverflowError. Views validate what they read; this is the net under all of them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (ValidationError, OverflowError)):
            return None
        return bad_request(request, _("The address or the form holds a value that is not valid."))


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """The 400 page with one clear sentence (JSON for an API caller)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)
