"""Writing report files atomically: a reader (a spreadsheet, a sync job) never sees half a file."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd


def write_text_atomic(path: Path, text: str) -> Path:
    """Write beside the target, then rename over it (a rename is atomic within one folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # A dot name: the landing-zone convention for files in flight, ignored by anything listing reports.
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return path


def write_csv_atomic(frame: pd.DataFrame, path: Path) -> Path:
    """The frame as CSV (header = its columns, in order; ISO dates; no index)."""
    return write_text_atomic(path, frame.to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n"))
