"""Request types for annotations (what the project's middleware adds to Django's request), and
request parameters read the same way by every page."""

from django.http import Http404, HttpRequest
from django_htmx.middleware import HtmxDetails

from posyandu.core.periods import current_month, parse_period, period_of


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's HtmxMiddleware (config/settings.py), which sets
    `request.htmx` (truthy for an htmx request). For type annotations only."""

    htmx: HtmxDetails


def requested_month(request: HttpRequest, latest: str | None = None) -> int:
    """The month of `?periode=YYYY-MM` (else `latest`, else this month), never after this
    month; 404 for a malformed one."""
    text = request.GET.get("periode") or latest or period_of(current_month())
    try:
        return min(parse_period(text), current_month())
    except ValueError as exc:
        raise Http404(str(exc)) from exc
