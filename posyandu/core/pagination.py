"""The API's page of a list: `limit` and `offset` with bounds stated in the OpenAPI schema
(an offset above 2^63 was a server error: the database cannot hold the number), and an audit
event for every page of a list (who, which list, how many rows): a bulk read of personal data
is never silent."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from posyandu.audit.recorder import log_read

MAX_LIMIT = 500
MAX_OFFSET = 10**9


class BoundedPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT, description="Rows per page (1-500).")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Rows to skip.")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        items = page[self.items_attribute]
        rows = len(items)  # evaluates the slice once; the response reuses the rows
        model = getattr(queryset, "model", None)
        log_read(
            f"api:{request.path}",
            rows=rows,
            model=model._meta.label if model is not None else "",
            metadata={"offset": pagination.offset, "limit": pagination.limit},
        )
        return page
