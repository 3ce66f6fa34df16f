"""HTTP client of the DHIS2 Web API (aggregate data): POST /api/dataValueSets, import summary.

Credentials come from the environment through settings (DHIS2_BASE_URL, DHIS2_USERNAME and
DHIS2_PASSWORD, or DHIS2_TOKEN, a personal access token); they are never stored in the
database. Every request has a timeout (DHIS2_TIMEOUT seconds).

DHIS2 answers an import with an import summary, `{status: SUCCESS|WARNING|ERROR, importCount:
{imported, updated, ignored, deleted}, conflicts: [...]}`, which versions 2.38 and later wrap
in a web message (`{httpStatus, status, message, response: {...summary}}`). Conflicts may come
with HTTP 200 (older versions) or 409 (newer): the body is always read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests
from django.conf import settings


class Dhis2Error(Exception):
    """The exchange failed before an import summary could be read (message in Indonesian)."""

    def __init__(self, message: str, http_status: int | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status


@dataclass(frozen=True)
class Connection:
    base_url: str
    username: str = ""
    password: str = ""
    token: str = ""
    timeout: float = 30.0

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"ApiToken {self.token}"} if self.token else {}

    def auth(self) -> tuple[str, str] | None:
        return None if self.token else (self.username, self.password)


def connection_from_settings() -> Connection:
    base_url = str(getattr(settings, "DHIS2_BASE_URL", "") or "").rstrip("/")
    if not base_url:
        raise Dhis2Error("DHIS2_BASE_URL belum diatur (variabel lingkungan).")
    token = str(getattr(settings, "DHIS2_TOKEN", "") or "")
    username = str(getattr(settings, "DHIS2_USERNAME", "") or "")
    password = str(getattr(settings, "DHIS2_PASSWORD", "") or "")
    if not token and not (username and password):
        raise Dhis2Error(
            "Kredensial DHIS2 belum diatur: DHIS2_TOKEN, atau DHIS2_USERNAME dan DHIS2_PASSWORD."
        )
    return Connection(
        base_url=base_url,
        username=username,
        password=password,
        token=token,
        timeout=float(getattr(settings, "DHIS2_TIMEOUT", 30)),
    )


@dataclass(frozen=True)
class ImportSummary:
    status: str  # SUCCESS | WARNING | ERROR
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    description: str = ""
    http_status: int | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        """Nothing refused: a real import may follow this dry run."""
        return self.status != "ERROR" and not self.conflicts


def parse_summary(body: Any, http_status: int | None = None) -> ImportSummary | None:
    """The import summary in a DHIS2 answer (bare or wrapped), or None if there is none."""
    if not isinstance(body, dict):
        return None
    inner = body.get("response")
    summary = inner if isinstance(inner, dict) and "status" in inner else body
    if "importCount" not in summary and "conflicts" not in summary:
        return None
    count = summary.get("importCount") or {}
    conflicts = summary.get("conflicts") or []
    return ImportSummary(
        status=str(summary.get("status") or "ERROR").upper(),
        imported=int(count.get("imported", 0)),
        updated=int(count.get("updated", 0)),
        ignored=int(count.get("ignored", 0)),
        deleted=int(count.get("deleted", 0)),
        conflicts=[c if isinstance(c, dict) else {"value": str(c)} for c in conflicts],
        description=str(summary.get("description") or body.get("message") or ""),
        http_status=http_status,
        raw=body,
    )


ID_SCHEME = {
    "idScheme": "CODE",
    "dataElementIdScheme": "CODE",
    "orgUnitIdScheme": "CODE",
    "categoryOptionComboIdScheme": "CODE",
    "dataSetIdScheme": "CODE",
}


def post_data_value_set(
    connection: Connection, document: dict[str, Any], *, dry_run: bool
) -> ImportSummary:
    """POST the document (JSON, codes) and return DHIS2's import summary; Dhis2Error when the
    answer holds none (refused login, server error, no connection)."""
    params = {
        **ID_SCHEME,
        "dryRun": "true" if dry_run else "false",
        "importStrategy": "CREATE_AND_UPDATE",
    }
    try:
        response = requests.post(
            f"{connection.base_url}/api/dataValueSets",
            params=params,
            json=document,
            headers={"Accept": "application/json", **connection.auth_headers()},
            auth=connection.auth(),
            timeout=connection.timeout,
        )
    except requests.Timeout as exc:
        raise Dhis2Error(f"DHIS2 tidak menjawab dalam {connection.timeout:g} detik.") from exc
    except requests.RequestException as exc:
        raise Dhis2Error(f"Tidak dapat terhubung ke DHIS2: {exc}") from exc
    code = response.status_code
    if code in (401, 403):
        raise Dhis2Error(
            f"DHIS2 menolak kredensial atau hak akses (HTTP {code}); periksa DHIS2_USERNAME/"
            "DHIS2_PASSWORD atau DHIS2_TOKEN.",
            code,
        )
    try:
        body = response.json()
    except ValueError:
        body = None
    summary = parse_summary(body, code)
    if summary is None:
        text = response.text[:300].strip()
        raise Dhis2Error(f"DHIS2 menjawab HTTP {code} tanpa ringkasan impor: {text}", code)
    return summary
