"""Helpers the benchmark scripts share: where results go and which machine made them.

Each script owns one section of bench/results.json and one "## <Heading>"
section of BENCHMARKS.md; writing merges that section and leaves the others
as they are, so scripts can run in any order, one at a time.
"""

from __future__ import annotations

import json
import os
import platform
import re
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from filelock import FileLock

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
BENCHMARKS_MD = ROOT / "BENCHMARKS.md"
# Benchmarks may run side by side; var/ is git-ignored, so the lock leaves no trace in the tree.
WRITE_LOCK = ROOT / "var" / "bench-results.lock"
BENCHMARKS_HEADER = (
    "# Benchmarks\n\n"
    "Measured with the scripts in `bench/` (`make bench`); raw numbers in `bench/results.json`.\n"
    "Each section names the machine and the date it was measured on.\n"
)


def machine() -> dict[str, Any]:
    """CPU model, cores, RAM, torch version, date, and how busy the box was (load average)."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "ram_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "torch": _version("torch"),
        "transformers": _version("transformers"),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def machine_line(info: dict[str, Any]) -> str:
    """One line naming the machine, for a Markdown section."""
    return (
        f"{info['cpu']}, {info['cores_usable']} cores, {info['ram_gib']} GiB RAM, "
        f"Python {info['python']}, torch {info['torch']}, {info['date'][:10]}"
    )


def _cpu_model() -> str:
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or platform.machine()
    found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, flags=re.MULTILINE)
    return found.group(1).strip() if found else platform.machine()


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def save_results(section: str, data: dict[str, Any], path: Path = RESULTS) -> None:
    """Replace one section of the results file, keeping the others."""
    WRITE_LOCK.parent.mkdir(exist_ok=True)
    with FileLock(WRITE_LOCK):
        results = json.loads(path.read_text()) if path.exists() else {}
        results[section] = data
        partial = path.with_suffix(".json.partial")
        partial.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
        partial.replace(path)


def save_markdown_section(heading: str, body: str, path: Path = BENCHMARKS_MD) -> None:
    """Replace (or append) the "## heading" section of BENCHMARKS.md with body."""
    WRITE_LOCK.parent.mkdir(exist_ok=True)
    with FileLock(WRITE_LOCK):
        text = path.read_text() if path.exists() else BENCHMARKS_HEADER
        section = f"## {heading}\n\n{body.strip()}\n"
        # From this heading up to the next level-2 heading or the end of the file.
        pattern = re.compile(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", flags=re.MULTILINE | re.DOTALL)
        if pattern.search(text):
            text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip() + "\n"
        else:
            text = f"{text.rstrip()}\n\n{section}"
        partial = path.with_suffix(".md.partial")
        partial.write_text(text)
        partial.replace(path)
