"""Fixtures of the DHIS2 tests: the SKDN world of laporan's tests (April 2025, known counts),
mapping files written per test, and a local DHIS2 stand-in on 127.0.0.1."""

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import override_settings

from posyandu.core.periods import parse_period
from posyandu.laporan.build import rekap_bulanan, rekap_layanan
from posyandu.laporan.tests.conftest import skdn_world  # noqa: F401  (a fixture)

HEADER = {
    "version": "test.1",
    "valid_from": "2025-01-01",
    "status": "unverified",
    "source": {"title": "Pemetaan uji", "issuer": "Posyandu ILP (uji)", "year": 2026},
    "data_set": "DS_TEST",
}
CELLS: list[dict[str, Any]] = [
    {"cell": "skdn.S", "jk": "L", "data_element": "DE_S", "category_option_combo": "COC_L",
     "adx": {"SEX": "L"}},
    {"cell": "skdn.S", "jk": "P", "data_element": "DE_S", "category_option_combo": "COC_P",
     "adx": {"SEX": "P"}},
    *({"cell": f"skdn.{c}", "data_element": f"DE_{c}", "category_option_combo": "default"}
      for c in ("K", "D", "N", "T", "O", "B", "2T")),
    *({"cell": f"gizi.{c}", "data_element": f"DE_{c.upper()}", "category_option_combo": "default"}
      for c in ("diukur", "stunting", "stunting_berat", "wasting", "wasting_berat",
                "underweight", "overweight", "flagged")),
    {"cell": "cakupan.idl_n", "data_element": "DE_IDL_N", "category_option_combo": "default"},
    {"cell": "cakupan.idl_d", "data_element": "DE_IDL_D", "category_option_combo": "default"},
    {"cell": "cakupan.spm_balita_n", "data_element": "DE_SPMB_N",
     "category_option_combo": "default"},
    {"cell": "cakupan.spm_balita_d", "data_element": "DE_SPMB_D",
     "category_option_combo": "default"},
]  # fmt: skip
APRIL = parse_period("2025-04")


@pytest.fixture
def june_2025():
    """The day of laporan's SKDN world (use it before `world`: pytestmark usefixtures)."""
    with time_machine.travel(date(2025, 6, 15), tick=False):
        yield


@pytest.fixture
def write_mapping(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """Writes a mapping file (the common header, the test cells, `org_units`) and points
    DHIS2_MAPPING_FILE at it for the rest of the test."""
    overrides: list[Any] = []

    def write(org_units: dict[str, Any], name: str = "pemetaan", **extra: Any) -> Path:
        path = tmp_path / f"{name}.json"
        body = {"id": f"dhis2_{name}", **HEADER, "org_units": org_units,
                "data_values": CELLS, **extra}  # fmt: skip
        path.write_text(json.dumps(body), encoding="utf-8")
        setting = override_settings(DHIS2_MAPPING_FILE=str(path))
        setting.enable()
        overrides.append(setting)
        return path

    yield write
    for setting in reversed(overrides):
        setting.disable()


@pytest.fixture
def built(world, skdn_world):  # noqa: F811
    """April 2025 of the SKDN world, aggregates built (SKDN rows and the year's coverage)."""
    rekap_bulanan.rekap_rebuild(start=parse_period("2025-01"), end=parse_period("2025-06"))
    rekap_layanan.cakupan_rebuild(years=[2025])
    return skdn_world


@dataclass
class Dhis2Server:
    """A DHIS2 stand-in: `answers` (status, body) are served in order, one per POST; every
    request is kept (path, query, headers, JSON body)."""

    answers: list[tuple[int, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def dhis2_server() -> Iterator[Dhis2Server]:
    state = Dhis2Server()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8")
            parts = urlsplit(self.path)
            state.requests.append(
                {
                    "path": parts.path,
                    "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                    "headers": dict(self.headers),
                    "body": json.loads(raw) if raw else None,
                }
            )
            status, body = state.answers.pop(0) if state.answers else (500, "kosong")
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header(
                "Content-Type", "text/html" if isinstance(body, str) else "application/json"
            )
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    with override_settings(
        DHIS2_BASE_URL=state.url, DHIS2_USERNAME="pusher", DHIS2_PASSWORD="rahasia",
        DHIS2_TOKEN="", DHIS2_TIMEOUT=5,
    ):  # fmt: skip
        yield state
    server.shutdown()
    server.server_close()
