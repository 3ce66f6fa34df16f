"""The HTTP client of SATUSEHAT: OAuth2 client credentials, retries, OperationOutcomes.

- Token: POST {auth}/accesstoken?grant_type=client_credentials (form: client_id,
  client_secret), cached in memory until shortly before it expires; a 401 renews it once.
- 429, 5xx and connection errors are retried with exponential backoff (Retry-After is
  honoured); a timeout is retried only for reads: a POST that timed out may have been
  processed, so it raises `InDoubt` and the worker looks the resources up before resending.
- Other 4xx raise `Rejected` with the OperationOutcome the platform returned.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import requests
from django.utils import timezone

RETRY_STATUS = {429, 500, 502, 503, 504}
TOKEN_MARGIN = 60  # seconds before expiry at which a cached token is renewed


class SatusehatError(Exception):
    """Sending failed; `message` is in Indonesian (shown on the outbox page)."""

    def __init__(self, message: str, *, status: int | None = None, outcome: Any = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.outcome = outcome


class Rejected(SatusehatError):
    """The platform refused the request (4xx): sending it again unchanged will not help."""


class Unavailable(SatusehatError):
    """The platform did not answer usefully (429/5xx/network) after every retry."""


class InDoubt(SatusehatError):
    """A write timed out: it may or may not have been processed."""


@dataclass(frozen=True)
class Credentials:
    organization_id: str
    client_id: str
    client_secret: str


def outcome_text(outcome: Any) -> str:
    """The readable part of an OperationOutcome: issue[].details.text (else diagnostics)."""
    if not isinstance(outcome, dict):
        return ""
    texts = []
    for issue in outcome.get("issue", []):
        text = (issue.get("details") or {}).get("text") or issue.get("diagnostics") or ""
        code = issue.get("code", "")
        texts.append(f"{text} ({code})" if code and text else text or code)
    return "; ".join(t for t in texts if t)


_tokens: dict[tuple[str, str], tuple[str, float]] = {}
_tokens_lock = threading.Lock()


def forget_tokens() -> None:
    with _tokens_lock:
        _tokens.clear()


class Client:
    def __init__(
        self,
        *,
        auth_url: str,
        fhir_url: str,
        credentials: Credentials,
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        on_token: Callable[[Credentials, float, bool], None] | None = None,
    ) -> None:
        self.auth_url = auth_url.rstrip("/")
        self.fhir_url = fhir_url.rstrip("/")
        self.credentials = credentials
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.on_token = on_token
        self.session = requests.Session()

    # --- token --------------------------------------------------------------------------

    def _cache_key(self) -> tuple[str, str]:
        return (self.auth_url, self.credentials.client_id)

    def token(self, *, renew: bool = False) -> str:
        with _tokens_lock:
            cached = _tokens.get(self._cache_key())
        if cached and not renew and cached[1] - TOKEN_MARGIN > time.time():
            return cached[0]
        response = self._send(
            "POST",
            f"{self.auth_url}/accesstoken",
            params={"grant_type": "client_credentials"},
            data={
                "client_id": self.credentials.client_id,
                "client_secret": self.credentials.client_secret,
            },
            write=False,
        )
        if response.status_code != 200:
            raise Rejected(
                "Kredensial SATUSEHAT ditolak (client id/secret Puskesmas ini salah?).",
                status=response.status_code,
                outcome=_json(response),
            )
        body = _json(response) or {}
        token = str(body.get("access_token", ""))
        if not token:
            raise Unavailable("Server token SATUSEHAT tidak memberi access_token.")
        lifetime = float(body.get("expires_in", 3599))
        with _tokens_lock:
            _tokens[self._cache_key()] = (token, time.time() + lifetime)
        if self.on_token is not None:
            self.on_token(self.credentials, lifetime, renew)
        return token

    # --- requests -----------------------------------------------------------------------

    def _send(self, method: str, url: str, *, write: bool, **kwargs: Any) -> requests.Response:
        """One request with retries on 429/5xx/network errors (and timeouts of reads)."""
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except requests.Timeout as exc:
                if write:
                    raise InDoubt(
                        "Waktu tunggu habis saat mengirim; akan diperiksa sebelum dikirim ulang."
                    ) from exc
                if last:
                    raise Unavailable("SATUSEHAT tidak menjawab (waktu tunggu habis).") from exc
            except requests.ConnectionError as exc:
                if last:
                    raise Unavailable("Tidak dapat terhubung ke SATUSEHAT.") from exc
            else:
                if response.status_code not in RETRY_STATUS:
                    return response
                if last:
                    raise Unavailable(
                        f"SATUSEHAT sibuk atau bermasalah (HTTP {response.status_code}).",
                        status=response.status_code,
                        outcome=_json(response),
                    )
                retry_after = response.headers.get("Retry-After", "")
                if retry_after.isdigit():
                    self.sleep(min(float(retry_after), 60.0))
                    continue
            self.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")

    def request(self, method: str, path: str, *, write: bool, **kwargs: Any) -> Any:
        """A FHIR request with the bearer token; 401 renews the token once. Returns JSON."""
        url = f"{self.fhir_url}/{path.lstrip('/')}" if path else self.fhir_url
        renewed = False
        while True:
            headers = {
                "Authorization": f"Bearer {self.token(renew=renewed)}",
                "Accept": "application/fhir+json",
            }
            if "json" in kwargs:
                headers["Content-Type"] = "application/fhir+json"
            response = self._send(method, url, write=write, headers=headers, **kwargs)
            if response.status_code == 401 and not renewed:
                renewed = True
                continue
            if 200 <= response.status_code < 300:
                return _json(response) or {}
            outcome = _json(response)
            text = outcome_text(outcome) or response.reason or ""
            raise Rejected(
                f"Ditolak SATUSEHAT (HTTP {response.status_code}): {text}".rstrip(": "),
                status=response.status_code,
                outcome=outcome,
            )

    def search(self, resource_type: str, **params: str) -> list[dict[str, Any]]:
        bundle = self.request("GET", resource_type, write=False, params=params)
        return [e["resource"] for e in bundle.get("entry", []) if "resource" in e]

    def find_by_identifier(self, resource_type: str, system: str, value: str) -> list[dict]:
        return self.search(resource_type, identifier=f"{system}|{value}")

    def create(self, resource: dict[str, Any]) -> dict[str, Any]:
        return dict(self.request("POST", resource["resourceType"], write=True, json=resource))

    def transaction(self, bundle: dict[str, Any]) -> dict[str, Any]:
        """POST the bundle to the FHIR base itself (not /Bundle)."""
        return dict(self.request("POST", "", write=True, json=bundle))


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def token_expiry(lifetime: float) -> Any:
    return timezone.now() + timedelta(seconds=lifetime)
