"""A property-based fuzz of the JSON API (issue 11, section 6): schemathesis generates
requests from /api/v1/openapi.json, valid and invalid ones, and sends them to the live test
server signed in as a kader and as Puskesmas staff. The pass condition: no server error
(5xx) at all, and every answer one that the schema documents for its operation. Half of the
generated cases get real ids (a person, a pregnancy, a referral of the world) in place of
random UUIDs, so the fuzz reaches past the 404 of an unknown id into the services. Runs in
`make test-slow` (CI); set FUZZ_EXAMPLES to go deeper."""

import os
from datetime import date, timedelta
from typing import Any

import pytest
import requests
import schemathesis
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from posyandu.kia.services import pregnancy_register
from posyandu.rujukan.services import referral_create
from posyandu.sasaran.tests.factories import SasaranFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
CSRF = "f" * 32  # a CSRF secret of our own, sent as the cookie and the header alike


def _session(live_server: Any, user: Any) -> requests.Session:
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    session.cookies.set("csrftoken", CSRF)
    session.headers.update({"X-CSRFToken": CSRF, "Referer": live_server.url})
    return session


def _real_ids(world: Any) -> dict[str, str]:
    today = timezone.localdate()
    baby = SasaranFactory.create(
        posyandu=world.posyandu_a, tanggal_lahir=today - timedelta(days=300), jenis_kelamin="L"
    )
    mother = SasaranFactory.create(
        posyandu=world.posyandu_a, jenis_kelamin="P", tanggal_lahir=date(1998, 1, 1)
    )
    kehamilan = pregnancy_register(
        sasaran=mother, tanggal_daftar=today, by=None, hpht=today - timedelta(days=70)
    )
    rujukan = referral_create(sasaran=baby, alasan="BB/U < -3 SD", by=world.kader_a, tanggal=today)
    return {
        "sasaran_id": str(baby.public_id),
        "public_id": str(baby.public_id),
        "kehamilan_id": str(kehamilan.public_id),
        "rujukan_id": str(rujukan.public_id),
        "kode": world.posyandu_a.desa_id,
    }


def test_the_api_answers_every_generated_request_without_a_server_error(live_server, world):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    real = _real_ids(world)
    sessions = {
        "kader": _session(live_server, world.kader_a),
        "puskesmas": _session(live_server, world.puskesmas_staff),
    }
    errors: list[str] = []
    calls: dict[str, int] = {}
    statuses: dict[int, int] = {}
    undocumented: set[str] = set()  # an answer the schema does not list for the operation
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode)

            @settings(
                max_examples=MAX_EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategy, role=st.sampled_from(sorted(sessions)), use_real=st.booleans())
            def fuzz(case: Any, role: str, use_real: bool) -> None:
                if use_real:
                    for name in case.path_parameters or {}:
                        if name in real:
                            case.path_parameters[name] = real[name]
                    if isinstance(case.body, dict) and "sasaran_id" in case.body:
                        case.body["sasaran_id"] = real["sasaran_id"]
                # The schema's security scheme is the session cookie: schemathesis would fill
                # it with generated values; the fuzz is about what a signed-in user can send.
                if case.cookies:
                    case.cookies.pop("sessionid", None)
                response = case.call(base_url=live_server.url, session=sessions[role])
                label = case.operation.label
                calls[label] = calls.get(label, 0) + 1
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code >= 500:
                    errors.append(f"{role} {response.status_code} {case.as_curl_command()}")
                elif str(response.status_code) not in case.operation.definition.raw["responses"]:
                    undocumented.add(f"{label} {response.status_code}")

            fuzz()

    total = sum(calls.values())
    print(f"\nfuzzed {len(calls)} operations, {total} requests, {statuses}")  # noqa: T201
    assert len(calls) == len(operations)
    assert statuses.get(401, 0) == 0  # every request was signed in
    assert not errors, "\n".join(errors[:20])
    assert not undocumented, sorted(undocumented)
