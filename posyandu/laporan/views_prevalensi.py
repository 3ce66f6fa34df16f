"""Download of a month's children of a region in the prevalence tool's input format."""

from django.http import Http404, HttpRequest, HttpResponse

from posyandu.accounts.decorators import scoped
from posyandu.accounts.scope import scope_for
from posyandu.audit.recorder import log
from posyandu.core import tabular
from posyandu.core.http import requested_month
from posyandu.core.periods import period_of
from posyandu.laporan.exports import prevalensi

# What the prevalence tool reads (it finds `;` and skips the byte order mark) and spreadsheets
# open: UTF-8 with a byte order mark, `;`, decimal point, no title row (the header comes
# first), text cells neutralised like every download.
TOOL_CSV = tabular.Dialect("prevalence", ";", ".", bom=True, title=False)


def may_download(user: object, kode: str) -> bool:
    """Rows about single children: personal access to the whole region (no Pokjanal role)."""
    return bool(kode) and scope_for(user).personal.covers_region(kode)


@scoped("personal")
def wilayah_prevalensi(request: HttpRequest, kode: str) -> HttpResponse:
    if not may_download(request.user, kode):
        raise Http404
    month = requested_month(request)
    rows = prevalensi.prevalence_rows(user=request.user, kode=kode, month=month)
    log(
        "export",
        model="laporan.prevalensi",
        wilayah_kode=kode,
        metadata={"period": period_of(month), "format": "csv", "rows": len(rows)},
    )
    body = tabular.csv_bytes(prevalensi.COLUMNS, rows, dialect=TOOL_CSV)
    name = f"prevalensi_{kode.replace('.', '')}_{period_of(month)}.csv"
    response = HttpResponse(body, content_type=tabular.CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
