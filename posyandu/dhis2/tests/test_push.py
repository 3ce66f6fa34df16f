"""`dhis2 push` against a DHIS2 stand-in on 127.0.0.1: dry run first, the import summary read
whatever the HTTP status, results stored and shown on /dhis2/."""

import base64
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from posyandu.audit.models import AuditEvent
from posyandu.dhis2.models import Pengiriman

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("june_2025")]
DESA_LEVEL = {"level": "desa", "rule": "kemendagri", "strip_dots": True, "prefix": "OU"}


def summary(status="SUCCESS", imported=0, updated=0, ignored=0, conflicts=()):
    return {
        "responseType": "ImportSummary",
        "status": status,
        "description": "Import process completed successfully" if status == "SUCCESS" else "",
        "importCount": {
            "imported": imported,
            "updated": updated,
            "ignored": ignored,
            "deleted": 0,
        },  # fmt: skip
        "conflicts": list(conflicts),
    }


def wrapped(inner, http=200):
    """The web message of DHIS2 2.38 and later around an import summary."""
    return {"httpStatus": "OK" if http == 200 else "Conflict", "httpStatusCode": http,
            "status": "OK" if http == 200 else "WARNING", "message": "Import done",
            "response": inner}  # fmt: skip


CONFLICT = {"object": "OU1471011002", "value": "Organisation unit not found or not accessible"}


def push(*extra: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("dhis2", "push", "--wilayah", "14.71.01", "--period", "2025-04", *extra,
                 stdout=out, stderr=err)  # fmt: skip
    return out.getvalue(), err.getvalue()


@pytest.fixture
def ready(built, write_mapping):
    write_mapping(DESA_LEVEL)


def test_a_clean_dry_run_is_followed_by_the_import(ready, dhis2_server, world):
    dhis2_server.answers = [
        (200, summary(ignored=0)),
        (200, wrapped(summary(imported=40, updated=6, ignored=10))),
    ]
    out, _ = push("--user", "dinkes")
    dry, real = dhis2_server.requests
    assert dry["path"] == real["path"] == "/api/dataValueSets"
    assert (dry["query"]["dryRun"], real["query"]["dryRun"]) == ("true", "false")
    assert dry["query"]["idScheme"] == "CODE" and dry["query"]["orgUnitIdScheme"] == "CODE"
    credentials = base64.b64encode(b"pusher:rahasia").decode()
    assert dry["headers"]["Authorization"] == f"Basic {credentials}"
    assert dry["body"] == real["body"]
    assert dry["body"]["dataSet"] == "DS_TEST" and dry["body"]["period"] == "202504"
    assert {v["orgUnit"] for v in dry["body"]["dataValues"]} == {"OU1471011001", "OU1471011002"}

    stored = Pengiriman.objects.get()
    assert stored.hasil == Pengiriman.Hasil.BERHASIL
    assert (stored.uji_status, stored.impor_status) == ("SUCCESS", "SUCCESS")
    assert (stored.imported, stored.updated, stored.ignored) == (40, 6, 10)
    assert stored.jumlah_unit == 2 and stored.jumlah_nilai == len(dry["body"]["dataValues"])
    assert stored.pengguna == world.dinkes_kota and stored.http_status == 200
    assert "imported 40, updated 6, ignored 10" in out
    event = AuditEvent.objects.get(model="dhis2.pengiriman")
    assert event.metadata["result"] == "berhasil" and event.wilayah_kode == "14.71.01"


def test_conflicts_with_http_200_in_the_dry_run_hold_the_import(ready, dhis2_server):
    dhis2_server.answers = [(200, summary("WARNING", ignored=3, conflicts=[CONFLICT]))]
    with pytest.raises(CommandError, match="tidak berhasil"):
        push()
    assert len(dhis2_server.requests) == 1  # no real import
    stored = Pengiriman.objects.get()
    assert stored.hasil == Pengiriman.Hasil.DITAHAN
    assert stored.uji_status == "WARNING" and stored.impor_status == ""
    assert stored.konflik == [CONFLICT] and stored.imported == 0


def test_force_imports_despite_conflicts_and_reads_a_409_summary(ready, dhis2_server):
    dhis2_server.answers = [
        (200, summary("WARNING", conflicts=[CONFLICT])),
        (409, wrapped(summary("WARNING", imported=20, ignored=23, conflicts=[CONFLICT]), 409)),
    ]
    push("--force")
    stored = Pengiriman.objects.get()
    assert stored.dipaksa and stored.hasil == Pengiriman.Hasil.PERINGATAN
    assert (stored.imported, stored.ignored, stored.http_status) == (20, 23, 409)
    assert stored.konflik == [CONFLICT]


def test_an_error_summary_in_the_dry_run_holds_the_import(ready, dhis2_server):
    dhis2_server.answers = [(200, wrapped(summary("ERROR", ignored=46)))]
    with pytest.raises(CommandError):
        push()
    assert len(dhis2_server.requests) == 1
    assert Pengiriman.objects.get().hasil == Pengiriman.Hasil.DITAHAN


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (401, {"httpStatus": "Unauthorized", "httpStatusCode": 401}, "menolak kredensial"),
        (500, {"httpStatus": "Internal Server Error", "message": "NPE"}, "HTTP 500"),
        (502, "<html>Bad gateway</html>", "HTTP 502"),
    ],
)
def test_refused_login_and_server_errors_are_stored(ready, dhis2_server, status, body, message):
    dhis2_server.answers = [(status, body)]
    with pytest.raises(CommandError, match="tidak berhasil"):
        push()
    assert len(dhis2_server.requests) == 1
    stored = Pengiriman.objects.get()
    assert stored.hasil == Pengiriman.Hasil.GAGAL and stored.http_status == status
    assert message in stored.pesan


