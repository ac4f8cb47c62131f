"""`make bench`: every benchmark, one after another, each in its own process.

    .venv/bin/python bench/run.py            # everything (about 45 minutes on the 2-core dev machine)
    .venv/bin/python bench/run.py --quick    # short runs of each (about 8 minutes); BENCHMARKS.md unchanged
    .venv/bin/python bench/run.py --full     # also ranking at 1M ideas (a few minutes more)

Each script writes its own section of bench/results.json and, on a full-length
run, its own section of BENCHMARKS.md (bench/common.py), so one failing does
not lose the others: they all run, and the exit status says whether any failed.
bench/generation.py and bench/duplicates.py run when present, with --quick
passed on when they accept it. bench/batching.py (the GPU worker's batching
across requests: fake engine, then four real-model runs, about 20 minutes) runs last.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

# In this order: the cheap, quick ones first, so a broken set-up shows early.
SCRIPTS = ("celery_roundtrip", "votes", "ranking", "web", "memory", "duplicates", "generation", "batching")


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def _command(script: Path, *, quick: bool, full: bool) -> list[str]:
    text = script.read_text()
    flags = [
        flag for flag, wanted in (("--quick", quick), ("--full", full)) if wanted and f'"{flag}"' in text
    ]
    return [sys.executable, str(script), *flags]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="short runs; BENCHMARKS.md is left as it is")
    parser.add_argument("--full", action="store_true", help="also the 1M-idea ranking run")
    args = parser.parse_args()
    outcomes = []
    started = time.monotonic()
    for name in SCRIPTS:
        script = BENCH / f"{name}.py"
        if not script.exists():
            print(f"::: {name}: not present, skipped", flush=True)
            continue
        command = _command(script, quick=args.quick, full=args.full)
        print(f"::: {name} ({' '.join(command[2:]) or 'full'}; load average {_load()})", flush=True)
        step = time.monotonic()
        status = subprocess.run(command, cwd=ROOT).returncode
        outcomes.append((name, status, time.monotonic() - step))
        print(
            f"::: {name}: {'ok' if status == 0 else f'FAILED (exit {status})'} in {time.monotonic() - step:.0f} s"
        )
    print(f"\n::: all benchmarks in {time.monotonic() - started:.0f} s")
    for name, status, seconds in outcomes:
        print(f"    {name:18s} {'ok' if status == 0 else 'FAILED'}  {seconds:5.0f} s")
    sys.exit(1 if any(status for _, status, _ in outcomes) else 0)


if __name__ == "__main__":
    main()
