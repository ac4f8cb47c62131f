"""Print how long each test folder took in CI, from pytest's JUnit XML.

Issue 6 asks for the fault, security and browser suites' time to be added up
and kept small; this prints them (summed per test, so with `-n 2` the wall
time is about half). It never fails the build.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET  # nosec B405: parses the file pytest itself just wrote
from collections import defaultdict

PROOF_SUITES = ("tests.faults", "tests.security", "tests.e2e")


def main(path: str) -> None:
    totals: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for case in ET.parse(path).getroot().iter("testcase"):  # noqa: S314  # nosec B314: our own report
        seconds = float(case.get("time", 0))
        parts = case.get("classname", "").split(".")
        folder = ".".join(parts[:2]) if len(parts) > 2 else parts[0]
        totals[folder] += seconds
        counts[folder] += 1
    for folder in sorted(totals, key=totals.get, reverse=True):
        print(f"{folder:<28} {counts[folder]:>5} tests {totals[folder]:>8.1f} s")
    proof = sum(totals[s] for s in PROOF_SUITES)
    print(f"fault + security + browser suites: {proof:.1f} s of {sum(totals.values()):.1f} s in all")


if __name__ == "__main__":
    main(sys.argv[1])
