"""The app layout: apps depend downward only, and no module imports itself
back through others (README, "Project layout")."""

from __future__ import annotations

import ast
import random
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. An app may import apps on a lower level only; apps on one
# level do not import each other (they react to the level below through
# events, core/events.py). `cocreate` is the project package: URLs, settings
# and the Celery app see everything.
LEVELS: list[tuple[str, ...]] = [
    ("core",),
    ("accounts",),
    ("campaigns",),
    ("notifications", "intelligence", "webhooks"),
    ("generation", "store"),
    ("assistant", "messaging"),
    ("demo",),
    ("cocreate",),
]
LEVEL_OF = {app: n for n, apps in enumerate(LEVELS) for app in apps}
SKIPPED_DIRS = {"migrations", "__pycache__"}


def _modules() -> dict[str, Path]:
    found = {}
    for app in LEVEL_OF:
        for path in (ROOT / app).rglob("*.py"):
            if SKIPPED_DIRS & set(path.relative_to(ROOT).parts):
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every project module `name` imports, at module level or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()

    def resolve(target: str) -> None:
        while target:
            if target in MODULES:
                out.add(target)
                return
            target = target.rpartition(".")[0]

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                resolve(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                resolve(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    out.discard(name)
    return out


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def test_every_app_is_on_a_level():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps <= set(LEVEL_OF), f"apps without a level in LEVELS: {sorted(apps - set(LEVEL_OF))}"


def test_apps_import_only_apps_below_them():
    upward = sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        for target in targets
        if (a := name.split(".")[0]) != (b := target.split(".")[0]) and LEVEL_OF[b] >= LEVEL_OF[a]
    )
    assert upward == []


def test_no_module_imports_itself_back_through_others():
    # Tarjan's strongly connected components: any with more than one module is a circle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in GRAPH:
        if node not in index:
            visit(node)
    assert circles == []


def test_the_layout_check_catches_an_upward_import(tmp_path):
    # The check above reads real source; prove it sees an import made inside a function.
    source = "def f():\n    from generation import services\n"
    path = tmp_path / "probe.py"
    path.write_text(source)
    assert "generation.services" in _imports("campaigns.probe", path)


@pytest.mark.slow
def test_every_module_imports_on_its_own_in_any_order():
    names = sorted(n for n in MODULES if not n.startswith("cocreate.settings"))
    orders = [names, names[::-1], random.Random(7).sample(names, len(names))]
    script = (
        "import importlib, sys, django; django.setup()\n"
        "for name in sys.argv[1:]:\n"
        "    importlib.import_module(name)\n"
    )
    for order in orders:
        result = subprocess.run(
            [sys.executable, "-c", script, *order],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={"DJANGO_SETTINGS_MODULE": "cocreate.settings", "PATH": "/usr/bin:/bin", "HOME": str(ROOT)},
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
