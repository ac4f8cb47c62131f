"""What the static scanners in .ci/security rely on, checked in the suite.

bandit's B615 is skipped in .bandit because every model load reads a local
directory; this test keeps that true. The scanners themselves run in
.ci/security (they need their own tools, and pip-audit the network).
"""

from __future__ import annotations

import ast
import configparser
import os
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


def test_the_hub_is_offline_in_every_process_that_loads_settings():
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_bandit_skips_only_the_hub_download_check():
    config = configparser.ConfigParser()
    config.read(ROOT / ".bandit")

    assert config["bandit"]["skips"].split(",") == ["B615"]
