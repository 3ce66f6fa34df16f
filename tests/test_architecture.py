"""The layer order of docs/architecture.md holds: the contract `lint-imports` enforces lists the
same apps in the same order, every app is in it, and no import hides inside a function (except
in AppConfig.ready, where Django wants them), so the contract sees every dependency."""

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "posyandu"


def _contract_layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")
    return list(layers["layers"])


def _documented_layers() -> list[str]:
    text = (ROOT / "docs" / "architecture.md").read_text()
    block = text.split("```")[1]
    below_config = block.split("─" * 10)[-1]
    return re.findall(r"^([a-z0-9_]+)\s{2,}", below_config.strip("─\n"), flags=re.MULTILINE)


def test_the_documented_order_is_the_enforced_order():
    assert _documented_layers() == _contract_layers()


def test_every_app_has_a_place_in_the_order():
    apps = sorted(p.name for p in APPS.iterdir() if (p / "apps.py").exists())
    assert apps == sorted(_contract_layers())


def _function_local_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if path.name == "apps.py" and node.name == "ready":
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import | ast.ImportFrom):
                found.append(f"{path.relative_to(ROOT)}:{inner.lineno} {ast.unparse(inner)}")
    return found


def test_no_import_hides_inside_a_function():
    sources = [
        p for p in APPS.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts
    ]
    local = [line for p in sources for line in _function_local_imports(p)]
    assert local == []
