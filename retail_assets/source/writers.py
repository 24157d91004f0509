"""Byte-stable file writers: CSV, NDJSON, JSON and XLSX.

Same input, same bytes: fixed line endings, UTF-8, no timestamps of the moment
of writing (the XLSX document properties and zip entry times are pinned to a
datetime derived from the file's business date).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter


def write_csv(path: Path, table: pd.DataFrame | Mapping[str, np.ndarray]) -> Path:
    """Header plus rows of text columns, comma separated, quoted only where a value needs it."""
    names = list(table)  # a DataFrame iterates over its columns, a mapping over its keys
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    # zip over whole columns: the csv module iterates in C, no per-line Python code.
    writer.writerows(zip(*(np.asarray(table[name], dtype=object) for name in names)))
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


def write_json_lines(path: Path, lines: Iterable[str]) -> Path:
    """Already-serialised JSON objects, one per line."""
    text = "".join(f"{line}\n" for line in lines)
    path.write_bytes(text.encode("utf-8"))
    return path


def write_ndjson(path: Path, frame: pd.DataFrame) -> Path:
    """Small frames as NDJSON: one object per row, keys in column order."""
    records = frame.to_dict(orient="records")
    return write_json_lines(path, (json.dumps(r, ensure_ascii=False, default=_plain) for r in records))


def write_json_array(path: Path, frame: pd.DataFrame) -> Path:
    """A JSON array of objects, pretty-printed for people opening the file."""
    records = frame.to_dict(orient="records")
    path.write_bytes((json.dumps(records, indent=2, ensure_ascii=False, default=_plain) + "\n").encode("utf-8"))
    return path


def _plain(value: object) -> object:
    """numpy scalars to Python numbers for json.dumps."""
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"not JSON serialisable: {value!r}")


def write_xlsx(path: Path, frame: pd.DataFrame, sheet: str, business_date: date) -> Path:
    """One sheet of string cells; document and zip timestamps pinned to the business date."""
    stamp = datetime(business_date.year, business_date.month, business_date.day)
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        worksheet.append([str(v) for v in row])
    workbook.properties.creator = "retail_assets.source"
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    # openpyxl's save_workbook() overwrites `modified` with now(); drive its ExcelWriter directly.
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    path.write_bytes(_pin_zip_times(raw.getvalue(), stamp))
    return path


def _pin_zip_times(data: bytes, stamp: datetime) -> bytes:
    """Rewrite a zip with every entry dated `stamp` (zipfile stamps entries with the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
