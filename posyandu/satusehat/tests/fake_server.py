"""A local stand-in for SATUSEHAT on 127.0.0.1, speaking the documented contract: the token
endpoint, Patient search/create, search by identifier, the transaction POST answering ids,
OperationOutcome errors, 401 for an unknown or expired token, and scripted failures (429,
500, a timeout after processing, an expired token, a rejection)."""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

CLIENT_ID, CLIENT_SECRET = "client-pkm", "secret-pkm"


def outcome(code: str, text: str) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "details": {"text": text}}],
    }


class FakeSatusehat:
    def __init__(self, *, slow_seconds: float = 1.5) -> None:
        self.tokens: set[str] = set()
        self.token_requests = 0
        self.resources: dict[tuple[str, str], dict[str, Any]] = {}  # (type, id) -> resource
        self.creates: Counter[tuple[str, str]] = Counter()  # (type, identifier) -> creates
        self.transactions: list[dict[str, Any]] = []  # bundles processed, in order
        self.script: list[str] = []  # what the next transaction POSTs do
        self.slow_seconds = slow_seconds
        self.lock = threading.Lock()
        self._ids = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeSatusehat:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add_patient(self, system: str, value: str, ihs: str) -> None:
        ident = [{"system": system, "value": value}]
        self.resources[("Patient", ihs)] = {
            "resourceType": "Patient",
            "id": ihs,
            "identifier": ident,
        }

    def created(self, kind: str) -> list[dict[str, Any]]:
        return [r for (k, _), r in self.resources.items() if k == kind]

    # --- behaviour -------------------------------------------------------------------------

    def _new_id(self, kind: str) -> str:
        return f"{kind[:3].lower()}-{next(self._ids)}"

    def _search(self, kind: str, query: dict[str, list[str]]) -> dict[str, Any]:
        system, _, value = query.get("identifier", [""])[0].partition("|")
        hits = [
            r for (k, _), r in self.resources.items()
            if k == kind and {"system": system, "value": value} in
            [{"system": i.get("system"), "value": i.get("value")} for i in r.get("identifier", [])]
        ]  # fmt: skip
        return {
            "resourceType": "Bundle", "type": "searchset", "total": len(hits),
            "entry": [{"resource": r} for r in hits],
        }  # fmt: skip

    def _create(self, resource: dict[str, Any]) -> dict[str, Any]:
        kind = resource["resourceType"]
        rid = self._new_id(kind)
        stored = {**resource, "id": rid}
        self.resources[(kind, rid)] = stored
        ident = resource.get("identifier", [{}])[0]
        self.creates[(kind, f"{ident.get('system')}|{ident.get('value')}")] += 1
        return stored

    def _transaction(self, bundle: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if bundle.get("resourceType") != "Bundle" or bundle.get("type") != "transaction":
            return 400, outcome("invalid", "Bukan bundle transaction")
        urls: dict[str, str] = {}
        answers = []
        for entry in bundle["entry"]:
            resource, request = entry["resource"], entry["request"]
            kind = resource["resourceType"]
            if request["method"] == "POST":
                stored = self._create(resource)
                status = "201 Created"
            else:
                rid = request["url"].split("/")[1]
                if (kind, rid) not in self.resources:
                    return 404, outcome("not-found", f"{kind}/{rid} tidak ditemukan")
                stored = self.resources[(kind, rid)] = {**resource, "id": rid}
                status = "200 OK"
            urls[entry["fullUrl"]] = f"{kind}/{stored['id']}"
            location = f"{kind}/{stored['id']}/_history/1"
            answers.append({"response": {"status": status, "location": location}})
        # every urn:uuid reference must point at an entry of the same bundle
        text = json.dumps(bundle)
        for part in text.split('"reference": "')[1:]:
            ref = part.split('"', 1)[0]
            if ref.startswith("urn:uuid:") and ref not in urls:
                return 400, outcome("invalid", f"Referensi {ref} tidak ada di bundle")
        self.transactions.append(bundle)
        return 200, {"resourceType": "Bundle", "type": "transaction-response", "entry": answers}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def _reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            def _authorized(self) -> bool:
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                with fake.lock:
                    ok = token in fake.tokens
                if not ok:
                    self._reply(401, outcome("login", "Access token tidak valid atau kedaluwarsa"))
                return ok

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length", "0")))

            def do_GET(self) -> None:  # noqa: N802
                if not self._authorized():
                    return
                url = urlparse(self.path)
                kind = url.path.removeprefix("/fhir-r4/v1/")
                with fake.lock:
                    body = fake._search(kind, parse_qs(url.query))
                self._reply(200, body)

            def do_POST(self) -> None:  # noqa: N802
                url = urlparse(self.path)
                if url.path == "/oauth2/v1/accesstoken":
                    form = parse_qs(self._body().decode())
                    grant = parse_qs(url.query).get("grant_type")
                    if grant != ["client_credentials"] or form.get("client_id") != [CLIENT_ID] or \
                            form.get("client_secret") != [CLIENT_SECRET]:  # fmt: skip
                        self._reply(401, {"error": "invalid_client"})
                        return
                    with fake.lock:
                        fake.token_requests += 1
                        token = f"token-{fake.token_requests}"
                        fake.tokens.add(token)
                    self._reply(200, {"access_token": token, "expires_in": "3599",
                                      "token_type": "BearerToken"})  # fmt: skip
                    return
                body = json.loads(self._body() or b"{}")
                if url.path == "/fhir-r4/v1":
                    with fake.lock:
                        action = fake.script.pop(0) if fake.script else ""
                        if action == "expire":
                            fake.tokens.clear()
                    if not self._authorized():
                        return
                    if action == "429":
                        self._reply(429, outcome("throttled", "Terlalu banyak permintaan"),
                                    {"Retry-After": "0"})  # fmt: skip
                        return
                    if action == "500":
                        self._reply(500, outcome("exception", "Kesalahan server"))
                        return
                    if action == "reject":
                        rule = "Patient tidak sesuai dengan Encounter"
                        self._reply(400, outcome("business-rule", rule))
                        return
                    with fake.lock:
                        status, answer = fake._transaction(body)
                    if action == "timeout":
                        time.sleep(fake.slow_seconds)  # processed, but the answer comes too late
                    self._reply(status, answer)
                    return
                if not self._authorized():
                    return
                with fake.lock:
                    stored = fake._create(body)
                self._reply(201, stored)

        return Handler
