"""Request types for annotations: what the project's middleware adds to Django's request."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's HtmxMiddleware (config/settings.py), which sets
    `request.htmx` (truthy for an htmx request). For type annotations only."""

    htmx: HtmxDetails
