from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from posyandu.laporan.indicators import markdown


class Command(BaseCommand):
    help = "Write docs/indicators.md from the indicator registry (rules/indicators.json)."

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(settings.BASE_DIR) / "docs" / "indicators.md"
        path.write_text(markdown(), encoding="utf-8")
        self.stdout.write(f"{path}")
