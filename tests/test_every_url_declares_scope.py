"""Deny by default: every URL of the project declares what it may show (CommCare's
whitelist turned into a test). A new view without a declaration fails here and is refused
at run time by ScopeRequiredMiddleware."""

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path

from config.api import api
from posyandu.accounts.decorators import declaration_of
from posyandu.accounts.middleware import GUARDED_ELSEWHERE

KINDS = {"personal", "aggregate", "signed_in", "public"}


def walk(patterns, namespaces=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, namespaces + ((entry.namespace or ""),))
        elif isinstance(entry, URLPattern):
            yield entry, namespaces


def test_every_view_declares_its_scope():
    undeclared, checked = [], 0
    for pattern, namespaces in walk(get_resolver().url_patterns):
        if any(ns in GUARDED_ELSEWHERE for ns in namespaces):
            continue
        checked += 1
        declaration = declaration_of(pattern.callback)
        if declaration is None or declaration.kind not in KINDS:
            undeclared.append(str(pattern.pattern))
        elif declaration.kind in {"public", "signed_in"}:
            assert declaration.reason, f"{pattern.pattern} must say why it is {declaration.kind}"
    assert undeclared == []
    assert checked >= 9


def test_every_api_operation_declares_its_scope():
    operations = [
        operation
        for _prefix, router in api._routers
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    ]
    declared = {op.view_func.__name__: declaration_of(op.view_func) for op in operations}
    assert len(declared) >= 6
    assert {n for n, d in declared.items() if d is None or d.kind not in KINDS} == set()


def undeclared_view(request):
    return HttpResponse("secret")


urlpatterns = [path("undeclared/", undeclared_view)]


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.django_db
def test_an_undeclared_view_is_refused_at_run_time(client, world):
    client.force_login(world.admin)
    response = client.get("/undeclared/")
    assert response.status_code == 403
    assert b"secret" not in response.content
