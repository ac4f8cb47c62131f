"""What the static scanners in .ci/security rely on, checked in the suite.

bandit's B615 is skipped in .bandit because every model load reads a local
directory; this test keeps that true. The scanners themselves run in
.ci/security (they need their own tools, and pip-audit the network).
"""

from __future__ import annotations

import ast
import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("campaigns", "generation", "cocreate", "bench")
HUB_LOADERS = {"from_pretrained", "hf_hub_download", "snapshot_download", "load_dataset"}


def _calls_that_may_download() -> list[str]:
    found = []
    for package in SCANNED:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if not isinstance(node, ast.Call):
                    continue
                name = (
                    node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                )
                if name not in HUB_LOADERS:
                    continue
                local = any(
                    kw.arg == "local_files_only"
                    and isinstance(kw.value, ast.Constant)
                    and kw.value.value is True
                    for kw in node.keywords
                )
                if not local:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_model_load_reads_local_files_only():
    assert _calls_that_may_download() == []


OFFLINE_VARIABLES = {"HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"}
# Where modules that load models live (the apps and the benchmarks).
OFFLINE_SCANNED = tuple(sorted({path.parent.name for path in ROOT.glob("*/apps.py")} | {"cocreate", "bench"}))


def _imports_transformers(node: ast.AST) -> bool:
    return any(
        (isinstance(n, ast.Import) and any(a.name.split(".")[0] == "transformers" for a in n.names))
        or (isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] == "transformers")
        for n in ast.walk(node)
    )


def _offline_variables_set_by(statement: ast.stmt) -> set[str]:
    """The variables an `os.environ.setdefault("X", ...)` or `os.environ["X"] = ...` sets."""
    names = set()
    for node in ast.walk(statement):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "setdefault"
            and ast.unparse(node.func.value) == "os.environ"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(node.args[0].value)
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if (
                    isinstance(target, ast.Subscript)
                    and ast.unparse(target.value) == "os.environ"
                    and isinstance(target.slice, ast.Constant)
                ):
                    names.add(target.slice.value)
    return names & OFFLINE_VARIABLES


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(statement: ast.stmt) -> set[str]:
    if isinstance(statement, ast.Import):
        return {alias.name for alias in statement.names}
    if isinstance(statement, ast.ImportFrom) and statement.module:
        return {statement.module} | {f"{statement.module}.{alias.name}" for alias in statement.names}
    return set()


def _offline_before_transformers(tree: ast.Module, offline_modules: set[str]) -> tuple[bool, bool]:
    """(whether the module's top level switches the Hub offline at all, and
    whether it does so before its first statement that imports transformers)."""
    done: set[str] = set()
    for statement in tree.body:
        if done != OFFLINE_VARIABLES and _imports_transformers(statement):
            return False, False
        done |= _offline_variables_set_by(statement)
        if _imported_modules(statement) & offline_modules:
            done = set(OFFLINE_VARIABLES)
    return done == OFFLINE_VARIABLES, True


def _modules_that_import_transformers_before_the_hub_is_offline() -> list[str]:
    trees = {
        _module_name(path): (path, ast.parse(path.read_text(), filename=str(path)))
        for package in OFFLINE_SCANNED
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    }
    # Modules whose own top level switches the Hub offline before any
    # transformers import; importing one of them first makes a module safe too.
    offline: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, (_, tree) in trees.items():
            sets_it, in_time = _offline_before_transformers(tree, offline)
            if name not in offline and sets_it and in_time:
                offline.add(name)
                changed = True
    unsafe = []
    for name, (path, tree) in trees.items():
        if not _imports_transformers(tree):
            continue
        # Python runs every enclosing package's __init__ first.
        parents = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
        if name in offline or parents & offline:
            continue
        unsafe.append(str(path.relative_to(ROOT)))
    return unsafe


def test_every_module_that_imports_transformers_switches_the_hub_offline_first():
    # HF_HUB_OFFLINE and TRANSFORMERS_OFFLINE are read once, when huggingface_hub
    # and transformers are first imported; settings no longer set them, so each
    # module that imports transformers sets them (or imports one that does) first.
    assert _modules_that_import_transformers_before_the_hub_is_offline() == []


def test_the_offline_check_finds_a_module_that_imports_transformers_first():
    late = ast.parse(
        'from transformers import AutoModel\nimport os\nos.environ.setdefault("HF_HUB_OFFLINE", "1")\n'
    )
    early = ast.parse(
        'import os\nos.environ.setdefault("HF_HUB_OFFLINE", "1")\n'
        'os.environ["TRANSFORMERS_OFFLINE"] = "1"\nimport transformers\n'
    )
    half = ast.parse('import os\nos.environ.setdefault("HF_HUB_OFFLINE", "1")\nimport transformers\n')

    assert _offline_before_transformers(late, set()) == (False, False)
    assert _offline_before_transformers(early, set()) == (True, True)
    assert _offline_before_transformers(half, set()) == (False, False)
    assert _offline_before_transformers(ast.parse("import loader\nimport transformers\n"), {"loader"}) == (
        True,
        True,
    )


def test_bandit_skips_only_the_hub_download_check():
    config = configparser.ConfigParser()
    config.read(ROOT / ".bandit")

    assert config["bandit"]["skips"].split(",") == ["B615"]
