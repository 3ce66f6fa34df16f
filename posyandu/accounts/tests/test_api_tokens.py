"""Issue 16: API tokens for machine clients: scoped like the account's role, hashed at rest,
revocable, expiring, audited."""

import io
from datetime import timedelta

import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from posyandu.accounts.models import ApiToken
from posyandu.accounts.tokens import api_token_create, api_token_revoke
from posyandu.audit.models import AuditEvent
from posyandu.sasaran.tests.factories import SasaranFactory


def bearer(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_token_acts_as_its_account_within_its_scope(world):
    mine = SasaranFactory.create(posyandu=world.posyandu_a)
    other = SasaranFactory.create(posyandu=world.posyandu_s)
    key = api_token_create(user=world.kader_a, nama="aplikasi-desa")
    token = ApiToken.objects.get()
    assert key not in (token.digest, token.prefix) and len(token.digest) == 64  # hashed
    client = bearer(key)
    ids = {p["id"] for p in client.get("/api/v1/sasaran").json()["items"]}
    assert ids == {str(mine.public_id)}
    assert client.get(f"/api/v1/sasaran/{other.public_id}").status_code == 404
    event = AuditEvent.objects.filter(action="read").order_by("id")[0]
    assert event.actor == world.kader_a and event.metadata["via"] == f"api-token:{token.prefix}"
    assert AuditEvent.objects.filter(model="accounts.ApiToken", action="create").exists()


def test_wrong_revoked_and_expired_tokens_are_refused(world):
    key = api_token_create(user=world.kader_a, nama="x", days=30)
    assert (
        bearer(key[:-1] + ("A" if key[-1] != "A" else "B")).get("/api/v1/sasaran").status_code
        == 401
    )
    assert bearer("pyd_nothing_here").get("/api/v1/sasaran").status_code == 401
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert bearer(key).get("/api/v1/sasaran").status_code == 401
    assert bearer(key).get("/api/v1/sasaran").status_code == 200
    api_token_revoke(token=ApiToken.objects.get())
    assert bearer(key).get("/api/v1/sasaran").status_code == 401
    assert AuditEvent.objects.filter(model="accounts.ApiToken", metadata__revoked=True).exists()


def test_a_token_cannot_write_without_csrf_problems_but_within_scope(world):
    key = api_token_create(user=world.kader_a, nama="x")
    body = {
        "posyandu_id": str(world.posyandu_s.public_id),  # another region
        "nama": "Budi",
        "jenis_kelamin": "L",
        "tanggal_lahir": "2025-01-01",
        "persetujuan_oleh": "Ibu",
    }
    response = bearer(key).post("/api/v1/sasaran", body, content_type="application/json")
    assert response.status_code == 404
    body["posyandu_id"] = str(world.posyandu_a.public_id)
    response = bearer(key).post("/api/v1/sasaran", body, content_type="application/json")
    assert response.status_code == 201


def test_command_creates_lists_and_revokes(world):
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", "create", "--user", world.kader_a.username, "--name", "dhis2",
                 stdout=out, stderr=err)  # fmt: skip
    key = out.getvalue().strip()
    assert key.startswith("pyd_") and bearer(key).get("/api/v1/sasaran").status_code == 200
    prefix = ApiToken.objects.get().prefix
    listing = io.StringIO()
    call_command("api_token", "list", stdout=listing)
    assert prefix in listing.getvalue() and key not in listing.getvalue()
    call_command("api_token", "revoke", prefix, stdout=io.StringIO())
    assert bearer(key).get("/api/v1/sasaran").status_code == 401