def test_no_server_reachable_is_stored(ready, dhis2_server, settings):
    settings.DHIS2_BASE_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    with pytest.raises(CommandError):
        push()
    stored = Pengiriman.objects.get()
    assert stored.hasil == Pengiriman.Hasil.GAGAL and "Tidak dapat terhubung" in stored.pesan


def test_a_token_is_sent_instead_of_the_password(ready, dhis2_server, settings):
    settings.DHIS2_TOKEN = "d2pat_abc"
    dhis2_server.answers = [(200, summary()), (200, summary(imported=1))]
    push()
    assert dhis2_server.requests[0]["headers"]["Authorization"] == "ApiToken d2pat_abc"


def test_missing_credentials_are_named(ready, settings):
    settings.DHIS2_BASE_URL = ""
    with pytest.raises(CommandError):
        push()
    assert "DHIS2_BASE_URL" in Pengiriman.objects.get().pesan


def test_only_dinkes_and_admin_push(ready, dhis2_server):
    with pytest.raises(CommandError, match="tidak berhak"):
        push("--user", "pokjanal_kota")
    with pytest.raises(CommandError, match="di luar wilayah"):
        call_command("dhis2", "push", "--wilayah", "17.05", "--period", "2025-04",
                     "--user", "dinkes")  # fmt: skip
    assert not dhis2_server.requests and not Pengiriman.objects.exists()


def test_unmapped_units_are_stored_with_the_push(built, write_mapping, dhis2_server):
    write_mapping({"level": "desa", "rule": "explicit",
                   "overrides": {"14.71.01.1001": "JADIREJO"}})  # fmt: skip
    dhis2_server.answers = [(200, summary()), (200, summary(imported=1))]
    _, err = push()
    stored = Pengiriman.objects.get()
    assert stored.tanpa_pemetaan == [
        {"kode": "14.71.01.1002", "nama": "Kampung Tengah", "tingkat": "desa"}
    ]
    assert "14.71.01.1002\tKampung Tengah" in err


def test_results_are_shown_to_dinkes_within_their_region(ready, dhis2_server, client, world):
    dhis2_server.answers = [(200, summary("WARNING", conflicts=[CONFLICT]))]
    with pytest.raises(CommandError):
        push()
    held = Pengiriman.objects.get()
    elsewhere = Pengiriman.objects.create(
        wilayah_kode="17.05", periode="2025-04", pemetaan="x@1", hasil="berhasil"
    )
    client.force_login(world.dinkes_kota)
    page = client.get(reverse("dhis2:index"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ditahan" in text and "14.71.01" in text and "17.05" not in text
    assert "dhis2_pemetaan@test.1" in text  # the mapping in use
    detail = client.get(reverse("dhis2:detail", args=[held.pk])).content.decode()
    assert "Organisation unit not found or not accessible" in detail and "WARNING" in detail
    assert client.get(reverse("dhis2:detail", args=[elsewhere.pk])).status_code == 404

    client.force_login(world.admin)
    assert "17.05" in client.get(reverse("dhis2:index")).content.decode()
    client.force_login(world.pokjanal_kota)
    assert client.get(reverse("dhis2:index")).status_code == 403
