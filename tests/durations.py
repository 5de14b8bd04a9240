"""Prints the test files that took longest in JUnit XML reports: `python tests/durations.py
a.xml b.xml` (tests/run calls it after a whole run, so each CI log says where the time went)."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

SHOWN = 30


def per_file(report: Path) -> dict[str, float]:
    """Seconds per test file (a test's classname is its module's dotted path)."""
    totals: dict[str, float] = defaultdict(float)
    for case in ET.parse(report).getroot().iter("testcase"):
        module = case.get("classname", "").split("::")[0]
        totals[module] += float(case.get("time", 0) or 0)
    return totals


def main(paths: list[str]) -> None:
    for path in paths:
        report = Path(path)
        if not report.exists():
            continue
        totals = per_file(report)
        print(f"slowest test files of {report.name} ({sum(totals.values()):.0f} s in all):")
        for module, seconds in sorted(totals.items(), key=lambda kv: -kv[1])[:SHOWN]:
            print(f"  {seconds:8.1f} s  {module}")


if __name__ == "__main__":
    main(sys.argv[1:])
