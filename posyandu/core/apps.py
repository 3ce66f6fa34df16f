from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def _create_cache_tables(**kwargs: Any) -> None:
    """`migrate` also creates the table of a DatabaseCache (CACHE_URL dbcache://, the default
    of the rate limiter); idempotent."""
    call_command("createcachetable", database=kwargs.get("using", "default"), verbosity=0)


class CoreConfig(AppConfig):
    name = "posyandu.core"
    label = "core"

    def ready(self) -> None:
        post_migrate.connect(_create_cache_tables, sender=self)
