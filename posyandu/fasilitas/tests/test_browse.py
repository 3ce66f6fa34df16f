"""The region browser: links only where the user may go, counts that fit a phone."""

import re

from django.urls import reverse


def _breadcrumb(page: str) -> str:
    return page.split('<ol class="breadcrumb">', 1)[1].split("</ol>", 1)[0]


def test_kader_breadcrumb_does_not_link_to_regions_they_may_not_open(client, world):
    client.force_login(world.kader_a)
    page = client.get(reverse("wilayah:browse", args=["14.71.01.1001"])).content.decode()
    crumbs = _breadcrumb(page)
    # Sukajadi (kecamatan) is shown as text: opening it would be refused (403).
    assert "Sukajadi" in crumbs
    assert reverse("wilayah:browse", args=["14.71.01"]) not in crumbs
    assert client.get(reverse("wilayah:browse", args=["14.71.01"])).status_code == 403


def test_pokjanal_kecamatan_breadcrumb_links_only_inside_their_kecamatan(client, world):
    client.force_login(world.pokjanal_kec)
    page = client.get(reverse("wilayah:browse", args=["14.71.01.1001"])).content.decode()
    links = re.findall(r'href="(/wilayah/[^"]*)"', _breadcrumb(page))
    assert links == [reverse("wilayah:browse"), reverse("wilayah:browse", args=["14.71.01"])]


def test_region_table_has_three_columns_so_counts_fit_a_phone(client, world):
    client.force_login(world.dinkes_kota)
    page = client.get(reverse("wilayah:browse", args=["14.71"])).content.decode()
    head = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert head.count("<th") == 3  # name (with the code under it), villages, posyandu
    assert '<div class="muted">14.71.01</div>' in page


def test_unknown_region_in_api_is_an_indonesian_404(client, world):
    client.force_login(world.admin)
    response = client.get("/api/v1/wilayah/99.99")
    assert response.status_code == 404
    assert response.json() == {"detail": "Wilayah tidak ditemukan."}
