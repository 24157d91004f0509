"""Named points where a test can hold a run still and SIGKILL it: inert unless RETAIL_PAUSE_AT is set.

The kill-safety tests (retail_assets_tests/reliability/test_kill_safety.py) must kill a real process
at a known moment (rows written but not committed, committed but not archived, dbt half-way), which
sleeps cannot hit on a loaded machine. With RETAIL_PAUSE_AT=<point> (or <point>#<n>: the n-th time it
is reached; default the first), the process writes its pid to the file RETAIL_PAUSE_MARKER when it gets
there and then waits forever, for the test to kill it. Without the variable `pause_point` returns at once.
"""

from __future__ import annotations

import os
import time

PAUSE_ENV = "RETAIL_PAUSE_AT"
MARKER_ENV = "RETAIL_PAUSE_MARKER"
_reached: dict[str, int] = {}


def pause_point(name: str) -> None:
    wanted = os.environ.get(PAUSE_ENV)
    if not wanted:
        return
    point, _, nth = wanted.partition("#")
    if point != name:
        return
    _reached[name] = _reached.get(name, 0) + 1
    if _reached[name] != int(nth or 1):
        return
    marker = os.environ[MARKER_ENV]
    with open(f"{marker}.tmp", "w", encoding="utf-8") as out:
        out.write(f"{os.getpid()} {wanted}\n")
    os.replace(f"{marker}.tmp", marker)  # the test sees the whole line or no file
    while True:
        time.sleep(3600)
