"""Writing report files atomically: a reader (a spreadsheet, a sync job) never sees half a file.

CSV exports are opened in spreadsheets, and their text cells come from landing files (product,
store and employee names): a cell that starts with a formula character is neutralised with a
leading single quote, as OWASP's CSV-injection guidance and spreadsheet-safe CSV writers do.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

# A spreadsheet reads a cell starting with one of these as a formula (tab and CR: some strip them first).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A text cell that a spreadsheet would evaluate, prefixed with `'`; anything else unchanged.

    Only strings: a number stays a number (-5 in a numeric column is written -5). A *text* cell
    holding "-5" is prefixed too ("'-5"): OWASP says every text cell with a leading formula
    character, and a text column should not turn into a number in a spreadsheet anyway.
    """
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell spreadsheet-safe (numeric and date columns untouched)."""
    text = [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    if not text:
        return frame
    safe = frame.copy()
    for column in text:
        safe[column] = safe[column].map(spreadsheet_safe)
    return safe


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
    """The frame as spreadsheet-safe CSV (header = its columns, in order; ISO dates; no index)."""
    safe = neutralise_formulas(frame)
    return write_text_atomic(path, safe.to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n"))
