from datetime import date

from django.urls import reverse

from posyandu.accounts import context_processors
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.tests.factories import KunjunganFactory, SesiFactory


def test_the_menu_is_built_once_for_a_page_of_panels(client, world, monkeypatch):
    """A visit page renders each app's panel in its own request context; the menu, which only
    the page's frame shows, is built once."""
    built = []

    def counted(user):
        built.append(user)
        return menu_for(user)

    menu_for = context_processors.menu_for
    monkeypatch.setattr(context_processors, "menu_for", counted)
    child = SasaranFactory.create(posyandu=world.posyandu_a, tanggal_lahir=date(2025, 9, 1))
    visit = KunjunganFactory.create(
        sesi=SesiFactory.create(posyandu=world.posyandu_a), sasaran=child
    )
    client.force_login(world.kader_a)
    html = client.get(reverse("sesi:kunjungan", args=[visit.public_id])).content.decode()
    assert 'id="panel-imunisasi"' in html  # a page with panels
    assert f'href="{reverse("sesi:list")}"' in html and f'href="{reverse("sasaran:list")}"' in html
    assert built == [world.kader_a]


def test_a_visitor_signed_out_has_no_menu(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'class="menu"' not in html
