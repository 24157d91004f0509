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
from itertools import islice
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

Table = pd.DataFrame | Mapping[str, np.ndarray]  # text columns by name, in file order


def _csv_rows(names: list[str], table: Table) -> str:
    """Rows of one table as CSV text, quoted only where a value needs it."""
    columns = [np.asarray(table[name], dtype=object) for name in names]
    # Fast path: join plainly (map/zip run in C), then prove by counting separators that no
    # value held a comma, quote or line break; only then is quoting unnecessary.
    rows = list(map(",".join, zip(*columns)))
    body = "\n".join(rows) + "\n" if rows else ""
    plain = (
        body.count(",") == len(rows) * (len(names) - 1)
        and body.count("\n") == len(rows)
        and '"' not in body
        and "\r" not in body
    )
    if plain:
        return body
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(zip(*columns))
    return buffer.getvalue()


def write_csv_parts(path: Path, parts: Iterable[Table]) -> Path:
    """Header plus the rows of every part, in order; parts keep a million lines out of memory at once."""
    names: list[str] | None = None
    with path.open("wb") as out:
        for table in parts:
            if names is None:
                names = list(table)  # a DataFrame iterates over its columns, a mapping over its keys
                out.write(_csv_rows(names, {n: [n] for n in names}).encode("utf-8"))
            out.write(_csv_rows(names, table).encode("utf-8"))
    if names is None:
        raise ValueError(f"{path.name}: no table to write, not even an empty one with its columns")
    return path


def write_csv(path: Path, table: Table) -> Path:
    """Header plus rows of text columns, comma separated, UTF-8, '\\n' line ends."""
    return write_csv_parts(path, [table])


def write_json_lines(path: Path, lines: Iterable[str]) -> Path:
    """Already-serialised JSON objects, one per line."""
    with path.open("wb") as out:
        for batch in _batches(lines, 100_000):
            out.write(("\n".join(batch) + "\n").encode("utf-8"))
    return path


def _batches(items: Iterable[str], size: int) -> Iterable[list[str]]:
    """Consecutive lists of at most `size` items."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


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
    workbook.properties.creator = "retail_assets.synthetic"
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
