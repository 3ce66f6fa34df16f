"""Each role sees exactly its own Posyandu and regions, through views, API and selectors."""

import pytest
from django.urls import reverse

from posyandu.accounts.scope import restrict
from posyandu.fasilitas.models import Posyandu
from posyandu.kader.models import Kader


def visible_posyandu(user, kind="aggregate") -> set[str]:
    return set(restrict(Posyandu.objects.all(), user, kind).values_list("nama", flat=True))


EXPECTED_AGGREGATE = {
    "kader_a": {"Posyandu Melati"},
    "kader_s": {"Posyandu Seroja"},
    "bidan_1": {"Posyandu Melati", "Posyandu Mawar"},
    "puskesmas_staff": {"Posyandu Melati", "Posyandu Mawar", "Posyandu Anggrek"},
    "pokjanal_kec": {"Posyandu Melati", "Posyandu Mawar", "Posyandu Anggrek"},
    "pokjanal_kota": {"Posyandu Melati", "Posyandu Mawar", "Posyandu Anggrek", "Posyandu Kenanga"},
    "dinkes_kota": {"Posyandu Melati", "Posyandu Mawar", "Posyandu Anggrek", "Posyandu Kenanga"},
    "admin": {
        "Posyandu Melati",
        "Posyandu Mawar",
        "Posyandu Anggrek",
        "Posyandu Kenanga",
        "Posyandu Seroja",
    },
    "outsider": set(),
}


@pytest.mark.parametrize("who", sorted(EXPECTED_AGGREGATE))
def test_each_role_sees_its_posyandu(world, who):
    assert visible_posyandu(getattr(world, who)) == EXPECTED_AGGREGATE[who]


@pytest.mark.parametrize("who", ["pokjanal_kec", "pokjanal_kota", "outsider"])
def test_pokjanal_and_outsiders_see_no_personal_data(world, who):
    user = getattr(world, who)
    assert visible_posyandu(user, "personal") == set()
    assert not restrict(Kader.objects.all(), user, "personal").exists()


def test_pokjanal_with_case_management_sees_personal_data(world):
    assignment = world.pokjanal_kec.assignments.get()
    assignment.can_see_personal = True
    assignment.save()
    world.pokjanal_kec.refresh_from_db()
    assert visible_posyandu(world.pokjanal_kec, "personal") == EXPECTED_AGGREGATE["pokjanal_kec"]


def test_kader_sees_only_the_kader_of_their_posyandu(world):
    kader = restrict(Kader.objects.all(), world.kader_a, "personal")
    assert {k.posyandu_id for k in kader} == {world.posyandu_a.id}
    assert kader.count() == 2


def test_inactive_assignment_gives_nothing(world):
    world.kader_a.assignments.update(active=False)
    world.kader_a.refresh_from_db()
    assert visible_posyandu(world.kader_a) == set()


def test_kader_cannot_open_another_posyandu_by_url(client, world):
    client.force_login(world.kader_a)
    own = client.get(reverse("fasilitas:posyandu_detail", args=[world.posyandu_a.public_id]))
    assert own.status_code == 200
    assert "Posyandu Melati" in own.content.decode()
    for other in (world.posyandu_a2, world.posyandu_b, world.posyandu_s):
        response = client.get(reverse("fasilitas:posyandu_detail", args=[other.public_id]))
        assert response.status_code == 404


def test_kader_cannot_read_another_posyandu_by_api(client, world):
    client.force_login(world.kader_a)
    listing = client.get("/api/v1/posyandu").json()
    assert [p["nama"] for p in listing["items"]] == ["Posyandu Melati"]
    for other in (world.posyandu_a2, world.posyandu_b, world.posyandu_s):
        assert client.get(f"/api/v1/posyandu/{other.public_id}").status_code == 404
    kader = client.get("/api/v1/kader").json()["items"]
    assert {k["posyandu"] for k in kader} == {"Posyandu Melati"}


def test_kader_cannot_browse_another_region(client, world):
    client.force_login(world.kader_a)
    assert client.get(reverse("wilayah:browse", args=["14.71.01.1001"])).status_code == 200
    for kode in ("14.71.01.1002", "14.71.01", "14.71", "17.05.01.2001"):
        assert client.get(reverse("wilayah:browse", args=[kode])).status_code == 403
        assert client.get(f"/api/v1/wilayah/{kode}").status_code == 403


def test_kader_region_page_lists_only_their_posyandu(client, world):
    client.force_login(world.kader_a)
    page = client.get(reverse("wilayah:browse", args=["14.71.01.1001"])).content.decode()
    assert "Posyandu Melati" in page
    assert "Posyandu Mawar" not in page


def test_pokjanal_sees_counts_but_not_kader_names(client, world):
    client.force_login(world.pokjanal_kota)
    detail = client.get(reverse("fasilitas:posyandu_detail", args=[world.posyandu_c.public_id]))
    assert detail.status_code == 200
    kader = Kader.objects.filter(posyandu=world.posyandu_c).first()
    assert kader is not None
    name = kader.nama
    assert name not in detail.content.decode()
    # The kader list of the region (issue 15: SDM is the Pokjanal's work), without contacts;
    # the API's kader records stay personal.
    assert client.get(reverse("kader:list")).status_code == 200
    assert client.get("/api/v1/kader").status_code == 403


def test_region_browser_counts_posyandu_per_kecamatan(client, world):
    client.force_login(world.dinkes_kota)
    data = client.get("/api/v1/wilayah/14.71").json()
    counts = {c["kode"]: (c["desa"], c["posyandu"]) for c in data["children"]}
    assert counts == {"14.71.01": (2, 3), "14.71.02": (1, 1)}


def test_admin_browser_starts_at_provinces(client, world):
    client.force_login(world.admin)
    data = client.get("/api/v1/wilayah").json()
    assert {r["kode"]: r["posyandu"] for r in data} == {"14": 4, "17": 1}


def test_anonymous_is_sent_to_login_and_api_says_401(client, world):
    response = client.get(reverse("fasilitas:posyandu_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert client.get("/api/v1/posyandu").status_code == 401


def test_outsider_without_assignment_is_refused(client, world):
    client.force_login(world.outsider)
    assert client.get(reverse("fasilitas:posyandu_list")).status_code == 403
    assert client.get("/api/v1/posyandu").status_code == 403
    home = client.get(reverse("home"))
    assert home.status_code == 200


def test_bidan_sees_the_puskesmas_serving_her_desa_but_no_other(client, world):
    from posyandu.fasilitas.models import Puskesmas

    visible = restrict(Puskesmas.objects.all(), world.bidan_1, "aggregate")
    assert list(visible) == [world.puskesmas_1]
    client.force_login(world.bidan_1)
    # The Posyandu page links to its Puskesmas: that link must open.
    own = client.get(reverse("fasilitas:puskesmas_detail", args=[world.puskesmas_1.public_id]))
    assert own.status_code == 200
    # ... but the kecamatan is outside her desa: shown as text, not as a dead link.
    assert reverse("wilayah:browse", args=["14.71.01"]) not in own.content.decode()
    other = client.get(reverse("fasilitas:puskesmas_detail", args=[world.puskesmas_2.public_id]))
    assert other.status_code == 404
