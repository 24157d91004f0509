"""`make reliability`'s table: one row per part of the reliability suite, from the JSON each part wrote.

A reliability test module calls `write_result(part, summary)`; with RETAIL_RELIABILITY_RESULTS set
(make reliability sets it) the summary lands there as `<part>.json`, otherwise nothing is written.
`python -m retail_assets_tests.reliability.report DIR` prints every part found in DIR. A later part
(kill tests, concurrent runs) adds its own JSON with the same common keys and any counts of its own
(e.g. "kills_survived", "concurrent_runs"); the table shows every count any part reported.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

RESULTS_ENV = "RETAIL_RELIABILITY_RESULTS"
# Keys every part reports: what was tried, what arrived and what was accounted for, and the verdict.
COMMON = ("cases", "as_expected", "rows_in", "rows_accounted", "runs", "runs_failed", "nothing_lost", "seconds")


def write_result(part: str, summary: dict) -> Path | None:
    folder = os.environ.get(RESULTS_ENV)
    if not folder:
        return None
    path = Path(folder) / f"{part}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def _cell(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items() if v)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(results: dict[str, dict]) -> str:
    """The parts as a Markdown table: the common columns first, then every other key any part has."""
    extra = sorted({k for r in results.values() for k in r} - set(COMMON) - {"part"})
    columns = ["part", *COMMON[:2], *extra, *COMMON[2:]]
    lines = ["| " + " | ".join(c.replace("_", " ") for c in columns) + " |",
             "|" + "|".join(" --- " for _ in columns) + "|"]
    for name, r in sorted(results.items()):
        cells = [r.get("part", name), *(_cell(r[c]) if c in r else "" for c in columns[1:])]
        lines.append("| " + " | ".join(cells) + " |")
    verdict = all(r.get("nothing_lost") is True and r.get("cases") == r.get("as_expected") for r in results.values())
    lines.append("")
    lines.append(f"nothing lost, every case as expected: {'yes' if verdict and results else 'NO'}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    folder = Path(argv[1] if len(argv) > 1 else os.environ.get(RESULTS_ENV, "tmp/reliability"))
    results = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}
    if not results:
        print(f"no reliability results in {folder}: did the tests run?", file=sys.stderr)
        return 1
    print(table(results))
    return 0 if all(r.get("nothing_lost") is True for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
