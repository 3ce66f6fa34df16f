"""The installable app: manifest, service worker, app shell, offline page (issue 12).

The shell and the offline page hold no personal data (the service worker caches them for
everyone who opens the app on this device); the people of the Posyandu come from the download
package (`/api/v1/luring/paket`, scoped) into the device's IndexedDB. Only `saya` answers with
the signed-in user's own Posyandu.
"""

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from posyandu.accounts.decorators import public, scoped
from posyandu.accounts.scope import restrict
from posyandu.fasilitas.models import Posyandu
from posyandu.sesi.views import SERVICES, TOPICS
from posyandu.sinkron.pwa_messages import app_messages

# The static files the app needs offline (the shell pages are added by the service worker).
SHELL_STATIC = [
    "css/app.css",
    "vendor/htmx-2.0.11.min.js",
    "sinkron/luring.css",
    "sinkron/luring-db.js",
    "sinkron/luring-sync.js",
    "sinkron/luring-app.js",
    "sinkron/pwa.js",
    "sinkron/icons/icon-192.png",
    "sinkron/icons/icon-512.png",
    "sinkron/icons/maskable-512.png",
]
# The device growth engine (sesi) and its tables: every .js and .json of its folder.
ENGINE_DIR = "sesi/engine"
ENGINE_SUFFIXES = (".js", ".json")
# The engine's WHO tables and rule data (served by sesi, generated from the source data).
ENGINE_DATA_URLS = ["/hari/mesin/tabel.json", "/hari/mesin/aturan.json"]
SW_TEMPLATE = "sinkron/app/sw.js"


def _engine_files() -> list[str]:
    folder = finders.find(ENGINE_DIR)
    if not folder or not Path(str(folder)).is_dir():
        return []
    root = Path(str(folder))
    return sorted(
        f"{ENGINE_DIR}/{p.relative_to(root).as_posix()}"
        for p in root.rglob("*")
        if p.is_file() and p.suffix in ENGINE_SUFFIXES and "test" not in p.name.lower()
    )


def precache_static() -> list[str]:
    """Static paths (relative to STATIC_URL) the service worker keeps for offline use."""
    return SHELL_STATIC + _engine_files()


def _content_hash(paths: list[str]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        found = finders.find(path)
        if found:
            digest.update(path.encode())
            digest.update(Path(str(found)).read_bytes())
    templates = Path(__file__).parent / "templates" / "sinkron" / "app"
    for template in sorted(templates.glob("*")):
        digest.update(template.read_bytes())
    for name in ("pwa_views.py", "pwa_messages.py"):  # the labels and URLs in the shell
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:12]


@lru_cache(maxsize=1)
def _cached_version() -> str:
    return _content_hash(precache_static())


def shell_version() -> str:
    """Changes whenever a cached file changes, so the service worker replaces its cache.
    Computed once per process (files do not change under a running server), except in DEBUG."""
    if settings.DEBUG:
        return _content_hash(precache_static())
    return _cached_version()


@public("the web app manifest: names and icons, no data")
def manifest(request: HttpRequest) -> HttpResponse:
    body = {
        "id": reverse("sinkron:app"),
        "name": settings.PLATFORM_NAME,
        "short_name": _("Posyandu"),
        "description": _("The Posyandu day, also without signal."),
        "lang": get_language() or settings.LANGUAGE_CODE,
        "dir": "ltr",
        "start_url": reverse("sinkron:app"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f6f8fa",
        "theme_color": "#0b6e4f",
        "icons": [
            {"src": static("sinkron/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("sinkron/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("sinkron/icons/maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), content_type="application/manifest+json"
    )
    response["Cache-Control"] = "no-cache"
    return response


@public("the service worker script: the list of cached app files, no data")
def service_worker(request: HttpRequest) -> HttpResponse:
    context = {
        "version": shell_version(),
        "precache": json.dumps(
            [static(p) for p in precache_static()]
            + [reverse("sinkron:app"), reverse("sinkron:offline")]
        ),
        "engine_data": json.dumps(ENGINE_DATA_URLS),
        "shell_url": json.dumps(reverse("sinkron:app")),
        "offline_url": json.dumps(reverse("sinkron:offline")),
        "scripts": json.dumps([static("sinkron/luring-db.js"), static("sinkron/luring-sync.js")]),
    }
    response = render(
        request, SW_TEMPLATE, context, content_type="application/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


def _shell_context() -> dict[str, Any]:
    urls = {
        "paket": "/api/v1/luring/paket",
        "kirim": "/api/v1/luring/kirim",
        "saya": reverse("sinkron:saya"),
        "home": reverse("home"),
        "login": reverse("accounts:login"),
        "app": reverse("sinkron:app"),
        "engine": static(f"{ENGINE_DIR}/engine.js"),
    }
    return {
        "messages_json": app_messages(),
        "urls": urls,
        "config": {
            "lang": (get_language() or settings.LANGUAGE_CODE).split("-")[0],
            "urls": urls,
            "services": SERVICES,
            "topics": TOPICS,
        },
        "version": shell_version(),
    }


@never_cache
@public("the offline app shell: code and labels only; its data comes from the scoped API")
def app_shell(request: HttpRequest) -> HttpResponse:
    return render(request, "sinkron/app/shell.html", _shell_context())


@never_cache
@public("the honest offline page: no data")
def offline_page(request: HttpRequest) -> HttpResponse:
    return render(request, "sinkron/app/offline.html", {"version": shell_version()})


@never_cache
@scoped("personal")
def saya(request: HttpRequest) -> JsonResponse:
    """Who is signed in and which Posyandu they may take offline (their own, by scope)."""
    user = request.user
    places = restrict(Posyandu.objects.select_related("desa"), user, "personal").order_by("nama")
    return JsonResponse(
        {
            "username": user.get_username(),
            "name": user.get_full_name() or user.get_username(),  # type: ignore[union-attr]
            "posyandu": [
                {"id": str(p.public_id), "nama": p.nama, "desa": p.desa.nama if p.desa else ""}
                for p in places[:20]
            ],
        }
    )
